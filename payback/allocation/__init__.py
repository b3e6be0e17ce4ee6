"""Weekly allocation: the pure engine (`engine/`), and around it the adapter that reads and
writes the database, the background runs, the pages and the API (see docs/allocation.md)."""
