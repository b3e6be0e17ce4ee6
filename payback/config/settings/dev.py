"""Local development: SQLite by default, debug on, a throwaway secret."""

import os

from .base import *  # noqa: F403

DEBUG = True
SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-secret-never-used-in-production")
