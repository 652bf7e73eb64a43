"""Helpers the extractors share: one date value, one outlet key, one set of person-name rules, text folding."""
