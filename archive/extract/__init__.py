"""Extractors: pure functions from an item's bytes to what its text says about itself, with evidence."""
