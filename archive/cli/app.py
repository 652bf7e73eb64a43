"""The `archive` command line: commands parse, call the library, and print; one error boundary.

Exit codes: 0 success; 1 checked and found bad; 2 usage error; 3 any other error. Errors are one
`error: ...` line on stderr (a refusal of several files adds one indented line per file);
`--debug` shows the traceback (never with local variables). Global options (`--vault`, `--actor`,
`--json`, `--debug`) go before or after the command. Only typer and the standard library load at
start; each command imports what it uses.
"""

from __future__ import annotations

import getpass
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TextIO

import typer

from archive import __version__
from archive.cli import reading
from archive.cli.common import (
    as_json,
    context,
    globals_passphrase,
    open_vault,
    plural,
    read_text,
    root,
    say,
    trusted_keys_path,
    vault_path,
)
from archive.cli.common import output as output_to

if TYPE_CHECKING:
    pass

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
    root.update(vault=vault, actor=actor, json=json, debug=debug)


# ---- init, ingest ----------------------------------------------------------------------------


DbOpt = Annotated[
    str | None,
    typer.Option(
        "--db",
        metavar="DSN",
        help="Keep the ledger in PostgreSQL: postgresql://ROLE@HOST[:PORT]/DB (no password: libpq's "
        "PGPASSFILE, ~/.pgpass or a service file).",
    ),
]
DbOwnerOpt = Annotated[
    str | None,
    typer.Option(
        "--db-owner",
        metavar="DSN",
        help="With --db: first make the schema as the role that owns it, granting ROLE only what it needs.",
    ),
]
ObjectsOpt = Annotated[
    str | None,
    typer.Option(
        "--objects",
        metavar="s3://BUCKET[/PREFIX]",
        help="Keep the objects in an S3 bucket with Object Lock (credentials from the AWS environment or "
        "profile, never stored in the vault).",
    ),
]
S3EndpointOpt = Annotated[
    str | None,
    typer.Option("--s3-endpoint", metavar="URL", help="With --objects: the S3 service's URL (default: AWS)."),
]
S3RegionOpt = Annotated[
    str | None, typer.Option("--s3-region", metavar="REGION", help="With --objects: the bucket's region.")
]
RetentionOpt = Annotated[
    int | None,
    typer.Option(
        "--retention-days",
        metavar="DAYS",
        help="With --objects: lock every object (COMPLIANCE) this long (default: the bucket's default).",
    ),
]


def _new_home(
    db: str | None,
    db_owner: str | None,
    objects: str | None,
    s3_endpoint: str | None,
    s3_region: str | None,
    retention_days: int | None,
) -> tuple[dict[str, str] | None, dict[str, str] | None]:
    """The marker's `ledger` and `objects` members a new vault gets from the options (None: its own)."""
    from archive.errors import UsageError

    ledger = stored = None
    if db is not None:
        from archive.service.database import ledger_config

        ledger = ledger_config(db, owner=db_owner)
    elif db_owner is not None:
        raise UsageError("--db-owner makes a PostgreSQL schema: give --db too")
    if objects is not None:
        from archive.service.database import objects_config

        stored = objects_config(objects, endpoint=s3_endpoint, region=s3_region, retention_days=retention_days)
    elif s3_endpoint is not None or s3_region is not None or retention_days is not None:
        raise UsageError("--s3-endpoint, --s3-region and --retention-days describe a bucket: give --objects too")
    return ledger, stored


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
    db: DbOpt = None,
    db_owner: DbOwnerOpt = None,
    objects: ObjectsOpt = None,
    s3_endpoint: S3EndpointOpt = None,
    s3_region: S3RegionOpt = None,
    retention_days: RetentionOpt = None,
    json: JsonOpt = False,
) -> None:
    """Create an empty vault with its Ed25519 signing key (ingest also creates one when missing).

    The key is announced as the ledger's first entry and signs a checkpoint after every change. With
    --db the ledger lives in a PostgreSQL database (append-only by its own triggers and grants), so
    several people on several machines write one chain. With --objects the bytes go to an S3 bucket
    with Object Lock, each locked in COMPLIANCE mode for the retention the vault declares, so nobody,
    the operator included, can delete or shrink them. The vault directory then keeps only the marker
    and the key: copy it (VAULT.json and keys/) to each machine that writes.
    """
    from archive.errors import UsageError, VaultError
    from archive.storage.vault import is_vault

    where = vault_path(vault)
    if is_vault(where):
        raise VaultError(f"{where} is already a vault")
    passphrase = globals_passphrase()
    if encrypt_key and passphrase is None:
        if not sys.stdin.isatty():
            raise UsageError("--encrypt-key needs ARCHIVE_KEY_PASSPHRASE or a terminal to ask on")
        first = getpass.getpass("passphrase for the signing key: ")
        if not first or first != getpass.getpass("again: "):
            raise UsageError("passphrases were empty or did not match")
        passphrase = first.encode("utf-8")
    ledger, stored = _new_home(db, db_owner, objects, s3_endpoint, s3_region, retention_days)
    ctx = context(actor, origin=origin, passphrase=passphrase if encrypt_key else None, ledger=ledger, objects=stored)
    with open_vault(where, actor, create=True, ctx=ctx) as (archive, _):
        key = str(archive.keys().current)
        name = archive.origin
    if as_json(json):
        from archive.cli.render import emit_json

        emit_json({"vault": str(where), "created": True, "origin": name, "verifier_key": key})
    else:
        say(f"created vault at {where}\nverifier key: {key}")


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
        bool, typer.Option("--raw", help="Store binary data of no recognised type as is (no extraction).")
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
    ctx = context(actor)
    planned = plan(request, ctx.actor)  # everything is checked before a vault is made or touched
    machine = as_json(json)
    results: list[Any] = []
    where = vault_path(vault)
    with (
        open_vault(where, actor, create=True, ctx=ctx) as (archive, created),
        Extractors() as extractors,
        progress_bar(not machine) as bar,
    ):
        if created and not machine:
            say(f"created vault at {where}")
        for batch in run(archive, planned, extractors, batch_size=batch_size):
            results.extend(batch)
            if bar is not None:
                bar("ingest", len(results), len(planned.sources))
            if not machine:
                for r in batch:
                    if r.status == "ingested":
                        say(f"ingested  {r.item}  {r.name}  (entry {r.seq}, {r.media_type}, {r.size} bytes)")
                        for problem in r.problems:
                            sys.stderr.write(f"warning: {r.name}: {problem}\n")
                    else:
                        say(f"exists    {r.item}  {r.name}  (already in the archive; nothing appended)")
        related = relate_captures(archive, planned, results)
    if not machine:
        for rel in related:
            say(f"related   {rel.item} is {rel.relation} of {rel.to}  (entry {rel.seq})")
    new = sum(1 for r in results if r.status == "ingested")
    found = planned.found
    if machine:
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
        extra = f"; skipped {found.skipped} hidden files, links or special files" if found.skipped else ""
        extra += f"; excluded {found.excluded}" if found.excluded else ""
        extra += f"; left out {plural(len(found.vaults), 'vault')} ({', '.join(found.vaults)})" if found.vaults else ""
        say(f"{new} ingested, {len(results) - new} already present{extra}")


