"""python -m payback.allocation --instance week.json --time-limit 10: see `engine/cli.py`."""

import sys

from .engine.cli import main

sys.exit(main())
