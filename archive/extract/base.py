"""What every extractor returns: facts with their evidence, and notes on what it could not read.

Defined in `archive.extract.api` (with the protocol); kept here for the modules that import it
from here.
"""

from __future__ import annotations

from archive.extract.api import Fact, Note, Result

__all__ = ["Fact", "Note", "Result"]
