"""The entry point of `archive`: one error boundary around every command.

Exit codes: 0 success; 1 checked and found bad; 2 usage error; 3 any other error. Errors are one
`error: ...` line on stderr (a refusal of several files adds one indented line per file);
`--debug` shows the traceback (never with local variables). The simple forms of the read commands
(`show`, `list`, `log`) are parsed by `archive.cli.fast` and answer without loading typer; every
other command line, and every one the fast path does not fully understand, goes to typer.
"""

from __future__ import annotations

import os
import sys


def _undecodable_argument(args: list[str]) -> str | None:
    """The first argument that is not UTF-8 text and not a path that exists (shown escaped).

    Everything a command records is text; an existing path is left to ingest, which names it.
    """
    for arg in args:
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            if not os.path.lexists(arg):
                return os.fsencode(arg).decode("utf-8", "backslashreplace")
    return None


def bounded(text: str, limit: int = 4000) -> str:
    """An error message as it may be printed: bounded, and control characters escaped."""
    lines = text.split("\n")
    shown = [" ".join(c if c.isprintable() else repr(c)[1:-1] for c in line.split(" ")) for line in lines]
    out = "\n".join(shown)
    return out if len(out) <= limit else out[:limit] + f"… ({len(out) - limit} more characters)"


def _with_typer(argv: list[str]) -> int:
    """Run the typer app; its own exits and usage errors become exit codes here."""
    import typer

    from archive.cli.app import app

    try:
        code = app(args=argv, standalone_mode=False)
    except typer.Exit as exc:
        return int(exc.exit_code)
    except typer.Abort:
        sys.stderr.write("error: aborted\n")
        return 3
    except typer.TyperException as exc:
        # Click's usage errors (bad option, missing argument: exit code 2), as one line.
        ctx = getattr(exc, "ctx", None)
        hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
        sys.stderr.write(f"error: {bounded(exc.format_message(), 400)}{hint}\n")
        return int(exc.exit_code)
    return code if isinstance(code, int) else 0


def main() -> None:
    """Entry point: run the command, turning every error into one line and an exit code."""
    from archive.cli.fast import parse
    from archive.errors import ArchiveError

    argv = sys.argv[1:]
    debug = "--debug" in argv or os.environ.get("ARCHIVE_DEBUG") == "1"
    undecodable = _undecodable_argument(argv)
    if undecodable is not None:
        sys.stderr.write(f"error: argument {undecodable} is not valid UTF-8 text\n")
        sys.exit(2)
    try:
        quick = parse(argv)
        if quick is not None:
            quick()
            code = 0
        else:
            code = _with_typer(argv)
    except ArchiveError as exc:
        if debug:
            raise
        sys.stderr.write(f"error: {bounded(str(exc))}\n")
        code = exc.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("error: interrupted\n")
        code = 3
    except BrokenPipeError:
        # The reader went away (`archive log | head`): not an error; stop writing to the closed pipe.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        code = 0
    except Exception as exc:
        if debug:
            raise
        sys.stderr.write(
            f"error: internal error: {type(exc).__name__}: {bounded(str(exc), 400)} (rerun with --debug)\n"
        )
        code = 3
    sys.exit(code)
