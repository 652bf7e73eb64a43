"""The pasted-text generator (`bench/paste.py`): one hand-made page per rule of a browser's
select-all copy, then every real page of the shared corpus."""

from __future__ import annotations

import json
import re
import statistics
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from bench.paste import encoding, paste, read_page

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
BENCHMARK = CORPUS / "article-extraction-benchmark"


def p(html: str, charset: str = "utf-8") -> str:
    return paste(html.encode(charset))


def test_head_and_meta_tags_are_not_copied() -> None:
    page = (
        "<html><head><title>Headline | Site</title><meta property='og:site_name' content='Site'>"
        '<script type=\'application/ld+json\'>{"author": "A"}</script></head><body><h1>Headline</h1></body></html>'
    )
    assert p(page) == "Headline\n"


@pytest.mark.parametrize(
    "tag",
    ["script", "style", "noscript", "template", "svg", "iframe", "textarea", "select", "video", "audio", "canvas"],
)
def test_unrendered_elements_are_not_copied(tag: str) -> None:
    assert p(f"<body><p>before</p><{tag}><b>inside</b> text</{tag}><p>after</p></body>") == "before\n\nafter\n"


@pytest.mark.parametrize(
    "attrs", ["hidden", "hidden=''", "aria-hidden='true'", "aria-hidden=TRUE", "style='color: red; display : none'"]
)
def test_hidden_elements_are_not_copied(attrs: str) -> None:
    assert p(f"<div>shown <span {attrs}>secret <b>deep</b></span>too</div>") == "shown too\n"


def test_elements_that_are_shown_despite_similar_attributes() -> None:
    assert (
        p("<div aria-hidden='false'>a</div><div style='display:block'>b</div><div data-hidden>c</div>") == "a\nb\nc\n"
    )


def test_a_closed_details_shows_only_its_summary_a_closed_dialog_nothing() -> None:
    page = "<details><summary>Read <b>more</b></summary>long <p>text</p></details><dialog>Sign up</dialog><p>end</p>"
    assert p(page) == "Read more\n\nend\n"
    page = "<details open><summary>Read more</summary>long text</details><dialog open>Sign up</dialog>"
    assert p(page) == "Read more\nlong text\nSign up\n"


def test_an_unclosed_element_inside_a_hidden_one_ends_with_it() -> None:
    assert p("<div hidden><span>gone</div><p>kept</p>") == "kept\n"


def test_blocks_break_lines_inline_elements_do_not() -> None:
    page = "<div>one<span>two</span><a href=x>three</a></div><section>four</section><li>five</li><em>six</em>"
    assert p(page) == "onetwothree\nfour\nfive\nsix\n"


@pytest.mark.parametrize(
    "tag", ["div", "li", "tr", "figure", "figcaption", "section", "article", "header", "footer", "nav", "blockquote"]
)
def test_each_block_element_is_its_own_line(tag: str) -> None:
    assert p(f"<span>a</span><{tag}>b</{tag}><span>c</span>") == "a\nb\nc\n"


def test_paragraphs_and_headings_are_separated_by_a_blank_line() -> None:
    assert p("<h1>Title</h1><p>One</p><p>Two</p>") == "Title\n\nOne\n\nTwo\n"


def test_implied_end_tags_close_paragraphs_and_list_items() -> None:
    assert p("<p>one<p>two<ul><li>a<li>b</ul>") == "one\n\ntwo\n\na\nb\n"


def test_br_breaks_a_line_inside_a_block() -> None:
    assert p("<p>By Jane Doe<br>March 3, 2024</p>") == "By Jane Doe\nMarch 3, 2024\n"


def test_table_cells_are_joined_by_tabs_rows_by_lines() -> None:
    assert p("<table><tr><td>a</td><th>b</th><td>c<tr><td>d<td>e</table>") == "a\tb\tc\nd\te\n"


def test_whitespace_collapses_across_inline_elements_and_at_line_ends() -> None:
    assert p("<p>  one \n\t two <b> three </b> four  </p>\n\n  <p>\n five</p>") == "one two three four\n\nfive\n"


def test_pre_keeps_its_whitespace_without_the_first_newline() -> None:
    assert p("<p>x</p><pre>\n  a   b\n\tc</pre>") == "x\n\n  a   b\n\tc\n"


def test_no_break_spaces_are_copied_as_spaces_and_not_collapsed() -> None:
    assert p("<p>10&nbsp;km\u00a0from &nbsp;&nbsp;Kyiv</p>") == "10 km from   Kyiv\n"