# ---- reading ---------------------------------------------------------------------------------


ItemArg = Annotated[str, typer.Argument(metavar="ID", help="Item id: its SHA-256, or an unambiguous prefix.")]


RefArg = Annotated[
    str,
    typer.Argument(
        metavar="ID",
        help="Item id (its SHA-256, or an unambiguous prefix); ID#URL or ID#PART for one page of a web archive.",
    ),
]


@app.command()
def show(
    item_id: RefArg,
    page: Annotated[
        str | None,
        typer.Option("--page", metavar="URL", help="One page of a web archive (its URL or part), like ID#URL."),
    ] = None,
    vault: VaultOpt = None,
    json: JsonOpt = False,
) -> None:
    """Show one item: object facts, acquisition, each current value with where it came from,
    superseded values, relations, access, and the item's whole history. A web archive (WARC,
    WACZ) also lists its pages; `show ID#URL` (or `--page URL`) shows one page: its record (capture
    time, status, digests, where it lies in the file) and its metadata with their sources."""
    reading.show(item_id, vault, json, page)


@app.command(name="list")
def list_(
    vault: VaultOpt = None,
    start: Annotated[int, typer.Option(min=0, help="Skip this many items (in ingest order).")] = 0,
    limit: Annotated[int | None, typer.Option(min=1, help="At most this many items.")] = None,
    json: JsonOpt = False,
) -> None:
    """List items in ingest order with their current date, outlet and title (--json: each item whole)."""
    reading.list_items(vault, start, limit, json)


@app.command()
def log(
    vault: VaultOpt = None,
    start: Annotated[int, typer.Option(min=0, help="First sequence number.")] = 0,
    limit: Annotated[int | None, typer.Option(min=1, help="At most this many entries.")] = None,
    json: JsonOpt = False,
) -> None:
    """Show ledger entries in order (with --json: each entry's fields, hash and canonical bytes)."""
    reading.log(vault, start, limit, json)


# ---- writing about items ---------------------------------------------------------------------


