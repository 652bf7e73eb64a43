"""The `archive` command line: commands parse, call the library, and print; one error boundary.

Exit codes: 0 success; 1 checked and found bad; 2 usage error; 3 any other error. Errors are one
`error: ...` line on stderr (a refusal of several files adds one indented line per file);
`--debug` shows the traceback (never with local variables). Global options (`--vault`, `--actor`,
`--json`, `--debug`) go before or after the command. Only typer and the standard library load at
start; each command imports what it uses.
"""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TextIO

import typer

from archive import __version__

if TYPE_CHECKING:
    from archive.service.archive import Archive, Context

app = typer.Typer(
    name="archive",
    help="An evidence archive with a provenance ledger: ingest sources unchanged, verify that nothing "
    "changed, cite items with checkable manifests. Global options (--vault, --actor, --json, --debug) "
    "may come before or after the command.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
)

DEFAULT_VAULT = Path("vault")
_root: dict[str, Any] = {"vault": None, "actor": None, "json": False, "debug": False}

VaultOpt = Annotated[
    Path | None,
    typer.Option("--vault", help="Vault directory (else ARCHIVE_VAULT, else ./vault).", show_default=False),
]
ActorOpt = Annotated[
    str | None,
    typer.Option("--actor", help="Who acts, recorded in the ledger (else ARCHIVE_ACTOR, else your OS user name)."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Exact machine-readable JSON on stdout.")]
OutputOpt = Annotated[
    Path | None, typer.Option("-o", "--output", help="Write to this file (default: stdout).", show_default=False)
]


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"archive {__version__}\n")
        raise typer.Exit()


@app.callback()
def _callback(
    vault: VaultOpt = None,
    actor: ActorOpt = None,
    json: JsonOpt = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    _root.update(vault=vault, actor=actor, json=json, debug=debug)


def _vault(given: Path | None) -> Path:
    if given is not None:
        return given
    if _root["vault"] is not None:
        return Path(_root["vault"])
    env = os.environ.get("ARCHIVE_VAULT")
    return Path(env) if env else DEFAULT_VAULT


def _json(given: bool) -> bool:
    return given or bool(_root["json"])


def _passphrase() -> bytes | None:
    value = os.environ.get("ARCHIVE_KEY_PASSPHRASE")
    return value.encode("utf-8", "surrogateescape") if value else None


def _context(actor: str | None, *, origin: str | None = None, passphrase: bytes | None = None) -> Context:
    from archive.errors import UsageError
    from archive.service.archive import Context

    who = actor or _root["actor"] or os.environ.get("ARCHIVE_ACTOR") or getpass.getuser()
    if not who.strip():
        raise UsageError("--actor must not be empty")
    try:
        who.encode("utf-8")
    except UnicodeEncodeError:
        raise UsageError("--actor (or ARCHIVE_ACTOR) is not valid UTF-8 text") from None
    return Context(actor=who.strip(), origin=origin, passphrase=passphrase or _passphrase())


def _trusted_keys_path() -> Path:
    explicit = os.environ.get("ARCHIVE_TRUSTED_KEYS")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "archive" / "trusted-keys"


@contextmanager
def _open(
    vault: Path | None, actor: str | None, *, create: bool = False, ctx: Context | None = None, read_only: bool = False
) -> Iterator[tuple[Archive, bool]]:
    from archive.service.archive import Archive

    archive, created = Archive.open(_vault(vault), ctx or _context(actor), create=create, read_only=read_only)
    try:
        yield archive, created
    finally:
        archive.close()


@contextmanager
def _output(path: Path | None) -> Iterator[TextIO]:
    """Where a command writes: stdout, or a file written whole or not at all."""
    if path is None:
        yield sys.stdout
        return
    from archive.cli.output import atomic_text

    with atomic_text(path) as out:
        yield out


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _read_text(path: Path, what: str = "file", limit: int = 1 << 20) -> str:
    from archive.errors import BadInputError, NotFoundError
    from archive.service.sources import shown_path
    from archive.storage.fsutil import NotRegularError, TooLargeError, read_regular

    try:
        return read_regular(path, limit).decode("utf-8")
    except FileNotFoundError:
        raise NotFoundError(f"{shown_path(path)}: no such {what}") from None
    except NotRegularError:
        raise BadInputError(f"{shown_path(path)}: not a regular file") from None
    except TooLargeError:
        raise BadInputError(f"{shown_path(path)}: larger than {limit} bytes; not a {what}") from None
    except UnicodeDecodeError:
        raise BadInputError(f"{shown_path(path)}: not UTF-8 text") from None
    except OSError as exc:
        raise BadInputError(f"{shown_path(path)}: cannot read: {exc.strerror}") from None


# ---- init, ingest ----------------------------------------------------------------------------


@app.command()
def init(
    vault: VaultOpt = None,
    actor: ActorOpt = None,
    origin: Annotated[
        str | None,
        typer.Option(help="Name of this archive's log in checkpoints, e.g. example.org/archive (default: random)."),
    ] = None,
    encrypt_key: Annotated[
        bool,
        typer.Option(
            "--encrypt-key",
            help="Encrypt the signing key with a passphrase (from ARCHIVE_KEY_PASSPHRASE, or asked for).",
        ),
    ] = False,
    json: JsonOpt = False,
) -> None:
    """Create an empty vault with its Ed25519 signing key (ingest also creates one when missing).

    The key is announced as the ledger's first entry and signs a checkpoint after every change.
    """
    from archive.errors import UsageError, VaultError
    from archive.storage.vault import is_vault

    where = _vault(vault)
    if is_vault(where):
        raise VaultError(f"{where} is already a vault")
    passphrase = _passphrase()
    if encrypt_key and passphrase is None:
        if not sys.stdin.isatty():
            raise UsageError("--encrypt-key needs ARCHIVE_KEY_PASSPHRASE or a terminal to ask on")
        first = getpass.getpass("passphrase for the signing key: ")
        if not first or first != getpass.getpass("again: "):
            raise UsageError("passphrases were empty or did not match")
        passphrase = first.encode("utf-8")
    ctx = _context(actor, origin=origin, passphrase=passphrase if encrypt_key else None)
    with _open(where, actor, create=True, ctx=ctx) as (archive, _):
        key = str(archive.keys().current)
        name = archive.origin
    if _json(json):
        from archive.cli.render import emit_json

        emit_json({"vault": str(where), "created": True, "origin": name, "verifier_key": key})
    else:
        _say(f"created vault at {where}\nverifier key: {key}")


@app.command()
def ingest(
    paths: Annotated[
        list[str],
        typer.Argument(metavar="PATH...", help="Files and directories (walked recursively).", show_default=False),
    ],
    vault: VaultOpt = None,
    actor: ActorOpt = None,
    outlet: Annotated[str | None, typer.Option(help="Publication that published it.")] = None,
    published: Annotated[str | None, typer.Option(help="Publication date (YYYY-MM-DD, or RFC 3339).")] = None,
    title: Annotated[str | None, typer.Option(help="Headline.")] = None,
    author: Annotated[list[str] | None, typer.Option(help="Byline author (repeatable).")] = None,
    credit: Annotated[list[str] | None, typer.Option(help="Photo credit 'Photographer/Agency' (repeatable).")] = None,
    url: Annotated[str | None, typer.Option(help="Where it was published (http/https).")] = None,
    language: Annotated[str | None, typer.Option(help="Language tag, e.g. en.")] = None,
    note: Annotated[str | None, typer.Option(help="Free-text note.")] = None,
    meta: Annotated[
        Path | None,
        typer.Option("--meta", help="Metadata sidecar, JSON or YAML (schemas/sidecar.schema.json)."),
    ] = None,
    exclude: Annotated[
        list[str] | None,
        typer.Option(
            "--exclude",
            metavar="GLOB",
            help="Leave out files and folders matching GLOB (repeatable): a pattern without '/' matches any "
            "name ('*.log'), one with '/' the path under the folder given ('drafts/*').",
        ),
    ] = None,
    raw: Annotated[
        bool, typer.Option("--raw", help="Store unidentified binary or non-UTF-8 text as is (no extraction).")
    ] = False,
    with_: Annotated[
        list[Path] | None,
        typer.Option(
            "--with",
            metavar="CAPTURE",
            help="A capture of the same source (screenshot image, PDF print, HTML source), ingested and "
            "related to the one PATH given (repeatable).",
        ),
    ] = None,
    batch_size: Annotated[int, typer.Option(min=1, max=100_000, help="Files per durable commit.")] = 256,
    json: JsonOpt = False,
) -> None:
    """Store files unchanged, fingerprint them, and record each in the ledger.

    The archive ingests files you have saved (a page saved from the browser, a PDF, a photo, a
    text); it does not fetch URLs. A capture set in one step: `archive ingest page.html --url URL
    --with screenshot.png --with print.pdf` ingests all three and records each capture's relation.

    Every file is checked first (a regular file, readable, not empty, a recognised type, UTF-8 if
    text): bad files are all named in one refusal and nothing is written. Vaults found in a folder
    are never ingested. Identical bytes are stored once; a file the archive already holds is
    reported with its item id and nothing is appended.
    """
    from archive.cli.render import progress_bar
    from archive.service.extraction import Extractors
    from archive.service.ingest import IngestRequest, plan, relate_captures, run

    options = {
        "outlet": [outlet] if outlet else [],
        "published": [published] if published else [],
        "title": [title] if title else [],
        "author": author or [],
        "credit": credit or [],
        "url": [url] if url else [],
        "language": [language] if language else [],
        "note": [note] if note else [],
    }
    request = IngestRequest(
        paths=paths,
        values={k: list(v) for k, v in options.items() if v},
        meta=meta,
        captures=with_ or [],
        exclude=exclude or [],
        raw=raw,
        batch_size=batch_size,
    )
    ctx = _context(actor)
    planned = plan(request, ctx.actor)  # everything is checked before a vault is made or touched
    as_json = _json(json)
    results: list[Any] = []
    where = _vault(vault)
    with (
        _open(where, actor, create=True, ctx=ctx) as (archive, created),
        Extractors() as extractors,
        progress_bar(not as_json) as bar,
    ):
        if created and not as_json:
            _say(f"created vault at {where}")
        for batch in run(archive, planned, extractors, batch_size=batch_size):
            results.extend(batch)
            if bar is not None:
                bar("ingest", len(results), len(planned.sources))
            if not as_json:
                for r in batch:
                    if r.status == "ingested":
                        _say(f"ingested  {r.item}  {r.name}  (entry {r.seq}, {r.media_type}, {r.size} bytes)")
                    else:
                        _say(f"exists    {r.item}  {r.name}  (already in the archive; nothing appended)")
        related = relate_captures(archive, planned, results)
    if not as_json:
        for rel in related:
            _say(f"related   {rel.item} is {rel.relation} of {rel.to}  (entry {rel.seq})")
    new = sum(1 for r in results if r.status == "ingested")
    found = planned.found
    if as_json:
        from archive.cli.render import emit_json

        emit_json(
            {
                "vault": str(where),
                "created": created,
                "ingested": new,
                "existing": len(results) - new,
                "skipped": found.skipped,
                "excluded": found.excluded,
                "vaults_skipped": found.vaults,
                "items": [r.to_json() for r in results],
                "relations": [r.to_json() for r in related],
            }
        )
    else:
        extra = f"; skipped {found.skipped} hidden files or links" if found.skipped else ""
        extra += f"; excluded {found.excluded}" if found.excluded else ""
        extra += f"; left out {_count(len(found.vaults), 'vault')} ({', '.join(found.vaults)})" if found.vaults else ""
        _say(f"{new} ingested, {len(results) - new} already present{extra}")


# ---- reading ---------------------------------------------------------------------------------


ItemArg = Annotated[str, typer.Argument(metavar="ID", help="Item id: its SHA-256, or an unambiguous prefix.")]


@app.command()
def show(item_id: ItemArg, vault: VaultOpt = None, json: JsonOpt = False) -> None:
    """Show one item: object facts, acquisition, each current value with where it came from,
    superseded values, relations, access, and the item's whole history."""
    with _open(vault, None, read_only=True) as (archive, _):
        item = archive.item(archive.resolve_id(item_id))
        history = archive.history(item)
    if _json(json):
        from archive.cli.render import emit_json

        doc = item.to_json()
        doc["history"] = [{"seq": s.seq, "hash": s.hash, **e.to_json()} for s, e in history]
        emit_json(doc)
    else:
        from archive.cli.render import item_lines, width

        _say("\n".join(item_lines(item, history, width())))


@app.command(name="list")
def list_(
    vault: VaultOpt = None,
    start: Annotated[int, typer.Option(min=0, help="Skip this many items (in ingest order).")] = 0,
    limit: Annotated[int | None, typer.Option(min=1, help="At most this many items.")] = None,
    json: JsonOpt = False,
) -> None:
    """List items in ingest order with their current date, outlet and title (--json: each item whole)."""
    with _open(vault, None, read_only=True) as (archive, _), closing(archive.items(start=start, limit=limit)) as items:
        if _json(json):
            from archive.cli.render import emit_json_lines

            emit_json_lines(item.to_json() for item in items)
            return
        from archive.cli.render import list_lines, width

        lines = list_lines(items, width())
        total = archive.count()
    shown = max(0, len(lines) - 2)
    _say("\n".join(lines) if lines else "no items")
    if shown < total:
        sys.stderr.write(f"{shown} of {total} items (--start, --limit)\n")


@app.command()
def log(
    vault: VaultOpt = None,
    start: Annotated[int, typer.Option(min=0, help="First sequence number.")] = 0,
    limit: Annotated[int | None, typer.Option(min=1, help="At most this many entries.")] = None,
    json: JsonOpt = False,
) -> None:
    """Show ledger entries in order (with --json: each entry's fields, hash and canonical bytes)."""
    with _open(vault, None, read_only=True) as (archive, _), closing(archive.entries(start, limit)) as entries:
        if _json(json):
            from archive.cli.render import emit_json_lines

            emit_json_lines(
                {"seq": s.seq, "hash": s.hash, "canonical": s.data.decode("utf-8"), "entry": e.to_json()}
                for s, e in entries
            )
            return
        from archive.cli.render import log_lines, width

        lines = log_lines(entries, width())
    _say("\n".join(lines) if lines else "no entries")


# ---- writing about items ---------------------------------------------------------------------


@app.command()
def amend(
    item_id: ItemArg,
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", metavar="FIELD=VALUE", help="New value (repeat for repeatable fields: author, credit)."),
    ] = None,
    unset: Annotated[
        list[str] | None, typer.Option("--unset", metavar="FIELD", help="Record that FIELD has no value.")
    ] = None,
    reason: Annotated[str, typer.Option("--reason", help="Why the correction is made (required).")] = "",
    vault: VaultOpt = None,
    actor: ActorOpt = None,
    json: JsonOpt = False,
) -> None:
    """Correct an item's metadata: a new ledger entry that points at the old one; nothing is rewritten.

    Fields: title, outlet, published, modified, created, author, credit, url, language, note. `show`
    then gives the current value and the history of every value.
    """
    from archive.errors import UsageError

    values: dict[str, list[Any]] = {}
    for pair in set_ or []:
        field, sep, value = pair.partition("=")
        if not sep or not field.strip():
            raise UsageError(f"--set takes FIELD=VALUE, got {pair[:80]!r}")
        values.setdefault(field.strip(), []).append(value)
    with _open(vault, actor) as (archive, _):
        full = archive.resolve_id(item_id)
        sealed = archive.amend(full, values, [f.strip() for f in unset or []], reason)
    if _json(json):
        from archive.cli.render import emit_json

        emit_json({"item": full, "seq": sealed.seq, "hash": sealed.hash})
    else:
        _say(f"amended   {full}  (entry {sealed.seq})")


@app.command()
def reextract(
    ids: Annotated[list[str] | None, typer.Argument(metavar="[ID...]", help="Items (default: every item).")] = None,
    vault: VaultOpt = None,
    actor: ActorOpt = None,
    json: JsonOpt = False,
) -> None:
    """Run the current extractors again and append what changed as new entries.

    Earlier extracted values stay in the ledger and in `show`'s history; asserted values still win.
    """
    from archive.service.extraction import Extractors

    results = []
    with _open(vault, actor) as (archive, _), Extractors() as extractors:
        full = [archive.resolve_id(i) for i in ids] if ids else archive.item_ids()
        for item_id in dict.fromkeys(full):
            sealed = archive.reextract(item_id, extractors)
            results.append({"item": item_id, "changed": sealed is not None, "seq": sealed.seq if sealed else None})
    if _json(json):
        from archive.cli.render import emit_json

        emit_json(results)
    else:
        for r in results:
            _say(
                f"{'changed' if r['changed'] else 'same':9} {r['item']}"
                + (f"  (entry {r['seq']})" if r["changed"] else "")
            )


@app.command()
def relate(
    item_id: Annotated[str, typer.Argument(metavar="ID", help="The related capture (e.g. the screenshot).")],
    to: Annotated[str, typer.Option("--to", metavar="ID2", help="The item it relates to (e.g. the page).")],
    as_: Annotated[
        str,
        typer.Option(
            "--as",
            metavar="RELATION",
            help="screenshot, html-source, pdf-print, translation, transcript, redaction or duplicate-of.",
        ),
    ],
    note: Annotated[str | None, typer.Option(help="A note on the relation.")] = None,
    vault: VaultOpt = None,
    actor: ActorOpt = None,
    json: JsonOpt = False,
) -> None:
    """Record that ID is a RELATION of ID2 (ID is a screenshot of ID2, a translation of ID2, ...).

    A redaction never deletes the original: restricting access to the original is a separate
    entry (`archive access`).
    """
    with _open(vault, actor) as (archive, _):
        a, b = archive.resolve_id(item_id), archive.resolve_id(to)
        sealed, new = archive.relate(a, b, as_, note)
    if _json(json):
        from archive.cli.render import emit_json

        emit_json({"item": a, "to": b, "relation": as_, "seq": sealed.seq, "new": new})
    elif new:
        _say(f"related   {a} is {as_} of {b}  (entry {sealed.seq})")
    else:
        _say(f"already   {a} is {as_} of {b}  (entry {sealed.seq}; nothing appended)")


@app.command()
def access(
    item_id: ItemArg,
    restrict: Annotated[bool, typer.Option("--restrict", help="Restrict access to the bytes.")] = False,
    open_: Annotated[bool, typer.Option("--open", help="Open access to the bytes again.")] = False,
    reason: Annotated[str, typer.Option("--reason", help="Why (required).")] = "",
    vault: VaultOpt = None,
    actor: ActorOpt = None,
    json: JsonOpt = False,
) -> None:
    """Record who may see an item's bytes: --restrict or --open. The bytes are never deleted."""
    from archive.errors import UsageError

    if restrict == open_:
        raise UsageError("give exactly one of --restrict and --open")
    status = "restricted" if restrict else "open"
    with _open(vault, actor) as (archive, _):
        full = archive.resolve_id(item_id)
        sealed = archive.set_access(full, status, reason)
    if _json(json):
        from archive.cli.render import emit_json

        emit_json({"item": full, "access": status, "seq": sealed.seq})
    else:
        _say(f"{status:9} {full}  (entry {sealed.seq})")


# ---- verification ----------------------------------------------------------------------------


@app.command()
def verify(
    vault: VaultOpt = None,
    against: Annotated[
        list[Path] | None,
        typer.Option(
            "--against",
            metavar="CHECKPOINT_FILE",
            help="Prove the ledger extends a checkpoint kept earlier (repeatable).",
        ),
    ] = None,
    key: Annotated[
        list[str] | None,
        typer.Option("--key", metavar="VKEY", help="Trust only this verifier key for --against (repeatable)."),
    ] = None,
    json: JsonOpt = False,
) -> None:
    """Check everything: entries, chain, keys, Merkle tree, checkpoints, objects, index.

    Reports every problem with a stable code (see docs/format.md). With --against, also proves the
    current ledger extends a checkpoint obtained earlier: a ledger rolled back, forked or rewritten
    fails even if every hash inside the vault was recomputed. Opens the vault read-only: it works on
    write-once media. Exit 0 when clean, 1 when not.
    """
    from archive.cli.render import emit_json, problem_line, progress_bar
    from archive.core.note import VerifierKey
    from archive.errors import VaultError
    from archive.service.verify import Against, verify_vault
    from archive.storage.vault import PLACEHOLDERS

    where = _vault(vault)
    if not where.is_dir() or all(p.name in PLACEHOLDERS for p in where.iterdir()):
        raise VaultError(f"no vault at {where}")
    trusted = tuple(VerifierKey.parse(k.strip()) for k in key or [])
    pinned = [Against(_read_text(p, "checkpoint file", 64 << 10), trusted, str(p)) for p in against or []]
    as_json = _json(json)
    with progress_bar(not as_json) as bar:
        report = verify_vault(where, progress=bar, against=pinned)
    if as_json:
        emit_json({"vault": str(where), **report.to_json()})
    else:
        for p in report.problems:
            sys.stderr.write(problem_line(p.code, p.seq, p.item, p.path, p.message) + "\n")
        c = report.counts
        summary = f"{c.get('entries', 0)} entries, {c.get('items', 0)} items, {c.get('bytes', 0)} bytes checked"
        for proved in report.against:
            verdict = "the ledger extends it" if proved["extended"] else "the ledger does NOT extend it"
            _say(f"checkpoint {proved['source']}: size {proved['size']}, root {proved['root']}: {verdict}")
        if report:
            _say(f"ok: {summary}; no problems")
        else:
            _say(f"FAILED: {summary}; {_count(len(report.problems), 'problem')}")
    if not report:
        raise typer.Exit(1)


@app.command()
def upgrade(vault: VaultOpt = None, json: JsonOpt = False) -> None:
    """Bring a vault made by an earlier version to the current format (the ledger is kept byte for
    byte; the index is rebuilt from it). Safe to run again; verify before and after."""
    from archive.storage.upgrade import upgrade as run_upgrade
    from archive.storage.vault import VERSION, Vault

    where = _vault(vault)
    opened = Vault.open(where, any_version=True)
    try:
        old, count = run_upgrade(opened)
    finally:
        opened.close()
    if _json(json):
        from archive.cli.render import emit_json

        emit_json({"vault": str(where), "from": old, "to": VERSION, "reindexed": count})
    elif old == VERSION and not count:
        _say(f"{where} is already format version {VERSION}")
    else:
        _say(f"upgraded {where} from format version {old} to {VERSION}; {_count(count, 'item')} reindexed")


# ---- evidence --------------------------------------------------------------------------------


def _write_manifest(
    vault: Path | None, actor: str | None, ids: list[str] | None, fmt: str, kind: str, out: TextIO
) -> int:
    with _open(vault, actor, read_only=True) as (archive, _):
        full = list(dict.fromkeys(archive.resolve_id(i) for i in ids)) if ids else None
        return archive.write_manifest(full, out, fmt=fmt, kind=kind)


@app.command()
def manifest(
    ids: Annotated[list[str] | None, typer.Argument(metavar="ID...", help="Items to cite (ids or prefixes).")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Every item in the vault.")] = False,
    fmt: Annotated[
        str,
        typer.Option("--format", help="json (checkable), md (a report appendix) or csl (CSL-JSON for Zotero, pandoc)."),
    ] = "json",
    output: OutputOpt = None,
    vault: VaultOpt = None,
    actor: ActorOpt = None,
) -> None:
    """A citation manifest: per item APA/Chicago/MLA citations, CSL-JSON, SHA-256, acquisition,
    every metadata value with its provenance, access, relations, its ledger entries with inclusion
    proofs, and the signed checkpoint they are proven against. Verify it offline with
    `archive verify-manifest`. `--format csl` writes the CSL-JSON array alone.
    """
    from archive.errors import UsageError

    if fmt not in ("json", "md", "csl"):
        raise UsageError("--format is json, md or csl")
    if bool(ids) == all_:
        raise UsageError("give item ids, or --all")
    with _output(output) as out:
        count = _write_manifest(vault, actor, ids, fmt, "archive-manifest", out)
    if output is not None:
        sys.stderr.write(f"wrote {output} ({_count(count, 'item')})\n")


export_app = typer.Typer(help="Export evidence for use outside the archive.", no_args_is_help=True)
app.add_typer(export_app, name="export")


@export_app.command("proof")
def export_proof(
    item_id: ItemArg,
    output: Annotated[Path, typer.Option("-o", "--output", help="Proof file to write.")],
    vault: VaultOpt = None,
    actor: ActorOpt = None,
) -> None:
    """One item's self-contained evidence: its entries, their inclusion proofs (also as C2SP
    tlog-proofs) and the signed checkpoint; check it with `archive verify-manifest FILE --key KEY`.
    """
    with _output(output) as out:
        _write_manifest(vault, actor, [item_id], "json", "archive-proof", out)
    _say(f"wrote {output}")


@app.command("verify-manifest")
def verify_manifest(
    path: Annotated[Path, typer.Argument(metavar="MANIFEST", help="A manifest or proof file (JSON).")],
    files: Annotated[
        Path | None, typer.Option("--files", help="Also check these files' SHA-256 against the items.")
    ] = None,
    key: Annotated[
        list[str] | None,
        typer.Option("--key", metavar="VKEY", help="Trusted verifier key (else: keys pinned with `key trust`)."),
    ] = None,
    json: JsonOpt = False,
) -> None:
    """Check a manifest offline, with no vault: the checkpoint signature against a trusted key,
    each entry against its hash, each inclusion proof against the checkpoint, each item against its
    entries, and with --files each file's SHA-256. Exit 0 when all holds, 1 when not.
    """
    import json as json_

    from archive.cli.render import emit_json, problem_line
    from archive.core.note import VerifierKey
    from archive.errors import BadInputError, NotFoundError
    from archive.evidence.check import check_manifest
    from archive.evidence.pinned import read_trusted

    text = _read_text(path, "manifest", 4 << 30)
    try:
        try:
            doc = json_.loads(text)
        except ValueError as exc:
            raise BadInputError(f"{path}: not JSON: {str(exc)[:200]}") from None
        if files is not None and not files.is_dir():
            raise NotFoundError(f"{files}: no such directory")
        trusted = [VerifierKey.parse(k.strip()) for k in key] if key else read_trusted(_trusted_keys_path())
        report = check_manifest(doc, trusted, files)
    except RecursionError:  # from parsing or from checking a deeply nested document
        raise BadInputError(f"{path}: not a manifest (JSON nested too deeply)") from None
    if _json(json):
        emit_json({"manifest": str(path), **report.to_json()})
    else:
        for p in report.problems:
            sys.stderr.write(problem_line(p.code, p.seq, p.item, None, p.message) + "\n")
        c = report.counts
        if report:
            _say(f"ok: {c.get('items', 0)} items, {c.get('entries', 0)} entries proven against the signed checkpoint")
        else:
            _say(f"FAILED: {_count(len(report.problems), 'problem')}")
    if not report:
        raise typer.Exit(1)


@app.command()
def checkpoint(vault: VaultOpt = None, output: OutputOpt = None, json: JsonOpt = False) -> None:
    """Print the latest signed checkpoint (C2SP tlog-checkpoint in a signed note).

    Keep it, publish it or timestamp it outside the archive: `archive verify --against FILE` later
    proves the ledger still extends it.
    """
    with _open(vault, None, read_only=True) as (archive, _):
        size, note = archive.latest_checkpoint()
    if _json(json) and output is None:
        from archive.cli.render import emit_json

        emit_json({"size": size, "note": note})
        return
    with _output(output) as out:
        out.write(note)
    if output is not None:
        _say(f"wrote {output} (checkpoint of {size} entries)")


key_app = typer.Typer(help="The vault's signing key: show it, rotate it, trust others' keys.", no_args_is_help=True)
app.add_typer(key_app, name="key")


@key_app.command("show")
def key_show(vault: VaultOpt = None, json: JsonOpt = False) -> None:
    """Print the vault's current verifier key (C2SP signed-note form: name+keyid+base64)."""
    with _open(vault, None, read_only=True) as (archive, _):
        history = archive.keys()
    if _json(json):
        from archive.cli.render import emit_json

        emit_json(
            {
                "origin": history.origin,
                "current": str(history.current),
                "keys": [{"seq": s, "key": str(k)} for s, k in history.keys],
            }
        )
    else:
        _say(str(history.current))


@key_app.command("rotate")
def key_rotate(vault: VaultOpt = None, actor: ActorOpt = None) -> None:
    """Make a new signing key, announced by an entry signed with the old key and the new one."""
    with _open(vault, actor) as (archive, _):
        sealed = archive.rotate_key()
        key = archive.keys().current
    _say(f"rotated: entry {sealed.seq} announces {key}")


@key_app.command("trust")
def key_trust(
    vkey: Annotated[str, typer.Argument(metavar="VKEY", help="A verifier key: name+keyid+base64.")],
) -> None:
    """Pin a verifier key, to check manifests and checkpoints made by that archive."""
    from archive.core.note import VerifierKey
    from archive.evidence.pinned import add_trusted

    path = _trusted_keys_path()
    added = add_trusted(path, VerifierKey.parse(vkey.strip()))
    _say(f"{'trusted' if added else 'already trusted'}: {vkey.strip()} ({path})")


# ---- the error boundary ----------------------------------------------------------------------


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


def _bounded(text: str, limit: int = 4000) -> str:
    """An error message as it may be printed: bounded, and control characters escaped."""
    lines = text.split("\n")
    shown = [" ".join(c if c.isprintable() else repr(c)[1:-1] for c in line.split(" ")) for line in lines]
    out = "\n".join(shown)
    return out if len(out) <= limit else out[:limit] + f"… ({len(out) - limit} more characters)"


def main() -> None:
    """Entry point: run the app, turning every error into one line and an exit code."""
    from archive.errors import ArchiveError

    argv = sys.argv[1:]
    debug = "--debug" in argv or os.environ.get("ARCHIVE_DEBUG") == "1"
    undecodable = _undecodable_argument(argv)
    if undecodable is not None:
        sys.stderr.write(f"error: argument {undecodable} is not valid UTF-8 text\n")
        sys.exit(2)
    try:
        code = app(args=argv, standalone_mode=False)
    except typer.Exit as exc:
        code = exc.exit_code
    except typer.Abort:
        sys.stderr.write("error: aborted\n")
        code = 3
    except typer.TyperException as exc:
        # Click's usage errors (bad option, missing argument: exit code 2), as one line.
        ctx = getattr(exc, "ctx", None)
        hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
        sys.stderr.write(f"error: {_bounded(exc.format_message(), 400)}{hint}\n")
        code = exc.exit_code
    except ArchiveError as exc:
        if debug:
            raise
        sys.stderr.write(f"error: {_bounded(str(exc))}\n")
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
            f"error: internal error: {type(exc).__name__}: {_bounded(str(exc), 400)} (rerun with --debug)\n"
        )
        code = 3
    sys.exit(code if isinstance(code, int) else 0)
