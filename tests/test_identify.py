"""archive.extract.identify: libmagic's answer for every format, the WHATWG sniff's for HTML.

The oracle is libmagic's full call (what `magic.Magic(mime=True, mime_encoding=True)` says on the
same head), asked here directly: `identify` must give the same media type and charset except where
the HTML sniff is meant to differ. Real pages come from ../shared/corpus (its gzipped pages are
decompressed here); without it the corpus tests are skipped on a developer's machine, but fail
under CI.
"""

from __future__ import annotations

import gzip
import io
import os
import random
import re
import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import magic
import pytest
from fpdf import FPDF
from PIL import Image

from archive.extract.identify import (
    HEAD_BYTES,
    Identification,
    identify,
    libmagic_version,
    may_be_structured,
    sniff_html,
)

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
DATA = TESTS / "data"
FIXTURES = sorted(
    p for kind in ("pdf", "image", "html", "plaintext") for p in (DATA / kind).iterdir() if p.suffix != ".json"
)
SEEDS = sorted((REPO / "seeds").glob("*.txt"))


def _corpus() -> Path | None:
    for parent in REPO.parents:
        if (parent / "shared" / "corpus").is_dir():
            return parent / "shared" / "corpus"
    return None


CORPUS = _corpus()
PAGES = sorted(CORPUS.glob("*/html/*")) if CORPUS else []
needs_corpus = pytest.mark.skipif(CORPUS is None and not os.environ.get("CI"), reason="../shared/corpus is absent")
# Not HTML: an RSS feed that newspaper4k saved with an .html name.
NOT_HTML = {"sample_rss.html": "text/xml"}

_oracle = magic.Magic(mime=True, mime_encoding=True)


def full_libmagic(head: bytes) -> tuple[str, str | None]:
    """libmagic's full answer on `head`, as (media type, charset or None for "binary")."""
    answer = _oracle.from_buffer(head[:HEAD_BYTES])
    media_type, _, params = answer.partition(";")
    charset = params.strip().removeprefix("charset=")
    return media_type.strip(), None if charset in ("", "binary") else charset


def page_head(path: Path) -> bytes:
    data = path.read_bytes()
    return (gzip.decompress(data) if path.suffix == ".gz" else data)[:HEAD_BYTES]


def answer(result: Identification) -> tuple[str, str | None]:
    return result.media_type, result.charset


# --- real material ----------------------------------------------------------------------------


@needs_corpus
def test_the_corpus_is_there() -> None:
    assert len(PAGES) > 300


@needs_corpus
@pytest.mark.parametrize("path", PAGES, ids=[p.name[:24] for p in PAGES])
def test_every_corpus_page_is_html(path: Path) -> None:
    head = page_head(path)
    result = identify(head, path.name.removesuffix(".gz"))
    expected = NOT_HTML.get(path.name, "text/html")
    assert result.media_type == expected
    assert result.charset == full_libmagic(head)[1]  # the sniff decides the type, never the charset
    assert result.decided_by == ("sniff" if expected == "text/html" else "libmagic")


@needs_corpus
def test_pages_libmagic_calls_javascript_are_html() -> None:
    """The reason for the sniff: libmagic's text rules call over a third of these pages JavaScript."""
    heads = [page_head(p) for p in PAGES if p.name not in NOT_HTML]
    javascript = [h for h in heads if full_libmagic(h)[0] == "application/javascript"]
    assert len(javascript) > len(heads) // 4
    assert {identify(h, "page.html").media_type for h in javascript} == {"text/html"}


@pytest.mark.parametrize("path", SEEDS, ids=[p.name for p in SEEDS])
def test_seeds_are_utf8_plain_text_without_the_text_rules(path: Path) -> None:
    result = identify(path.read_bytes(), path.name)
    assert answer(result) == ("text/plain", "utf-8")
    assert result.decided_by == "libmagic"
    assert result.signals["path"] == "text test"  # prose does not pay for libmagic's text rules


