"""Benchmarks run by hand (`python -m tests.perf.bench`); nothing here is collected by pytest."""