@app.command()
def amend(
    item_id: RefArg,
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

    Fields: title, outlet, published, modified, created, author, credit, url, language, note,
    captured, generator. `show` then gives the current value and the history of every value.
    `amend ID#URL` corrects one page of a web archive (WARC, WACZ) instead of the file.
    """
    from archive.errors import UsageError

    values: dict[str, list[Any]] = {}
    for pair in set_ or []:
        field, sep, value = pair.partition("=")
        if not sep or not field.strip():
            raise UsageError(f"--set takes FIELD=VALUE, got {pair[:80]!r}")
        values.setdefault(field.strip(), []).append(value)
    with open_vault(vault, actor) as (archive, _):
        ref = archive.resolve_ref(item_id)
        sealed = archive.amend(ref.item, values, [f.strip() for f in unset or []], reason, part=ref.part)
    if as_json(json):
        from archive.cli.render import emit_json

        emit_json({"item": ref.item, "part": ref.part, "seq": sealed.seq, "hash": sealed.hash})
    else:
        say(f"amended   {ref}  (entry {sealed.seq})")


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
    with open_vault(vault, actor) as (archive, _), Extractors() as extractors:
        full = [archive.resolve_id(i) for i in ids] if ids else archive.item_ids()
        for item_id in dict.fromkeys(full):
            sealed = archive.reextract(item_id, extractors)
            results.append({"item": item_id, "changed": sealed is not None, "seq": sealed.seq if sealed else None})
    if as_json(json):
        from archive.cli.render import emit_json

        emit_json(results)
    else:
        for r in results:
            say(
                f"{'changed' if r['changed'] else 'same':9} {r['item']}"
                + (f"  (entry {r['seq']})" if r["changed"] else "")
            )


@app.command()
def relate(
    item_id: Annotated[
        str,
        typer.Argument(
            metavar="ID", help="The related capture (e.g. the screenshot); ID#URL: a page of a web archive."
        ),
    ],
    to: Annotated[
        str, typer.Option("--to", metavar="ID2", help="The item it relates to (e.g. the page); ID2#URL: a page of one.")
    ],
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
    with open_vault(vault, actor) as (archive, _):
        ra, rb = archive.resolve_ref(item_id), archive.resolve_ref(to)
        sealed, new = archive.relate(ra.item, rb.item, as_, note, part=ra.part, other_part=rb.part)
    a, b = str(ra), str(rb)
    if as_json(json):
        from archive.cli.render import emit_json

        emit_json(
            {
                "item": ra.item,
                "to": rb.item,
                "item_part": ra.part,
                "to_part": rb.part,
                "relation": as_,
                "seq": sealed.seq,
                "new": new,
            }
        )
    elif new:
        say(f"related   {a} is {as_} of {b}  (entry {sealed.seq})")
    else:
        say(f"already   {a} is {as_} of {b}  (entry {sealed.seq}; nothing appended)")


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
    with open_vault(vault, actor) as (archive, _):
        full = archive.resolve_id(item_id)
        sealed = archive.set_access(full, status, reason)
    if as_json(json):
        from archive.cli.render import emit_json

        emit_json({"item": full, "access": status, "seq": sealed.seq})
    else:
        say(f"{status:9} {full}  (entry {sealed.seq})")


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
    tsa_roots: Annotated[
        list[Path] | None,
        typer.Option(
            "--tsa-roots",
            metavar="PEM",
            help="Also trust these roots for time-stamp tokens (beside each configured TSA's; repeatable).",
        ),
    ] = None,
    json: JsonOpt = False,
) -> None:
    """Check everything: entries, chain, keys, Merkle tree, checkpoints, time-stamp tokens, objects, index.

    Reports every problem with a stable code (see docs/format.md). With --against, also proves the
    current ledger extends a checkpoint obtained earlier: a ledger rolled back, forked or rewritten
    fails even if every hash inside the vault was recomputed. Opens the vault read-only: it works on
    write-once media. Warnings (lost hardening: writable objects, dropped triggers, an exposed or
    missing key file) are shown beside the problems and do not fail. Exit 0 when clean, 1 when not.
    """
    from archive.cli.render import emit_json, problem_line, progress_bar
    from archive.core.note import VerifierKey
    from archive.errors import VaultError
    from archive.service.verify import Against, verify_vault
    from archive.storage.vault import PLACEHOLDERS

    where = vault_path(vault)
    if not where.is_dir() or all(p.name in PLACEHOLDERS for p in where.iterdir()):
        raise VaultError(f"no vault at {where}")
    trusted = tuple(VerifierKey.parse(k.strip()) for k in key or [])
    pinned = [Against(read_text(p, "checkpoint file", 64 << 10), trusted, str(p)) for p in against or []]
    roots = [_roots_text(p).encode("utf-8") for p in tsa_roots or []]
    machine = as_json(json)
    with progress_bar(not machine) as bar:
        report = verify_vault(where, progress=bar, against=pinned, tsa_roots=roots)
    if machine:
        emit_json({"vault": str(where), **report.to_json()})
    else:
        for p in report.problems:
            sys.stderr.write(problem_line(p.code, p.seq, p.item, p.path, p.message) + "\n")
        for w in report.warnings:
            sys.stderr.write("warning: " + problem_line(w.code, w.seq, w.item, w.path, w.message) + "\n")
        c = report.counts
        summary = f"{c.get('entries', 0)} entries, {c.get('items', 0)} items, {c.get('bytes', 0)} bytes checked"
        for proved in report.against:
            verdict = "the ledger extends it" if proved["extended"] else "the ledger does NOT extend it"
            say(f"checkpoint {proved['source']}: size {proved['size']}, root {proved['root']}: {verdict}")
        for token in report.timestamps:
            if token["verified"]:
                say(
                    f"timestamp: the first {token['size']} entries existed no later than {token['gen_time']} "
                    f"(TSA {token['tsa']}, {token['authority']})"
                )
        warned = f", {plural(len(report.warnings), 'warning')}" if report.warnings else ""
        if report:
            say(f"ok: {summary}; no problems{warned}")
        else:
            say(f"FAILED: {summary}; {plural(len(report.problems), 'problem')}{warned}")
    if not report:
        raise typer.Exit(1)


@app.command()
def upgrade(vault: VaultOpt = None, json: JsonOpt = False) -> None:
    """Bring a vault made by an earlier version to the current format (the ledger is kept byte for
    byte; the index is rebuilt from it). Safe to run again; verify before and after."""
    from archive.storage.upgrade import upgrade as run_upgrade
    from archive.storage.vault import VERSION, Vault

    where = vault_path(vault)
    opened = Vault.open(where, any_version=True)
    destroyed: list[str] = []
    try:
        old, count = run_upgrade(opened, destroyed.append)
    finally:
        opened.close()
    if as_json(json):
        from archive.cli.render import emit_json

        emit_json({"vault": str(where), "from": old, "to": VERSION, "reindexed": count, "destroyed_keys": destroyed})
        return
    for name in destroyed:
        say(f"destroyed the retired private key keys/retired/{name} (verify needs only the announced public keys)")
    if old == VERSION and not count:
        say(f"{where} is already format version {VERSION}")
    else:
        say(f"upgraded {where} from format version {old} to {VERSION}; {plural(count, 'item')} reindexed")


@app.command()
def migrate(
    into: Annotated[
        Path,
        typer.Option("--into", metavar="DIR", help="The new vault's directory (absent or empty).", show_default=False),
    ],
    vault: VaultOpt = None,
    to: Annotated[
        str | None,
        typer.Option(
            "--to",
            metavar="DSN",
            help="Move the ledger into PostgreSQL: postgresql://ROLE@HOST[:PORT]/DB (an empty database).",
        ),
    ] = None,
    db_owner: DbOwnerOpt = None,
    objects: ObjectsOpt = None,
    s3_endpoint: S3EndpointOpt = None,
    s3_region: S3RegionOpt = None,
    retention_days: RetentionOpt = None,
    json: JsonOpt = False,
) -> None:
    """Copy a vault to a new home and verify the copy: every entry, checkpoint and object.

    With --to (and --objects) a local vault becomes a team archive: its ledger in PostgreSQL, its
    objects in an S3 bucket with Object Lock. Without them, a team archive (or any vault) is copied
    to a local folder: an offline copy, or one for a court. The entries keep their bytes, so every
    checkpoint and manifest made before verifies against the copy. The source must verify first and
    is only read. Exit 0 when the copy verifies, 1 when it does not.
    """
    from archive.cli.render import emit_json, problem_line, progress_bar
    from archive.service.migrate import migrate as run_migrate

    source = vault_path(vault)
    ledger, stored = _new_home(to, db_owner, objects, s3_endpoint, s3_region, retention_days)
    machine = as_json(json)
    with progress_bar(not machine) as bar:
        done = run_migrate(source, into, ledger=ledger, objects=stored, progress=bar)
    report = done.report
    if machine:
        emit_json(
            {
                "vault": str(source),
                "into": str(into),
                "entries": done.entries,
                "checkpoints": done.checkpoints,
                "objects": done.objects,
                "bytes": done.bytes,
                "verify": report.to_json(),
            }
        )
    else:
        for p in report.problems:
            sys.stderr.write(problem_line(p.code, p.seq, p.item, p.path, p.message) + "\n")
        entries = f"{done.entries} entr{'y' if done.entries == 1 else 'ies'}"
        copied = (
            f"copied {entries}, {plural(done.checkpoints, 'checkpoint')} and {plural(done.objects, 'object')} "
            f"({done.bytes} bytes) to {into}"
        )
        say(f"{copied}; the copy verifies" if report else f"{copied}; the copy does NOT verify")
    if not report:
        raise typer.Exit(1)


# ---- evidence --------------------------------------------------------------------------------


def _write_manifest(
    vault: Path | None, actor: str | None, ids: list[str] | None, fmt: str, kind: str, out: TextIO
) -> int:
    with open_vault(vault, actor, read_only=True) as (archive, _):
        refs = [archive.resolve_ref(i) for i in ids] if ids else None
        full = list(dict.fromkeys((r.item, r.part) for r in refs)) if refs is not None else None
        return archive.write_manifest(full, out, fmt=fmt, kind=kind)


@app.command()
def manifest(
    ids: Annotated[
        list[str] | None,
        typer.Argument(metavar="ID...", help="Items to cite (ids or prefixes; ID#URL: one page of a web archive)."),
    ] = None,
    all_: Annotated[bool, typer.Option("--all", help="Every item in the vault.")] = False,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            help="json (checkable: signed, with proofs), md (a report appendix) or csl (CSL-JSON for Zotero, "
            "pandoc); md and csl carry no proof or signature.",
        ),
    ] = "json",
    output: OutputOpt = None,
    vault: VaultOpt = None,
    actor: ActorOpt = None,
) -> None:
    """A citation manifest: per item APA/Chicago/MLA citations, CSL-JSON, SHA-256, acquisition,
    every metadata value with its provenance, access, relations, its ledger entries with inclusion
    proofs, and the signed checkpoint they are proven against, all signed as a whole by the vault's
    key. Verify it offline with `archive verify-manifest`. `--format md` and `--format csl` (the
    CSL-JSON array alone) cannot carry the proofs or the signature: check the JSON manifest, and
    quote citations from it.
    """
    from archive.errors import UsageError

    if fmt not in ("json", "md", "csl"):
        raise UsageError("--format is json, md or csl")
    if bool(ids) == all_:
        raise UsageError("give item ids, or --all")
    with output_to(output) as out:
        count = _write_manifest(vault, actor, ids, fmt, "archive-manifest", out)
    if output is not None:
        sys.stderr.write(f"wrote {output} ({plural(count, 'item')})\n")


export_app = typer.Typer(help="Export evidence for use outside the archive.", no_args_is_help=True)
app.add_typer(export_app, name="export")


@export_app.command("proof")
def export_proof(
    item_id: RefArg,
    output: Annotated[Path, typer.Option("-o", "--output", help="Proof file to write.")],
    vault: VaultOpt = None,
    actor: ActorOpt = None,
) -> None:
    """One item's self-contained evidence: its entries, their inclusion proofs (also as C2SP
    tlog-proofs) and the signed checkpoint; check it with `archive verify-manifest FILE --key KEY`.
    """
    with output_to(output) as out:
        _write_manifest(vault, actor, [item_id], "json", "archive-proof", out)
    say(f"wrote {output}")


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
    tsa_roots: Annotated[
        list[Path] | None,
        typer.Option(
            "--tsa-roots",
            metavar="PEM",
            help="Check the manifest's time-stamp tokens against these roots, and require one (repeatable).",
        ),
    ] = None,
    witness: Annotated[
        list[str] | None,
        typer.Option("--witness", metavar="WVKEY", help="Require a cosignature of the checkpoint by this witness."),
    ] = None,
    min_witnesses: Annotated[
        int | None,
        typer.Option(
            "--min-witnesses", min=1, help="How many of the --witness keys must have cosigned (default: all)."
        ),
    ] = None,
    json: JsonOpt = False,
) -> None:
    """Check a manifest offline, with no vault: the checkpoint signature against a trusted key,
    the manifest's signature over all of it (citation texts included) by the checkpoint's key,
    each entry against its hash, each inclusion proof against the checkpoint, each item against its
    entries, and with --files each file's SHA-256 (only files of an item's size are read). Files
    over 2 GiB, JSON nested over 32 levels, numbers over 20 characters and proofs longer than the
    tree allows are refused before anything is hashed. With --tsa-roots, its RFC 3161 tokens are
    verified against those roots and at least one must prove its checkpoint; the output says what
    each proves. Exit 0 when all holds, 1 when not.
    """
    from archive.cli.render import emit_json, problem_line
    from archive.core.note import VerifierKey
    from archive.errors import BadInputError, NotFoundError
    from archive.evidence.check import check_manifest
    from archive.evidence.limits import MAX_MANIFEST_BYTES, parse_document
    from archive.evidence.pinned import read_trusted

    roots = [_roots_text(p).encode("utf-8") for p in tsa_roots or []]
    text = read_text(path, "manifest", MAX_MANIFEST_BYTES)
    try:
        try:
            doc = parse_document(text)
        except BadInputError as exc:
            raise BadInputError(f"{path}: {exc}") from None
        del text  # the parsed document is what is checked; the text would only double the memory held
        if files is not None and not files.is_dir():
            raise NotFoundError(f"{files}: no such directory")
        trusted = [VerifierKey.parse(k.strip()) for k in key] if key else read_trusted(trusted_keys_path())
        witnesses = _witness_keys(witness or [], min_witnesses)
        report = check_manifest(
            doc,
            trusted,
            files,
            tsa_roots=roots if tsa_roots else None,
            witnesses=witnesses,
            min_witnesses=min_witnesses,
        )
    except RecursionError:  # a safety net: parse_document already refuses deep nesting
        raise BadInputError(f"{path}: not a manifest (JSON nested too deeply)") from None
    if as_json(json):
        emit_json({"manifest": str(path), **report.to_json()})
    else:
        for p in report.problems:
            sys.stderr.write(problem_line(p.code, p.seq, p.item, None, p.message) + "\n")
        c = report.counts
        for token in report.timestamps:
            say(token["proves"])
        if report:
            cosigned = f", cosigned by {c['witnesses']} of the witnesses given" if "witnesses" in c else ""
            say(
                f"ok: {c.get('items', 0)} items, {c.get('entries', 0)} entries proven against the signed checkpoint"
                + cosigned
            )
        else:
            say(f"FAILED: {plural(len(report.problems), 'problem')}")
    if not report:
        raise typer.Exit(1)


def _witness_keys(given: list[str], minimum: int | None) -> list[Any]:
    """--witness keys, parsed (witnesses, issue 11); --min-witnesses needs them and at most their number."""
    from archive.core.cosignature import WitnessKey
    from archive.errors import UsageError

    keys = [WitnessKey.parse(k) for k in given]
    if minimum is not None and minimum > len(keys):
        raise UsageError(f"--min-witnesses {minimum} needs at least {minimum} --witness keys")
    return keys


@app.command()
def checkpoint(vault: VaultOpt = None, output: OutputOpt = None, json: JsonOpt = False) -> None:
    """Print the latest signed checkpoint (C2SP tlog-checkpoint in a signed note).

    Keep it, publish it or timestamp it outside the archive: `archive verify --against FILE` later
    proves the ledger still extends it.
    """
    with open_vault(vault, None, read_only=True) as (archive, _):
        size, note = archive.latest_checkpoint()
    if as_json(json) and output is None:
        from archive.cli.render import emit_json

        emit_json({"size": size, "note": note})
        return
    with output_to(output) as out:
        out.write(note)
    if output is not None:
        say(f"wrote {output} (checkpoint of {size} entries)")


key_app = typer.Typer(help="The vault's signing key: show it, rotate it, trust others' keys.", no_args_is_help=True)
app.add_typer(key_app, name="key")


@key_app.command("show")
def key_show(vault: VaultOpt = None, json: JsonOpt = False) -> None:
    """Print the vault's current verifier key (C2SP signed-note form: name+keyid+base64)."""
    with open_vault(vault, None, read_only=True) as (archive, _):
        history = archive.keys()
    if as_json(json):
        from archive.cli.render import emit_json

        emit_json(
            {
                "origin": history.origin,
                "current": str(history.current),
                "keys": [{"seq": s, "key": str(k)} for s, k in history.keys],
            }
        )
    else:
        say(str(history.current))


