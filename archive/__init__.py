"""archive: an evidence archive with a provenance ledger.

Kept import-light on purpose: `archive --help` must start fast, so heavy modules load lazily.
"""

__version__ = "0.1.0"
TOOL_NAME = "archive"
