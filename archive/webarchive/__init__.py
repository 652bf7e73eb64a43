"""Web captures as capture tools deliver them: WARC files and WACZ packages, read and checked."""
