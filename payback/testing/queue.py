"""Redis for the tests of the queue (TASKS_BACKEND=rq): the local server (`make test` starts it),
in a database of the test run's own, so that runs side by side do not meet."""

import re
import zlib

from django.db import connection


def redis_url() -> str:
    """A Redis database (1 to 15) for this test run, from its PostgreSQL database's name: the
    parallel workers of one run (``..._gw0``, ``..._gw1``...) always get different ones."""
    name = str(connection.settings_dict["NAME"])
    found = re.fullmatch(r"(.*)_gw(\d+)", name)
    base, index = (found.group(1), int(found.group(2))) if found else (name, 0)
    return f"redis://127.0.0.1:6379/{1 + (zlib.crc32(base.encode()) + index) % 15}"
