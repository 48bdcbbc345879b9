"""Settings for the test suite: the normal settings with test mode on (fixed key, in-memory mail)."""

import os
import tempfile
from urllib.parse import urlsplit

os.environ["SOCIALVALUE_TESTING"] = "1"
if "SOCIALVALUE_HOME" not in os.environ:
    os.environ["SOCIALVALUE_HOME"] = tempfile.mkdtemp(prefix="socialvalue-test-")
if _worker := os.environ.get("PYTEST_XDIST_WORKER"):
    # Parallel workers inherit one environment: each keeps its files and database apart in its own folder.
    os.environ["SOCIALVALUE_HOME"] = os.path.join(os.environ["SOCIALVALUE_HOME"], _worker)
    os.makedirs(os.environ["SOCIALVALUE_HOME"], exist_ok=True)

from socialvalue.web.settings import *  # noqa: E402,F403
from socialvalue.web.settings import CACHES  # noqa: E402

if _worker and CACHES["default"]["BACKEND"].endswith("RedisCache"):
    # Each test clears the cache before it runs, and clearing Redis empties its whole database:
    # parallel workers each take the next database, so one cannot reset another's rate limits.
    _url = urlsplit(CACHES["default"]["LOCATION"])
    _base = int(_url.path.strip("/") or 0)
    _index = int(_worker.removeprefix("gw") or 0)
    CACHES["default"]["LOCATION"] = _url._replace(path=f"/{_base + _index}").geturl()