@pytest.mark.parametrize("path", FIXTURES, ids=[f"{p.parent.name}/{p.name}" for p in FIXTURES])
def test_every_fixture_keeps_its_type(path: Path) -> None:
    head = path.read_bytes()[:HEAD_BYTES]
    assert answer(identify(head, path.name)) == full_libmagic(head)


# --- crafted traps ----------------------------------------------------------------------------


def _image(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16, 8), (200, 30, 30)).save(out, fmt)
    return out.getvalue()


def _pdf() -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="Kharkiv, 4 April 2022")
    return bytes(pdf.output())


def _zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("article.txt", "The ministry did not respond.")
    return out.getvalue()


HTML_PAGE = b'<html lang="en"><head><title>Kyiv</title></head><body><p>Text.</p></body></html>\n'
UTF16_PAGE = "\ufeff<!DOCTYPE html>\n<html><head><title>Київ</title></head><body><p>Привіт</p></body></html>\n"

# name: (bytes, file name, the type libmagic's full call gives, or the sniff's answer where it differs)
LIBMAGIC_TRAPS: dict[str, tuple[Callable[[], bytes], str, str]] = {
    "javascript": (
        lambda: (
            b"'use strict';\n\nconst fs = require('fs');\n\nfunction main(args) {\n"
            b"  return args.map((a) => a * 2);\n}\n\nmodule.exports = { main };\n"
        ),
        "main.js",
        "application/javascript",
    ),
    "json": (
        lambda: b'{"title": "Kharkiv shelling", "authors": ["A. B."], "year": 2022}\n',
        "a.json",
        "application/json",
    ),
    "xml": (
        lambda: (
            b'<?xml version="1.0" encoding="UTF-8"?>\n<catalog>\n  <book id="1"><title>Evidence</title></book>\n'
            b"</catalog>\n"
        ),
        "catalog.xml",
        "text/xml",
    ),
    "svg": (
        lambda: (
            b'<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" '
            b'height="10"><rect width="10" height="10"/></svg>\n'
        ),
        "map.svg",
        "image/svg+xml",
    ),
    "email": (
        lambda: (
            b"Return-Path: <alice@example.org>\nReceived: from mail.example.org by mx.example.net\n"
            b"Message-ID: <123@example.org>\nFrom: Alice <alice@example.org>\nTo: Bob <bob@example.net>\n"
            b"Subject: The report\nDate: Mon, 4 Apr 2022 10:00:00 +0000\n\nBob, the report is attached.\n"
        ),
        "report.eml",
        "message/rfc822",
    ),
    "shell script": (lambda: b"#!/bin/sh\nset -eu\necho hello\n", "run.sh", "text/x-shellscript"),
    "csv": (
        lambda: b"name,outlet,date\nAlice,Reuters,2022-03-01\nBob,AP,2022-03-02\nCarol,AFP,2022-03-03\n",
        "sources.csv",
        "text/csv",
    ),
    "python": (
        lambda: (
            b"import re\n\n\nclass Counter:\n    def __init__(self):\n        self.n = 0\n\n"
            b"    def add(self):\n        self.n += 1\n"
        ),
        "counter.py",
        "text/x-script.python",
    ),
    "rtf": (lambda: b"{\\rtf1\\ansi\\deff0 {\\fonttbl {\\f0 Times;}}\\f0 Hello world.\\par}\n", "a.rtf", "text/rtf"),
    "postscript": (
        lambda: (
            b"%!PS-Adobe-3.0\n%%Title: test\n/Times-Roman findfont 12 scalefont setfont\n"
            b"72 720 moveto (Hello) show\nshowpage\n"
        ),
        "a.ps",
        "application/postscript",
    ),
    "article mentioning <b>": (
        lambda: (
            b"Officials said the convoy reached the border on Tuesday. One editor wrote that the\n"
            b"headline used <b> tags for emphasis, which the site later removed.\n"
            b"The ministry did not respond to requests for comment.\n"
        ),
        "article.txt",
        "text/plain",
    ),
    # The standard would call this HTML ("<!--" and a space); past the comment it is an SVG.
    "comment before svg": (
        lambda: (
            b'<!-- Generator: an editor -->\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
            b'<rect width="10" height="10"/></svg>\n'
        ),
        "map.svg",
        "text/plain",
    ),
    "pdf": (_pdf, "a.pdf", "application/pdf"),
    "png": (lambda: _image("PNG"), "a.png", "image/png"),
    "jpeg": (lambda: _image("JPEG"), "a.jpg", "image/jpeg"),
    "webp": (lambda: _image("WEBP"), "a.webp", "image/webp"),
    "tiff": (lambda: _image("TIFF"), "a.tif", "image/tiff"),
    "zip": (_zip, "a.zip", "application/zip"),
    "gzip": (lambda: gzip.compress(b"The ministry did not respond.", mtime=0), "a.gz", "application/gzip"),
    "empty head": (lambda: b"", "empty.txt", "application/x-empty"),
    "one letter": (lambda: b"a", "a.txt", "application/octet-stream"),
    "one <": (lambda: b"<", "a.html", "application/octet-stream"),
    "one NUL": (lambda: b"\x00", "a.bin", "application/octet-stream"),
    "random bytes": (lambda: random.Random(7).randbytes(4096), "blob", "application/octet-stream"),
}

