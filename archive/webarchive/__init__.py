"""Web archives: WARC files and WACZ packages read, indexed and checked (signed WACZ in `signing`)."""