@key_app.command("rotate")
def key_rotate(vault: VaultOpt = None, actor: ActorOpt = None) -> None:
    """Make a new signing key, announced by an entry signed with the old key and the new one."""
    with open_vault(vault, actor) as (archive, _):
        sealed = archive.rotate_key()
        key = archive.keys().current
    say(f"rotated: entry {sealed.seq} announces {key}")


@key_app.command("trust")
def key_trust(
    vkey: Annotated[str, typer.Argument(metavar="VKEY", help="A verifier key: name+keyid+base64.")],
) -> None:
    """Pin a verifier key, to check manifests and checkpoints made by that archive."""
    from archive.core.note import VerifierKey
    from archive.evidence.pinned import add_trusted

    path = trusted_keys_path()
    added = add_trusted(path, VerifierKey.parse(vkey.strip()))
    say(f"{'trusted' if added else 'already trusted'}: {vkey.strip()} ({path})")


# ---- trusted time: RFC 3161 time-stamp tokens (issue 11) -------------------------------------

TimeoutOpt = Annotated[
    float | None,
    typer.Option("--timeout", metavar="SECONDS", help="Wait at most this long for each TSA (default: 10)."),
]


def _roots_text(path: Path) -> str:
    from archive.service.tsaconfig import check_roots

    return check_roots(read_text(path, "roots file (PEM)", 1 << 20))