def test_image_alt_text_is_not_copied() -> None:
    assert (
        p("<figure><img src=a.jpg alt='Smoke over Lviv'><figcaption>Photo: AP</figcaption></figure>") == "Photo: AP\n"
    )


def test_runs_of_blank_lines_collapse_to_one() -> None:
    assert p("<p>a</p><br><br><br><br><p>b</p><div></div><div> </div><p>c</p>") == "a\n\nb\n\nc\n"


def test_entities_are_decoded() -> None:
    assert (
        p("<p>Tom &amp; Jerry&mdash; &#8220;caf&eacute;&#x201d; &lt;b&gt;</p>")
        == "Tom & Jerry\u2014 \u201ccaf\u00e9\u201d <b>\n"
    )


def test_the_encoding_comes_from_the_bom_first() -> None:
    body = "<meta charset='windows-1251'><p>Zoë</p>"
    assert paste(b"\xef\xbb\xbf" + body.encode("utf-8")) == "Zoë\n"
    assert paste(b"\xff\xfe" + body.encode("utf-16-le")) == "Zoë\n"


def test_the_encoding_comes_from_meta_charset_or_http_equiv() -> None:
    assert p("<meta charset=windows-1251><p>Київ</p>", "cp1251") == "Київ\n"
    page = '<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1"><p>Zoë</p>'
    assert p(page, "latin-1") == "Zoë\n"


def test_latin1_is_read_as_windows_1252_as_browsers_do() -> None:
    assert paste(b"<meta charset=iso-8859-1><p>\x93quoted\x94</p>") == "\u201cquoted\u201d\n"


def test_without_a_declaration_the_page_is_utf8_with_replacement() -> None:
    assert encoding(b"<p>x</p>") == "utf-8"
    assert paste(b"<p>caf\xe9</p>") == "caf\ufffd\n"
    assert encoding(b"<meta charset=no-such-codec><p>x</p>") == "utf-8"


def test_a_meta_charset_after_the_body_starts_is_not_the_declaration() -> None:
    assert encoding(b"<body><p>x</p><meta charset=windows-1251>") == "utf-8"


def test_an_empty_or_invisible_page_pastes_as_empty_text() -> None:
    assert paste(b"") == ""
    assert paste(b"<html><head><title>t</title></head><body><script>x()</script></body></html>") == ""


def test_the_command_writes_the_text(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_bytes(b"<title>t</title><h1>Head</h1><p>Body</p>")
    out = tmp_path / "page.txt"
    run = subprocess.run([sys.executable, "-m", "bench.paste", str(page), str(out)], cwd=ROOT, capture_output=True)
    assert run.returncode == 0, run.stderr
    assert out.read_text("utf-8") == "Head\n\nBody\n"
    missing = subprocess.run([sys.executable, "-m", "bench.paste", str(tmp_path / "none.html")], cwd=ROOT)
    assert missing.returncode == 3


needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the shared corpus is not at {CORPUS}")


def _pages() -> list[Path]:
    return sorted(CORPUS.rglob("*.html")) + sorted(CORPUS.rglob("*.html.gz"))


@needs_corpus
def test_every_corpus_page_pastes_deterministically() -> None:
    pages = _pages()
    assert len(pages) > 300
    for page in pages:
        data = read_page(page)
        text = paste(data)
        assert text == paste(data), page
        assert '"@context"' not in text, page  # JSON-LD lives in scripts: never pasted


_WORD = re.compile(r"\w+")


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(unicodedata.normalize("NFC", text))]


@needs_corpus
def test_the_article_body_is_in_the_paste() -> None:
    # Share of the ground-truth body's words found in the paste. Measured 2026-12-01 on the 181
    # pages: median 1.0, lowest 0.94 (a Japanese page, where \w+ runs split differently around
    # inline markup); an extractor reading the paste can only be as good as this.
    truth = json.loads((BENCHMARK / "ground-truth.json").read_text("utf-8"))
    shares = []
    for name, page in sorted(truth.items()):
        want = _words(page["articleBody"])
        if not want:
            continue
        have = set(_words(paste(read_page(BENCHMARK / "html" / f"{name}.html.gz"))))
        shares.append(sum(w in have for w in want) / len(want))
    assert len(shares) == len(truth)
    assert statistics.median(shares) >= 0.99
    assert min(shares) >= 0.9
