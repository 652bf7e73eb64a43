"""`python -m archive` runs the command line."""

from archive.cli.app import main

main()
