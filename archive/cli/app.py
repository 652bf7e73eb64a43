"""The `archive` command line: thin commands over the Archive facade, one error boundary in main().

Exit codes: 0 success; 1 checked and found bad; 2 usage error; 3 any other error. Errors are one
`error: ...` line on stderr; `--debug` shows the traceback (never with local variables).
"""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from archive import __version__

app = typer.Typer(
    name="archive",
    help="An evidence archive with a provenance ledger: ingest sources unchanged, verify that nothing "
    "changed, cite items with checkable manifests.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
)

_state: dict[str, bool] = {"debug": False}

VaultOpt = Annotated[
    Path,
    typer.Option("--vault", envvar="ARCHIVE_VAULT", help="Vault directory (env ARCHIVE_VAULT).", show_default=True),
]
ActorOpt = Annotated[
    str | None,
    typer.Option(
        "--actor",
        envvar="ARCHIVE_ACTOR",
        help="Who acts, recorded in the ledger (env ARCHIVE_ACTOR; default: OS user).",
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Exact machine-readable JSON on stdout.")]
DEFAULT_VAULT = Path("vault")


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"archive {__version__}\n")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
) -> None:
    _state["debug"] = debug


def _passphrase() -> bytes | None:
    value = os.environ.get("ARCHIVE_KEY_PASSPHRASE")
    return value.encode("utf-8") if value else None


def _context(actor: str | None, *, origin: str | None = None, passphrase: bytes | None = None) -> Any:
    from archive.service.archive import Context

    who = actor if actor is not None else getpass.getuser()
    from archive.errors import UsageError

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


def _write_output(path: Path, text: str) -> None:
    from archive.storage.fsutil import atomic_write

    atomic_write(path, text.encode("utf-8"))


@contextmanager
def _open(vault: Path, actor: str | None, *, create: bool = False, ctx: Any = None) -> Iterator[tuple[Any, bool]]:
    from archive.service.archive import Archive

    archive, created = Archive.open(vault, ctx or _context(actor), create=create)
    try:
        yield archive, created
    finally:
        archive.close()


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")


