"""Benchmarks of the archive against peers (git, bagit-python): run `python -m bench.run`."""
