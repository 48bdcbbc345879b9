"""Settings for the test suite: the normal settings with test mode on (fixed key, in-memory mail)."""

import os
import tempfile

os.environ["SOCIALVALUE_TESTING"] = "1"
if "SOCIALVALUE_HOME" not in os.environ:
    os.environ["SOCIALVALUE_HOME"] = tempfile.mkdtemp(prefix="socialvalue-test-")
if _worker := os.environ.get("PYTEST_XDIST_WORKER"):
    # Parallel workers inherit one environment: each keeps its files and database apart in its own folder.
    os.environ["SOCIALVALUE_HOME"] = os.path.join(os.environ["SOCIALVALUE_HOME"], _worker)
    os.makedirs(os.environ["SOCIALVALUE_HOME"], exist_ok=True)

from socialvalue.web.settings import *  # noqa: E402,F403