@app.command()
def timestamp(
    tsa: Annotated[
        list[str] | None,
        typer.Option("--tsa", metavar="URL", help="Ask this TSA (repeatable; default: every configured TSA)."),
    ] = None,
    roots: Annotated[
        Path | None,
        typer.Option(
            "--roots",
            metavar="PEM",
            help="Certificates the --tsa tokens must chain to (needed for a TSA not configured).",
        ),
    ] = None,
    timeout: TimeoutOpt = None,
    vault: VaultOpt = None,
    json: JsonOpt = False,
) -> None:
    """Ask Time-Stamp Authorities (RFC 3161) for a token over the latest checkpoint, and keep it.

    The token is over the SHA-256 of the checkpoint note's exact bytes, with a nonce, and is kept
    only once it verifies against the TSA's roots. It proves that the ledger existed in that state
    no later than the token's time; the entries' own times remain the archive's word. A TSA that
    already gave a token for the latest checkpoint is not asked again. Exit 3 when any TSA failed
    (each is named on stderr); the tokens the others gave are kept.
    """
    from archive.errors import UsageError
    from archive.service.timestamps import timestamp as stamp
    from archive.service.tsaconfig import TSA, check_timeout, check_url, read_config

    wait = None if timeout is None else check_timeout(timeout)
    with open_vault(vault, None, stamp=False) as (archive, _):
        configured = {t.url: t for t in read_config(archive.vault.path)}
        pem = _roots_text(roots) if roots is not None else None
        chosen: list[TSA] = []
        if tsa:
            for given in tsa:
                url = check_url(given)
                known = configured.get(url)
                if pem is None and known is None:
                    raise UsageError(f"{url} is not configured: give --roots PEM (the roots its tokens must chain to)")
                chosen.append(TSA(url, pem or (known.roots if known else ""), known.timeout if known else 10.0))
        elif pem is not None:
            raise UsageError("--roots goes with --tsa")
        else:
            chosen = list(configured.values())
        if not chosen:
            raise UsageError(
                "no TSA is configured: give --tsa URL --roots PEM, or configure one with `archive tsa add`"
            )
        outcomes = stamp(archive, list({t.url: t for t in chosen}.values()), timeout=wait)
    if as_json(json):
        from archive.cli.render import emit_json

        emit_json({"vault": str(vault_path(vault)), "timestamps": [o.to_json() for o in outcomes]})
    else:
        for o in outcomes:
            if o.status == "stamped":
                say(f"stamped   checkpoint {o.size} by {o.tsa}: it existed no later than {o.gen_time}")
            elif o.status == "already":
                say(f"already   checkpoint {o.size} by {o.tsa} (a token is kept; nothing asked)")
    failed = [o for o in outcomes if o.status == "failed"]
    for o in failed:
        sys.stderr.write(f"error: TSA {o.tsa}: {o.detail}\n")
    if failed:
        raise typer.Exit(3)


