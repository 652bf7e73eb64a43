"""The fast path of the read commands: `show`, `list` and `log` parsed here, without typer.

Loading typer costs about as much as a whole `show` (tens of milliseconds), so the simplest and
most frequent command lines are parsed here and run the same functions typer would run
(`archive.cli.reading`). Only command lines this parser fully understands take this path: any
other option or form (`--help`, a bad number, an unknown option, a missing id) goes to typer,
which gives its usual help and errors. So the two paths never disagree about what a command line
means: either it is one of the forms below, or typer decides.

    [GLOBAL...] show ID [--vault V] [--json]
    [GLOBAL...] list [--vault V] [--start N] [--limit N] [--json]
    [GLOBAL...] log  [--vault V] [--start N] [--limit N] [--json]
    GLOBAL: --vault V | --actor A | --json | --debug   (V, A, N as one argument or with "=")
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

_COUNTS = {"--start": 0, "--limit": 1}  # the least value each takes (as typer's min=)
_COMMANDS = {"show": ("--vault", "--json"), "list": ("--vault", "--json", "--start", "--limit")}
_COMMANDS["log"] = _COMMANDS["list"]
_GLOBAL = ("--vault", "--actor", "--json", "--debug")
_FLAGS = frozenset({"--json", "--debug"})


def _options(words: list[str], allowed: tuple[str, ...], positional: int) -> tuple[dict[str, Any], list[str]] | None:
    """Options and positional words, or None if any word is not one of the simple forms."""
    found: dict[str, Any] = {}
    plain: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        if word.startswith("-"):
            name, eq, value = word.partition("=")
            if name not in allowed or name in found or (eq and name in _FLAGS):
                return None
            if name in _FLAGS:
                found[name] = True
            else:
                if not eq:
                    i += 1
                    if i == len(words) or words[i].startswith("-"):
                        return None
                    value = words[i]
                if not value:
                    return None
                if name in _COUNTS:
                    if not (value.isascii() and value.isdigit()) or int(value) < _COUNTS[name]:
                        return None
                    found[name] = int(value)
                else:
                    found[name] = value
        else:
            plain.append(word)
        i += 1
    return (found, plain) if len(plain) == positional else None


def parse(argv: list[str]) -> Callable[[], None] | None:
    """The command to run, if `argv` is one of the simple forms; None: let typer parse it."""
    i = 0
    front: dict[str, Any] = {}
    while i < len(argv) and argv[i].startswith("-"):
        name, eq, value = argv[i].partition("=")
        if name not in _GLOBAL or name in front or (eq and name in _FLAGS):
            return None
        if name in _FLAGS:
            front[name] = True
        else:
            if not eq:
                i += 1
                if i == len(argv) or argv[i].startswith("-"):
                    return None
                value = argv[i]
            if not value:
                return None
            front[name] = value
        i += 1
    if i == len(argv) or argv[i] not in _COMMANDS:
        return None
    command = argv[i]
    parsed = _options(argv[i + 1 :], _COMMANDS[command], 1 if command == "show" else 0)
    if parsed is None:
        return None
    own, plain = parsed
    from archive.cli import reading
    from archive.cli.common import root

    root.update(vault=front.get("--vault"), actor=front.get("--actor"), json=front.get("--json", False), debug=False)
    vault = Path(own["--vault"]) if "--vault" in own else None
    json = bool(own.get("--json", False))
    if command == "show":
        return lambda: reading.show(plain[0], vault, json)
    start, limit = own.get("--start", 0), own.get("--limit")
    if command == "list":
        return lambda: reading.list_items(vault, start, limit, json)
    return lambda: reading.log(vault, start, limit, json)