SNIFF_TRAPS: dict[str, tuple[Callable[[], bytes], str, str]] = {
    "BOM, whitespace, comment, <html>": (
        lambda: b"\xef\xbb\xbf \n\t<!-- saved page -->\n" + HTML_PAGE,
        "p.html",
        "utf-8",
    ),
    "conditional comments": (
        lambda: (
            b'<!--[if IE 8]><html class="ie8"><![endif]-->\n<!--[if gt IE 8]><!--><html class="modern">'
            b"<!--<![endif]-->\n<head><title>x</title></head><body></body></html>\n"
        ),
        "p.html",
        "us-ascii",
    ),
    "script before <html>": (lambda: b"<script>window.dataLayer = [];</script>\n" + HTML_PAGE, "p.html", "us-ascii"),
    "UTF-16LE with a BOM": (lambda: UTF16_PAGE.encode("utf-16-le"), "p.html", "utf-16le"),
    "UTF-16BE with a BOM": (lambda: UTF16_PAGE.encode("utf-16-be"), "p.html", "utf-16be"),
    "doctype on its own line": (
        lambda: b'\n\n<!DOCTYPE html\n  PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "x.dtd">\n' + HTML_PAGE,
        "p.html",
        "us-ascii",
    ),
}


@pytest.mark.parametrize("trap", LIBMAGIC_TRAPS)
def test_libmagic_decides_what_is_not_html(trap: str) -> None:
    make, name, expected = LIBMAGIC_TRAPS[trap]
    head = make()
    result = identify(head, name)
    assert full_libmagic(head)[0] == expected  # the trap is what it claims to be, to libmagic
    assert answer(result) == full_libmagic(head)
    assert result.decided_by == "libmagic"


@pytest.mark.parametrize("trap", SNIFF_TRAPS)
def test_the_sniff_decides_html(trap: str) -> None:
    make, name, charset = SNIFF_TRAPS[trap]
    result = identify(make(), name)
    assert answer(result) == ("text/html", charset)
    assert result.decided_by == "sniff"
    assert result.signals["libmagic"] == f"text/plain; charset={charset}"  # what libmagic said, kept