tsa_app = typer.Typer(
    help="The Time-Stamp Authorities a vault asks after every write, and the roots their tokens must chain to.",
    no_args_is_help=True,
)
app.add_typer(tsa_app, name="tsa")


def _tsa_vault(vault: Path | None) -> Path:
    from archive.errors import NotFoundError
    from archive.storage.vault import is_vault

    where = vault_path(vault)
    if not is_vault(where):
        raise NotFoundError(f"no vault at {where}")
    return where


@tsa_app.command("add")
def tsa_add(
    url: Annotated[str, typer.Argument(metavar="URL", help="The TSA's RFC 3161 HTTP endpoint.")],
    roots: Annotated[Path, typer.Option("--roots", metavar="PEM", help="Certificates its tokens must chain to.")],
    timeout: TimeoutOpt = None,
    vault: VaultOpt = None,
) -> None:
    """Configure a TSA: after every write the new checkpoint is time-stamped by it (a TSA that is
    down only warns), and `archive verify` checks its tokens against these roots."""
    from archive.service.tsaconfig import DEFAULT_TIMEOUT, TSA, add_tsa, check_timeout, check_url

    where = _tsa_vault(vault)
    tsa = TSA(check_url(url), _roots_text(roots), check_timeout(timeout) if timeout is not None else DEFAULT_TIMEOUT)
    new = add_tsa(where, tsa)
    say(f"{'added' if new else 'updated'} TSA {tsa.url} (timeout {tsa.timeout:g} s)")


