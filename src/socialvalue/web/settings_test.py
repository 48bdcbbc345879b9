"""Settings for the test suite: the normal settings with test mode on (fixed key, in-memory mail)."""

import os
import tempfile

os.environ["SOCIALVALUE_TESTING"] = "1"
if "SOCIALVALUE_HOME" not in os.environ:
    os.environ["SOCIALVALUE_HOME"] = tempfile.mkdtemp(prefix="socialvalue-test-")

from socialvalue.web.settings import *  # noqa: E402,F403
