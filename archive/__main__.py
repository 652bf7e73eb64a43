"""`python -m archive` runs the command line."""

from archive.cli.main import main

main()