@tsa_app.command("list")
def tsa_list(vault: VaultOpt = None, json: JsonOpt = False) -> None:
    """List the configured TSAs with their roots' subjects."""
    from archive.evidence.tokens import load_roots
    from archive.service.tsaconfig import read_config

    tsas = read_config(_tsa_vault(vault))
    rows: list[dict[str, Any]] = [
        {
            "url": t.url,
            "timeout": t.timeout,
            "roots": [c.subject.rfc4514_string() for c in load_roots(t.roots.encode("utf-8"))],
        }
        for t in tsas
    ]
    if as_json(json):
        from archive.cli.render import emit_json

        emit_json(rows)
        return
    for row in rows:
        say(f"{row['url']}  (timeout {row['timeout']:g} s; roots: {'; '.join(row['roots'])})")
    if not rows:
        say("no TSA configured")


@tsa_app.command("remove")
def tsa_remove(
    url: Annotated[str, typer.Argument(metavar="URL", help="A configured TSA.")], vault: VaultOpt = None
) -> None:
    """Stop asking a TSA. Its tokens stay in the vault; `verify` checks their signatures only given --tsa-roots."""
    from archive.errors import NotFoundError
    from archive.service.tsaconfig import remove_tsa

    if not remove_tsa(_tsa_vault(vault), url.strip()):
        raise NotFoundError(f"no TSA {url.strip()} is configured")
    say(f"removed TSA {url.strip()}")


# ---- witnesses (issue 11): C2SP tlog-witness server and client ------------------------------

witness_app = typer.Typer(
    help="Witnesses (C2SP tlog-witness): run one, or configure those that cosign this vault's checkpoints.",
    no_args_is_help=True,
)
app.add_typer(witness_app, name="witness")

StateOpt = Annotated[
    Path, typer.Option("--state", metavar="DIR", help="The witness's state directory (its key, the logs' checkpoints).")
]
NameOpt = Annotated[
    str | None,
    typer.Option("--name", help="The witness's name for a new key, a schema-less URL (e.g. example.org/witness)."),
]