@pytest.mark.parametrize("declaration", [b'<?xml version="1.0" encoding="UTF-8"?>', b'<?xml version="1.0" ?>'])
@pytest.mark.parametrize(
    "root",
    [
        b'<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "x.dtd">\n<html xmlns="http://www.w3.org/1999/xhtml">',
        b'<html xmlns="http://www.w3.org/1999/xhtml">',
        b"<!-- generated -->\n<html>",
    ],
)
def test_xml_with_an_html_root_is_xhtml(declaration: bytes, root: bytes) -> None:
    head = declaration + b"\n" + root + b"<head><title>x</title></head><body><p>x</p></body></html>\n"
    result = identify(head, "page.xhtml")
    assert full_libmagic(head)[0] == "text/xml"  # what libmagic says, and the standard ("<?xml")
    assert answer(result) == ("application/xhtml+xml", "us-ascii")
    assert result.decided_by == "sniff"


def test_xml_with_another_root_is_left_to_libmagic() -> None:
    head = b'<?xml version="1.0"?>\n<?xml-stylesheet href="s.xsl"?>\n<rss version="2.0"><channel></channel></rss>\n'
    assert sniff_html(head) is None
    assert answer(identify(head, "feed.html")) == full_libmagic(head)


def test_only_the_head_counts() -> None:
    text = b"The ministry did not respond to requests for comment on Tuesday.\n" * 1100
    assert len(text) > HEAD_BYTES
    tail = b"\x00\x01\x02 binary after the head"
    assert identify(text + tail, "a.txt") == identify(text[:HEAD_BYTES], "a.txt")
    assert identify(text + tail, "a.txt").media_type == "text/plain"


# --- the sniff on its own ---------------------------------------------------------------------

STANDARD_TAGS = [
    b"!DOCTYPE HTML",
    b"HTML",
    b"HEAD",
    b"SCRIPT",
    b"IFRAME",
    b"H1",
    b"DIV",
    b"FONT",
    b"TABLE",
    b"A",
    b"STYLE",
    b"TITLE",
    b"B",
    b"BODY",
    b"BR",
    b"P",
]


@pytest.mark.parametrize("tag", STANDARD_TAGS)
@pytest.mark.parametrize("end", [b" ", b">"])
def test_every_pattern_of_the_standard_is_html(tag: bytes, end: bytes) -> None:
    assert sniff_html(b"  \r\n\t<" + tag + end + b"rest") == "text/html"
    assert sniff_html(b"<" + tag.lower() + end) == "text/html"


@pytest.mark.parametrize(
    "head",
    [
        b"<PRE>code</PRE>",  # "<P" not followed by a tag-terminating byte
        b"<abbr>x</abbr>",
        b"<h2>Heading</h2>",
        b"<meta charset=utf-8><title>x</title>",  # not in the standard's table
        b"x<html>",
        b"\x0b<html>",  # VT is not one of the standard's whitespace bytes
        b"<!DOCTYPE  html>",  # the standard's pattern has exactly one space
        b"<!-- never closed <html>",
        b"<!-- a comment on its own -->",
        b"<?xml version='1.0' <html>",  # an XML declaration never closed
        b"",
    ],
)
def test_what_is_not_html(head: bytes) -> None:
    assert sniff_html(head) is None


def test_empty_comments_end_where_html_ends_them() -> None:
    assert sniff_html(b"<!--><html>") == "text/html"
    assert sniff_html(b"<!---><html>") == "text/html"
    assert sniff_html(b"<!-- a --><!-- b -->\n<body>") == "text/html"


# --- the pre-filter, the name, threads --------------------------------------------------------


@pytest.mark.parametrize(
    "head",
    [
        b"Russia's War in Ukraine\nU.S. Formally Accuses Russia of War Crimes\n",
        b"WASHINGTON (CN) \xe2\x80\x94 As civilian deaths continue to tally up, officials said.\n",
        b"\xe2\x80\x9cWe will not stop,\xe2\x80\x9d the prosecutor said on Tuesday.\n",
        "Київ, 4 квітня. Прокурори заявили.\n".encode(),
        b"Drought: Toronto Faces Dramatic Recovery\n\nBy Ibrahim Jensen\n",
        b"\xef\xbb\xbf\r\n  2022 was the year the court sat in The Hague.\n",
    ],
)
def test_prose_skips_libmagic_text_rules(head: bytes) -> None:
    assert not may_be_structured(head)
    assert identify(head, "article.txt").signals["path"] == "text test"


