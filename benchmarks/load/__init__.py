"""Load: a working morning against the production web server on the national demo data (docs/benchmarks.md)."""