@witness_app.command("serve")
def witness_serve(
    state: StateOpt,
    listen: Annotated[str, typer.Option("--listen", metavar="HOST:PORT", help="Where to listen (port 0: any free).")],
    log: Annotated[
        list[str],
        typer.Option("--log", metavar="VKEY", help="A log's verifier key (its name is the log's origin); repeatable."),
    ],
    name: NameOpt = None,
) -> None:
    """Run a witness: POST /add-checkpoint as c2sp.org/tlog-witness defines it.

    It keeps, per log origin, the latest checkpoint it cosigned, and cosigns a new one (a
    cosignature/v1 with its time) only when it is signed by the log's key and a consistency proof
    shows it extends that one; otherwise 409 (with the size it knows), 422, 403, 404 or 400. Its key
    is made in DIR on first start (0600) and never printed; `archive witness key` shows its
    verifier key. Prints the address and the verifier key, then one line per request on stderr.
    """
    from archive.core.note import VerifierKey
    from archive.errors import UsageError
    from archive.witness.server import WitnessServer
    from archive.witness.state import WitnessState

    host, colon, port = listen.rpartition(":")
    if not colon or not host or not port.isdigit() or int(port) > 65535:
        raise UsageError(f"--listen is HOST:PORT, not {listen!r}")
    logs: dict[str, list[VerifierKey]] = {}
    for text in log:
        key = VerifierKey.parse(text.strip())
        logs.setdefault(key.name, []).append(key)
    witness, cosigner = WitnessState.open(state, name, default_name=f"{host.strip('[]')}/witness")
    try:
        server = WitnessServer((host.strip("[]"), int(port)), witness, cosigner, logs, log=_stderr_line)
    except OSError as exc:
        raise UsageError(f"cannot listen on {listen}: {exc.strerror}") from None
    bound = server.server_address
    say(f"witness {cosigner.verifier().name} listening on http://{host}:{bound[1]}")
    say(f"verifier key: {cosigner.verifier()}")
    sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def _stderr_line(line: str) -> None:
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


@witness_app.command("key")
def witness_key(state: StateOpt, name: NameOpt = None, json: JsonOpt = False) -> None:
    """Print the witness's verifier key (name+keyid+base64 of 0x04 and the Ed25519 key); made when missing."""
    from archive.witness.state import WitnessState

    _, cosigner = WitnessState.open(state, name, create=name is not None)
    if as_json(json):
        from archive.cli.render import emit_json

        emit_json({"name": cosigner.verifier().name, "key": str(cosigner.verifier())})
    else:
        say(str(cosigner.verifier()))


@witness_app.command("add")
def witness_add(
    url: Annotated[str, typer.Argument(metavar="URL", help="The witness's submission prefix, http(s)://host[:port].")],
    key: Annotated[str, typer.Option("--key", metavar="WVKEY", help="The witness's verifier key.")],
    timeout: Annotated[
        float | None, typer.Option(help="Seconds to wait for any witness after a write (default 10).")
    ] = None,
    vault: VaultOpt = None,
) -> None:
    """Configure a witness: after every write (and on `archive cosign`) it is asked to cosign the checkpoint."""
    from archive.service.witnesses import add_witness

    with open_vault(vault, None, read_only=True) as (archive, _):
        where = archive.vault.path
    added = add_witness(where, url, key, timeout)
    say(f"witness {added.key.name} at {added.url}: configured")


@witness_app.command("list")
def witness_list(vault: VaultOpt = None, json: JsonOpt = False) -> None:
    """The configured witnesses, with the latest checkpoint size each has cosigned."""
    from archive.service.witnesses import load_config

    with open_vault(vault, None, read_only=True) as (archive, _):
        configured = load_config(archive.vault.path)
        with archive.reading() as r:
            kept = r.cosignatures()
    rows = []
    for w in configured:
        sizes = [s for s, name, _, _ in kept if name == w.key.name]
        rows.append({"url": w.url, "key": str(w.key), "cosigned_size": max(sizes) if sizes else None})
    if as_json(json):
        from archive.cli.render import emit_json

        emit_json({"witnesses": rows})
        return
    if not rows:
        say("no witness configured (archive witness add URL --key WVKEY)")
    for row in rows:
        size = row["cosigned_size"]
        say(f"{row['url']}  {row['key']}  {'never cosigned' if size is None else f'cosigned size {size}'}")


@app.command()
def cosign(
    vault: VaultOpt = None,
    timeout: Annotated[float | None, typer.Option(help="Seconds to wait for each witness (default 10).")] = None,
    json: JsonOpt = False,
) -> None:
    """Ask every configured witness to cosign the latest checkpoint, with a consistency proof from the
    size it last cosigned; keep the cosignatures. A witness that holds a checkpoint this ledger does
    not extend is a split view (WITNESS_SPLIT_VIEW, exit 1); one that cannot be reached is an error
    naming it (exit 3), and a later `archive cosign` asks again."""
    from archive.service.witnesses import configured_timeout
    from archive.service.witnesses import cosign as run_cosign

    with open_vault(vault, None) as (archive, _):
        report = run_cosign(archive, timeout or configured_timeout(archive.vault.path))
    if as_json(json):
        from archive.cli.render import emit_json

        emit_json({"size": report.size, "witnesses": [o.to_json() for o in report.outcomes]})
    else:
        for o in report.outcomes:
            if o.status == "cosigned":
                at = f" at {o.to_json()['cosigned_at']}" if o.cosignature else ""
                say(f"{o.witness}: {o.status} size {o.size}{at}")
            elif o.problem is not None:
                sys.stderr.write(f"{o.problem.code}: {o.witness}: {o.problem.message}\n")
            else:
                sys.stderr.write(f"error: witness {o.witness} ({o.url}): {o.message}\n")
    if report.problems():
        raise typer.Exit(1)
    if any(o.status == "failed" for o in report.outcomes):
        raise typer.Exit(3)