@app.command()
def init(
    vault: VaultOpt = DEFAULT_VAULT,
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

    if is_vault(vault):
        raise VaultError(f"{vault} is already a vault")
    passphrase = _passphrase()
    if encrypt_key and passphrase is None:
        if not sys.stdin.isatty():
            raise UsageError("--encrypt-key needs ARCHIVE_KEY_PASSPHRASE or a terminal to ask on")
        first = getpass.getpass("passphrase for the signing key: ")
        if not first or first != getpass.getpass("again: "):
            raise UsageError("passphrases were empty or did not match")
        passphrase = first.encode("utf-8")
    ctx = _context(actor, origin=origin, passphrase=passphrase if encrypt_key else None)
    with _open(vault, actor, create=True, ctx=ctx) as (archive, _):
        key = str(archive.keys().current)
    if json:
        from archive.cli.render import emit_json

        emit_json({"vault": str(vault), "created": True, "origin": archive.vault.origin, "verifier_key": key})
    else:
        _say(f"created vault at {vault}\nverifier key: {key}")


@app.command()
def ingest(
    paths: Annotated[
        list[Path], typer.Argument(help="Files and directories (walked recursively).", show_default=False)
    ],
    vault: VaultOpt = DEFAULT_VAULT,
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

    A capture set in one step: `archive ingest page.html --url URL --with screenshot.png --with
    print.pdf` ingests all three and records each capture's relation to the page.

    Every file is checked first (readable, not empty, a recognised type, UTF-8 if text): one bad
    file refuses the whole ingest and changes nothing. Identical bytes are stored once; a file the
    archive already holds is reported with its item id and nothing is appended.
    """
    from archive.cli.render import progress_bar
    from archive.service.sidecar import Sidecar, load_sidecar
    from archive.service.sources import collect, inspect_all

    options: dict[str, list[Any]] = {
        k: v
        for k, v in {
            "outlet": [outlet] if outlet else [],
            "published": [published] if published else [],
            "title": [title] if title else [],
            "author": author or [],
            "credit": credit or [],
            "url": [url] if url else [],
            "language": [language] if language else [],
            "note": [note] if note else [],
        }.items()
        if v
    }
    sidecar = load_sidecar(meta) if meta is not None else Sidecar({}, {})
    files, skipped = collect(paths)
    captures = with_ or []
    if captures and (len(files) != 1 or len(paths) != 1):
        from archive.errors import UsageError

        raise UsageError("--with relates captures to one source: give exactly one PATH (a file)")
    capture_files, _ = collect(captures)
    sources = inspect_all(files + capture_files, raw=raw)
    relations = [capture_relation(s.media.mime, sources[0].media.mime) for s in sources[len(files) :]]
    unused = sidecar.unused_names({s.name for s in sources})
    if unused:
        from archive.errors import BadInputError

        raise BadInputError(f"{meta}: names a file that is not being ingested: {unused[0]}")

    def claims_for(source: Any) -> dict[str, list[Any]]:
        return {**sidecar.values_for(source.name), **options}

    from archive.core.fields import asserted_claims

    for source in sources:  # every value is checked before a vault is created or touched
        asserted_claims(claims_for(source), by="-", at="-")

    results = []
    with _open(vault, actor, create=True) as (archive, created), progress_bar(not json) as bar:
        if created and not json:
            _say(f"created vault at {vault}")
        for batch in archive.ingest(sources, claims_for, batch_size=batch_size):
            results.extend(batch)
            if bar is not None:
                bar("ingest", len(results), len(sources))
            if not json:
                for r in batch:
                    if r.status == "ingested":
                        _say(f"ingested  {r.item}  {r.name}  (entry {r.seq}, {r.media_type}, {r.size} bytes)")
                    else:
                        _say(f"exists    {r.item}  {r.name}  (already in the archive; nothing appended)")
        related = []
        for r, relation in zip(results[len(files) :], relations, strict=True):
            if r.item != results[0].item:
                sealed = archive.relate(r.item, results[0].item, relation)
                related.append({"item": r.item, "to": results[0].item, "relation": relation, "seq": sealed.seq})
                if not json:
                    _say(f"related   {r.item} is {relation} of {results[0].item}  (entry {sealed.seq})")
    new = sum(1 for r in results if r.status == "ingested")
    if json:
        from archive.cli.render import emit_json

        emit_json(
            {
                "vault": str(vault),
                "created": created,
                "ingested": new,
                "existing": len(results) - new,
                "skipped": skipped,
                "items": [r.to_json() for r in results],
                "relations": related,
            }
        )
    else:
        extra = f"; skipped {skipped} hidden files or links" if skipped else ""
        _say(f"{new} ingested, {len(results) - new} already present{extra}")


@app.command()
def show(
    item_id: Annotated[str, typer.Argument(metavar="ID", help="Item id: its SHA-256, or an unambiguous prefix.")],
    vault: VaultOpt = DEFAULT_VAULT,
    json: JsonOpt = False,
) -> None:
    """Show one item: object facts, acquisition, every metadata value with its provenance, history."""
    with _open(vault, None) as (archive, _):
        full = archive.resolve_id(item_id)
        state = archive.item(full)
        history = archive.item_history(full)
    if json:
        from archive.cli.render import emit_json

        doc = state.to_json()
        doc["history"] = [{"seq": s.seq, "hash": s.hash, **e.to_json()} for s, e in history]
        emit_json(doc)
    else:
        from archive.cli.render import show_item

        show_item(state, history)


@app.command()
def amend(
    item_id: Annotated[str, typer.Argument(metavar="ID", help="Item id: its SHA-256, or an unambiguous prefix.")],
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", metavar="FIELD=VALUE", help="New value (repeat for repeatable fields: author, credit)."),
    ] = None,
    unset: Annotated[
        list[str] | None, typer.Option("--unset", metavar="FIELD", help="Record that FIELD has no value.")
    ] = None,
    reason: Annotated[str, typer.Option("--reason", help="Why the correction is made (required).")] = "",
    vault: VaultOpt = DEFAULT_VAULT,
    actor: ActorOpt = None,
    json: JsonOpt = False,
) -> None:
    """Correct an item's metadata: a new ledger entry that points at the old one; nothing is rewritten.

    Fields: title, outlet, published, modified, author, credit, url, language, note. `show` then gives
    the current value and the history of every value.
    """
    from archive.errors import UsageError

    values: dict[str, list[Any]] = {}
    for pair in set_ or []:
        field, sep, value = pair.partition("=")
        if not sep or not field.strip():
            raise UsageError(f"--set takes FIELD=VALUE, got {pair!r}")
        values.setdefault(field.strip(), []).append(value)
    with _open(vault, actor) as (archive, _):
        full = archive.resolve_id(item_id)
        sealed = archive.amend(full, values, [f.strip() for f in unset or []], reason)
    if json:
        from archive.cli.render import emit_json

        emit_json({"item": full, "seq": sealed.seq, "hash": sealed.hash})
    else:
        _say(f"amended   {full}  (entry {sealed.seq})")


@app.command()
def reextract(
    ids: Annotated[list[str] | None, typer.Argument(metavar="[ID...]", help="Items (default: every item).")] = None,
    vault: VaultOpt = DEFAULT_VAULT,
    actor: ActorOpt = None,
    json: JsonOpt = False,
) -> None:
    """Run the current extractors again and append what changed as new entries.

    Earlier extracted values stay in the ledger and in `show`'s history; asserted values still win.
    """
    results = []
    with _open(vault, actor) as (archive, _):
        full = [archive.resolve_id(i) for i in ids] if ids else [s.id for s in archive.items()]
        for item_id in dict.fromkeys(full):
            sealed = archive.reextract(item_id)
            results.append({"item": item_id, "changed": sealed is not None, "seq": sealed.seq if sealed else None})
    if json:
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
    vault: VaultOpt = DEFAULT_VAULT,
    actor: ActorOpt = None,
    json: JsonOpt = False,
) -> None:
    """Record that ID is a RELATION of ID2 (ID is a screenshot of ID2, a translation of ID2, ...).

    A redaction never deletes the original: restricting access to the original is a separate
    entry (`archive access`).
    """
    with _open(vault, actor) as (archive, _):
        a, b = archive.resolve_id(item_id), archive.resolve_id(to)
        sealed = archive.relate(a, b, as_, note)
    if json:
        from archive.cli.render import emit_json

        emit_json({"item": a, "to": b, "relation": as_, "seq": sealed.seq})
    else:
        _say(f"related   {a} is {as_} of {b}  (entry {sealed.seq})")


@app.command()
def access(
    item_id: Annotated[str, typer.Argument(metavar="ID", help="Item id or prefix.")],
    restrict: Annotated[bool, typer.Option("--restrict/--open", help="Restrict access to the bytes, or open it.")],
    reason: Annotated[str, typer.Option("--reason", help="Why (required).")] = "",
    vault: VaultOpt = DEFAULT_VAULT,
    actor: ActorOpt = None,
    json: JsonOpt = False,
) -> None:
    """Record who may see an item's bytes: open or restricted. The bytes are never deleted."""
    with _open(vault, actor) as (archive, _):
        full = archive.resolve_id(item_id)
        sealed = archive.set_access(full, "restricted" if restrict else "open", reason)
    status = "restricted" if restrict else "open"
    if json:
        from archive.cli.render import emit_json

        emit_json({"item": full, "access": status, "seq": sealed.seq})
    else:
        _say(f"{status:9} {full}  (entry {sealed.seq})")


@app.command(name="list")
def list_(vault: VaultOpt = DEFAULT_VAULT, json: JsonOpt = False) -> None:
    """List every item with its current outlet, date and title."""
    with _open(vault, None) as (archive, _):
        items = archive.items()
    if json:
        from archive.cli.render import emit_json

        emit_json([{**s.to_json(), "claims": None} | {"claims": s.claims} for s in items])
    else:
        from archive.cli.render import list_items

        list_items(items)


@app.command()
def log(
    vault: VaultOpt = DEFAULT_VAULT,
    start: Annotated[int, typer.Option(min=0, help="First sequence number.")] = 0,
    limit: Annotated[int | None, typer.Option(min=1, help="At most this many entries.")] = None,
    json: JsonOpt = False,
) -> None:
    """Show ledger entries in order (with --json: each entry's fields, hash and canonical bytes)."""
    with _open(vault, None) as (archive, _):
        entries = archive.entries(start, limit)
    if json:
        from archive.cli.render import emit_json

        emit_json(
            [
                {"seq": s.seq, "hash": s.hash, "canonical": s.data.decode("utf-8"), "entry": e.to_json()}
                for s, e in entries
            ]
        )
    else:
        from archive.cli.render import show_log

        show_log(entries)


@app.command()
def verify(
    vault: VaultOpt = DEFAULT_VAULT,
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
    fails even if every hash inside the vault was recomputed. Exit 0 when clean, 1 when not.
    """
    from archive.cli.render import emit_json, progress_bar
    from archive.errors import VaultError
    from archive.service.verify import verify_vault
    from archive.storage.vault import PLACEHOLDERS

    if not vault.is_dir() or all(p.name in PLACEHOLDERS for p in vault.iterdir()):
        raise VaultError(f"no vault at {vault}")
    from archive.core.note import VerifierKey
    from archive.service.verify import Against

    trusted = tuple(VerifierKey.parse(k) for k in key or [])
    pinned = [Against(_read_text(p), trusted) for p in against or []]
    with progress_bar(not json) as bar:
        report = verify_vault(vault, progress=bar, against=pinned)
    if json:
        emit_json({"vault": str(vault), **report.to_json()})
    else:
        for p in report.problems:
            where = " ".join(
                x
                for x in (
                    f"entry {p.seq}" if p.seq is not None else "",
                    f"item {p.item}" if p.item else "",
                    p.path or "",
                )
                if x
            )
            sys.stderr.write(f"{p.code}: {where + ': ' if where else ''}{p.message}\n")
        c = report.counts
        summary = f"{c.get('entries', 0)} entries, {c.get('items', 0)} items, {c.get('bytes', 0)} bytes checked"
        if report:
            _say(f"ok: {summary}; no problems")
        else:
            _say(f"FAILED: {summary}; {_count(len(report.problems), 'problem')}")
    if not report:
        raise typer.Exit(1)


@app.command()
def manifest(
    ids: Annotated[list[str] | None, typer.Argument(metavar="ID...", help="Items to cite (ids or prefixes).")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Every item in the vault.")] = False,
    fmt: Annotated[str, typer.Option("--format", help="json (checkable) or md (for a report).")] = "json",
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write to this file (default: stdout).")] = None,
    vault: VaultOpt = DEFAULT_VAULT,
    actor: ActorOpt = None,
) -> None:
    """A citation manifest: per item APA/Chicago/MLA citations, CSL-JSON, SHA-256, acquisition,
    every metadata value with its provenance, its ledger entries with inclusion proofs, and the
    signed checkpoint they are proven against. Verify it offline with `archive verify-manifest`.
    """
    from archive.errors import UsageError

    if fmt not in ("json", "md"):
        raise UsageError("--format is json or md")
    if bool(ids) == all_:
        raise UsageError("give item ids, or --all")
    text = _manifest_text(vault, actor, ids or [], fmt)
    if output is None:
        sys.stdout.write(text)
    else:
        _write_output(output, text)
        sys.stderr.write(f"wrote {output}\n")


def _manifest_text(vault: Path, actor: str | None, ids: list[str], fmt: str, *, kind: str = "archive-manifest") -> str:
    import json as json_

    from archive.evidence.manifest import build_manifest

    with _open(vault, actor) as (archive, _):
        full = [archive.resolve_id(i) for i in ids] if ids else [s.id for s in archive.items()]
        doc = build_manifest(archive, list(dict.fromkeys(full)), archive.ctx.clock(), kind=kind)
    if fmt == "md":
        from archive.evidence.markdown import manifest_markdown

        return manifest_markdown(doc)
    return json_.dumps(doc, indent=2, ensure_ascii=False) + "\n"


export_app = typer.Typer(help="Export evidence for use outside the archive.", no_args_is_help=True)
app.add_typer(export_app, name="export")


@export_app.command("proof")
def export_proof(
    item_id: Annotated[str, typer.Argument(metavar="ID", help="Item id or prefix.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Proof file to write.")],
    vault: VaultOpt = DEFAULT_VAULT,
    actor: ActorOpt = None,
) -> None:
    """One item's self-contained evidence: its entries, their inclusion proofs (also as C2SP
    tlog-proofs) and the signed checkpoint; check it with `archive verify-manifest FILE --key KEY`.
    """
    _write_output(output, _manifest_text(vault, actor, [item_id], "json", kind="archive-proof"))
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

    from archive.cli.render import emit_json
    from archive.core.note import VerifierKey
    from archive.errors import BadInputError, NotFoundError
    from archive.evidence.check import check_manifest
    from archive.evidence.pinned import read_trusted

    text = _read_text(path)
    try:
        try:
            doc = json_.loads(text)
        except ValueError as exc:
            raise BadInputError(f"{path}: not JSON: {exc}") from None
        if files is not None and not files.is_dir():
            raise NotFoundError(f"{files}: no such directory")
        trusted = [VerifierKey.parse(k.strip()) for k in key] if key else read_trusted(_trusted_keys_path())
        report = check_manifest(doc, trusted, files)
    except RecursionError:  # from parsing or from checking a deeply nested document
        raise BadInputError(f"{path}: not a manifest (JSON nested too deeply)") from None
    if json:
        emit_json({"manifest": str(path), **report.to_json()})
    else:
        for p in report.problems:
            where = " ".join(
                x for x in (f"entry {p.seq}" if p.seq is not None else "", f"item {p.item}" if p.item else "") if x
            )
            sys.stderr.write(f"{p.code}: {where + ': ' if where else ''}{p.message}\n")
        c = report.counts
        if report:
            _say(f"ok: {c.get('items', 0)} items, {c.get('entries', 0)} entries proven against the signed checkpoint")
        else:
            _say(f"FAILED: {_count(len(report.problems), 'problem')}")
    if not report:
        raise typer.Exit(1)


def capture_relation(capture: str, source: str) -> str:
    """What a capture given with --with is of its source, from its media type."""
    from archive.errors import UsageError

    if capture.startswith("image/"):
        return "screenshot"
    if capture == "application/pdf":
        return "pdf-print"
    if capture in ("text/html", "application/xhtml+xml") and source != capture:
        return "html-source"
    raise UsageError(f"cannot tell what a {capture} capture is of a {source} source; ingest it, then `archive relate`")


def _read_text(path: Path) -> str:
    from archive.errors import BadInputError, NotFoundError

    try:
        return path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise NotFoundError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise BadInputError(f"{path}: not UTF-8 text") from None
    except OSError as exc:
        raise BadInputError(f"{path}: cannot read: {exc.strerror}") from None


@app.command()
def checkpoint(
    vault: VaultOpt = DEFAULT_VAULT,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write it to this file.")] = None,
) -> None:
    """Print the latest signed checkpoint (C2SP tlog-checkpoint in a signed note).

    Keep it, publish it or timestamp it outside the archive: `archive verify --against FILE` later
    proves the ledger still extends it.
    """
    with _open(vault, None) as (archive, _):
        note = archive.latest_checkpoint()
    if output is None:
        sys.stdout.write(note)
    else:
        _write_output(output, note)
        _say(f"wrote {output}")


key_app = typer.Typer(help="The vault's signing key: show it, rotate it, trust others' keys.", no_args_is_help=True)
app.add_typer(key_app, name="key")


@key_app.command("show")
def key_show(vault: VaultOpt = DEFAULT_VAULT, json: JsonOpt = False) -> None:
    """Print the vault's current verifier key (C2SP signed-note form: name+keyid+base64)."""
    with _open(vault, None) as (archive, _):
        history = archive.keys()
    if json:
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
def key_rotate(vault: VaultOpt = DEFAULT_VAULT, actor: ActorOpt = None) -> None:
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


def main() -> None:
    """Entry point: run the app, turning every error into one line and an exit code."""
    from archive.errors import ArchiveError

    debug = "--debug" in sys.argv[1:] or os.environ.get("ARCHIVE_DEBUG") == "1"
    undecodable = _undecodable_argument(sys.argv[1:])
    if undecodable is not None:
        sys.stderr.write(f"error: argument {undecodable} is not valid UTF-8 text\n")
        sys.exit(2)
    try:
        code = app(standalone_mode=False)
    except typer.Exit as exc:
        code = exc.exit_code
    except typer.Abort:
        sys.stderr.write("error: aborted\n")
        code = 3
    except typer.TyperException as exc:
        # Click's usage errors (bad option, missing argument: exit code 2), as one line.
        ctx = getattr(exc, "ctx", None)
        hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
        sys.stderr.write(f"error: {exc.format_message()}{hint}\n")
        code = exc.exit_code
    except ArchiveError as exc:
        if debug:
            raise
        sys.stderr.write(f"error: {exc}\n")
        code = exc.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("error: interrupted\n")
        code = 3
    except BrokenPipeError:
        code = 0
    except Exception as exc:
        if debug:
            raise
        sys.stderr.write(f"error: internal error: {type(exc).__name__}: {exc} (rerun with --debug)\n")
        code = 3
    sys.exit(code if isinstance(code, int) else 0)
