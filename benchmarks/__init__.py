"""Reproducible performance figures for Payback: how long the demo data takes to build, and
how fast the pages answer against a national-sized database. Run with `make bench`; see
docs/benchmarks.md."""
