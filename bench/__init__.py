"""Benchmarks: `make bench` (python -m bench) prints a table of timings on real work."""