STRUCTURED = {
    "WebVTT": (
        b"WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nHello there\n\n00:00:02.500 --> 00:00:04.000\nAgain\n",
        "text/vtt",
    ),
    "troff": (b'.TH "NPM-DIFF" "1" "August 2026"\n.SH "NAME"\n\\fBnpm-diff\\fR - The registry diff\n', "text/troff"),
    "LaTeX": (b"\\documentclass{article}\n\\begin{document}\nHello\n\\end{document}\n", "text/x-tex"),
    "diff": (b"--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n", "text/x-diff"),
    "git diff": (b"diff --git a/x b/x\nindex 1..2 100644\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n", "text/x-diff"),
    "C": (b"#include <stdio.h>\nint main(void) { return 0; }\n", "text/x-c"),
    "m4": (b"dnl Check for something\nAC_DEFUN([X], [y])\n", "text/x-m4"),
    "Ruby": (b"require 'json'\n\nclass Foo\n  def bar\n    1\n  end\nend\n", "text/x-ruby"),
    "news": (b"Path: news.example.org!not-for-mail\nFrom: a@b\nNewsgroups: x\nSubject: y\n\nbody\n", "message/news"),
    "mail from": (b"From: Alice <a@example.org>\nTo: Bob\nSubject: x\n\nbody\n", "message/rfc822"),
    "SubRip": (
        b"1\n00:00:06,500 --> 00:00:09,000\nAbout two months ago\n\n2\n00:00:09,500 --> 00:00:10,000\nYes\n",
        "application/x-subrip",
    ),
    "Lisp": (b";;; mode.el --- Major mode\n(defun foo () 1)\n", "text/x-lisp"),
    "DOS batch": (b"@echo off\r\necho hello\r\n", "text/x-msdos-batch"),
    "PHP": (b"<?php\necho 'hi';\n?>\n", "text/x-php"),
    "Node.js": (b"#!/usr/bin/env node\nconsole.log(1)\n", "application/javascript"),
    "ES module": (b"import { readdir } from 'fs';\nexport const x = 1;\n", "application/javascript"),
    "gettext": (
        b'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "Hi"\nmsgstr "Salut"\n',
        "text/x-po",
    ),
}


@pytest.mark.parametrize("kind", STRUCTURED)
def test_structured_text_gets_libmagic_text_rules(kind: str) -> None:
    head, expected = STRUCTURED[kind]
    result = identify(head, "file")
    assert full_libmagic(head)[0] == expected
    assert answer(result) == full_libmagic(head)
    assert result.signals["path"] == "all rules"


def test_the_name_is_recorded_and_never_decides() -> None:
    png = _image("PNG")
    result = identify(png, "report.pdf")
    assert result.media_type == "image/png"
    assert result.signals["name"] == "application/pdf"
    assert identify(png, "photo.webp").signals["name"] == "image/webp"  # the table's common, non-IANA types too
    assert identify(png, "no-extension").signals["name"] == "unknown"
    assert identify(png, "page.html.gz").signals["name"] == "text/html (gzip)"
    assert identify(png, "data:text/html,x").signals["name"] == "unknown"  # a file name, not a URL


def test_threads_get_the_answers_one_thread_gets() -> None:
    heads = [make() for make, _, _ in LIBMAGIC_TRAPS.values()] + [make() for make, _, _ in SNIFF_TRAPS.values()]
    heads += [p.read_bytes()[:HEAD_BYTES] for p in FIXTURES]
    alone = [identify(h, "x") for h in heads]
    with ThreadPoolExecutor(max_workers=8) as pool:
        for _ in range(5):
            assert list(pool.map(lambda h: identify(h, "x"), heads)) == alone


def test_libmagic_version() -> None:
    assert re.fullmatch(r"\d+\.\d{2}", libmagic_version())
