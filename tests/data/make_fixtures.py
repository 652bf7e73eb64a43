"""Make the binary fixtures in tests/data/pdf and tests/data/image, so they can be remade.

    .venv/bin/python tests/data/make_fixtures.py

Needs what the tests do not: fpdf2 (PDF layout), Pillow (the pixels), pypdf (exact
document info, XMP and encryption), ExifTool (`apt-get install libimage-exiftool-perl`:
it writes the photo metadata) and the DejaVu Sans font (`fonts-dejavu-core`: it has the
"ﬁ" ligature glyphs). The `.expected.json` files beside the fixtures are written by hand
and are not touched here. Encrypted PDFs get fresh random keys on each run, so their bytes
change; everything else comes out the same (with the same tool versions).

Every article, name and address here is invented for the tests (the photographers' names
are those of real AP and Reuters photographers, as real credits would carry them).
"""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

from fpdf import FPDF
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, TextStringObject

DATA = Path(__file__).resolve().parent
PDF = DATA / "pdf"
IMAGE = DATA / "image"
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
FONT_BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")

# ---------------------------------------------------------------------------------------
# PDFs
# ---------------------------------------------------------------------------------------

PAGE_TITLE = "Kharkiv residents flee as peace talks stall | AP News"
URL = "https://apnews.com/article/russia-ukraine-kharkiv-war-7f9c2e1d4b"
# Ligatures as a browser's text shaping may leave them: "ﬂ" (U+FB02), "ﬁ" (U+FB01), "ﬃ" (U+FB03).
HEADLINE = "Kharkiv residents \ufb02ee as peace talks stall"
BODY_1 = (
    "KYIV, Ukraine (AP) \u2014 Russian artillery pounded residential districts of Kharkiv on Wednesday, "
    "setting apartment blocks ablaze and killing at least six civilians, regional o\ufb03cials said, as "
    "negotiations between the two sides showed little progress."
)
CAPTION = (
    "Fire\ufb01ghters work at a damaged apartment building in Kharkiv, Ukraine, Tuesday, March 22, 2022. "
    "(AP Photo/Efrem Lukatsky)"
)
BODY_2 = (
    "The city\u2019s mayor said the shelling lasted through the night. Thousands of residents have \ufb02ed "
    "west by train since the start of the month, and those who stayed sheltered in metro stations."
)
BODY_3 = (
    "\u201cThey are hitting everything, schools, shops, homes,\u201d said Larysa Bondar, 64, who sheltered in a "
    "metro station with her grandson. Ukraine\u2019s general sta\ufb00 said its forces had repelled attacks "
    "north of the city. The claims could not be independently veri\ufb01ed."
)
BODY_4 = "Copyright 2022 The Associated Press. All rights reserved."


def _pdf() -> FPDF:
    pdf = FPDF(format="letter", unit="mm")
    pdf.add_font("Sans", "", str(FONT))
    pdf.add_font("Sans", "B", str(FONT_BOLD))
    pdf.set_auto_page_break(False)
    pdf.set_margins(20, 20, 20)
    # fpdf2 derives the file /ID from the content and this date: fixed, the bytes are too.
    pdf.set_creation_date(datetime(2022, 3, 23, 18, 15, tzinfo=UTC))
    return pdf


def _paragraph(pdf: FPDF, text: str, size: float = 11, style: str = "", gap: float = 4) -> None:
    pdf.set_font("Sans", style, size)
    pdf.set_x(20)
    pdf.multi_cell(176, size * 0.5, text)
    pdf.ln(gap)


def _chrome_furniture(pdf: FPDF, page: int, pages: int) -> None:
    """What Chrome prints around each page with "Headers and footers" on (en-US locale)."""
    pdf.set_font("Sans", "", 8)
    pdf.set_xy(8, 5)
    pdf.cell(40, 5, "3/23/22, 2:15 PM")
    pdf.set_xy(60, 5)
    pdf.cell(120, 5, PAGE_TITLE, align="C")
    pdf.set_xy(8, 270)
    pdf.cell(150, 5, URL)
    pdf.set_xy(196, 270)
    pdf.cell(12, 5, f"{page}/{pages}", align="R")


def _save(pdf: FPDF, path: Path, info: dict[str, str], *, lang: str | None = None, xmp: str | None = None) -> None:
    """Write the PDF with exactly this document info (fpdf2 adds its own; pypdf replaces it)."""
    writer = PdfWriter(clone_from=PdfReader(BytesIO(bytes(pdf.output()))))
    writer.metadata = info  # replaces, not merges: fpdf2's own /Producer and date go
    if lang:
        writer.root_object[NameObject("/Lang")] = TextStringObject(lang)
    if xmp:
        writer.xmp_metadata = xmp.encode("utf-8")
    with path.open("wb") as file:
        writer.write(file)


def make_browser_print() -> None:
    pdf = _pdf()
    pdf.add_page()
    _chrome_furniture(pdf, 1, 2)
    pdf.set_xy(20, 20)
    _paragraph(pdf, HEADLINE, size=20, style="B", gap=6)
    _paragraph(pdf, "By JANE MORROW and PETER KASPRZAK", size=10, gap=1)
    _paragraph(pdf, "Published 9:15 AM EDT, March 23, 2022", size=10, gap=6)
    _paragraph(pdf, BODY_1)
    _paragraph(pdf, CAPTION, size=9)
    _paragraph(pdf, BODY_2)
    pdf.add_page()
    _chrome_furniture(pdf, 2, 2)
    pdf.set_xy(20, 20)
    _paragraph(pdf, BODY_3)
    _paragraph(pdf, BODY_4, size=9)
    info = {
        "/Title": PAGE_TITLE,
        "/Creator": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/99.0.4844.84 Safari/537.36",
        "/Producer": "Skia/PDF m99",
        "/CreationDate": "D:20220323181500+00'00'",
        "/ModDate": "D:20220323181500+00'00'",
    }
    _save(pdf, PDF / "browser_print.pdf", info, lang="en")


def make_word_export() -> None:
    """A PDF saved from a word processor by someone whose account name is "jdoe"."""
    pdf = _pdf()
    pdf.add_page()
    pdf.set_xy(20, 20)
    _paragraph(
        pdf,
        "KYIV, March 23 (Reuters) - Ukraine said on Wednesday that Russian forces had shelled a humanitarian "
        "corridor out of Mariupol, and that talks on a ceasefire would resume on Thursday.",
    )
    _paragraph(pdf, "Reporting by Natalia Zinets; Editing by Mark Heinrich")
    info = {
        "/Title": "Microsoft Word - kyiv_draft_v3.docx",
        "/Author": "jdoe",
        "/Creator": "Microsoft\u00ae Word for Microsoft 365",
        "/Producer": "Microsoft\u00ae Word for Microsoft 365",
        "/CreationDate": "D:20220401120000",  # no zone: the date is all it fixes
        "/ModDate": "D:20220405090000",  # changed four days later
    }
    _save(pdf, PDF / "word_export.pdf", info)


XMP = """<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="uuid:3f1c2a0e-8d7b-4e5f-9a61-2b3c4d5e6f70"
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmp:CreateDate="2022-08-01T10:30:00+03:00">
   <dc:title><rdf:Alt><rdf:li xml:lang="uk">Експорт зерна з Одеси відновлено</rdf:li>
    <rdf:li xml:lang="x-default">Grain exports resume from Odesa</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>Maria Schmidt</rdf:li></rdf:Seq></dc:creator>
   <dc:language><rdf:Bag><rdf:li>en-GB</rdf:li></rdf:Bag></dc:language>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""


def make_xmp_article() -> None:
    """A PDF made by its author, whose document info and XMP agree."""
    pdf = _pdf()
    pdf.add_page()
    pdf.set_xy(20, 20)
    _paragraph(pdf, "Grain exports resume from Odesa", size=18, style="B", gap=5)
    _paragraph(pdf, "By MARIA SCHMIDT", size=10, gap=6)
    _paragraph(
        pdf,
        "The first ship carrying Ukrainian grain since the invasion left the port of Odesa on Monday morning "
        "under a deal brokered by Turkey and the United Nations, port officials said.",
    )
    info = {
        "/Title": "Grain exports resume from Odesa",
        "/Author": "MARIA SCHMIDT",
        "/Producer": "LibreOffice 7.3",
        "/CreationDate": "D:20220801103000+03'00'",
    }
    _save(pdf, PDF / "xmp_article.pdf", info, lang="en-GB", xmp=XMP)


def make_encrypted() -> None:
    """One PDF that needs a password, and one that is encrypted only to restrict printing."""
    for name, user in (("encrypted.pdf", "secret"), ("owner_only.pdf", "")):
        reader = PdfReader(PDF / "word_export.pdf")
        writer = PdfWriter(clone_from=reader)
        writer.encrypt(user_password=user, owner_password="owner-pass", algorithm="AES-128")
        with (PDF / name).open("wb") as file:
            writer.write(file)


def make_broken_pdfs() -> None:
    data = (PDF / "browser_print.pdf").read_bytes()
    # Cut early, the fonts' Unicode maps are gone and the text is glyph ids; cut late (an
    # interrupted download), only the document info and the cross-reference table are.
    (PDF / "truncated.pdf").write_bytes(data[: len(data) * 2 // 5])
    (PDF / "truncated_late.pdf").write_bytes(data[: len(data) * 9 // 10])
    (PDF / "not_a_pdf.pdf").write_bytes(b"%PDF-1.7\n" + b"\x00\xff garbage, not objects \x13\x37" * 40)


# ---------------------------------------------------------------------------------------
# Images
# ---------------------------------------------------------------------------------------


def _pixels(path: Path, fmt: str) -> None:
    image = Image.new("RGB", (48, 32), (96, 72, 48))
    for x in range(48):
        image.putpixel((x, x * 32 // 48), (230, 200, 60))
    image.save(path, fmt, **({"quality": 60} if fmt == "JPEG" else {}))


def _exiftool(path: Path, *args: str) -> None:
    exiftool = shutil.which("exiftool")
    if exiftool is None:
        raise SystemExit("exiftool is needed: apt-get install libimage-exiftool-perl")
    subprocess.run([exiftool, "-q", "-overwrite_original", *args, str(path)], check=True)


CAPTION_AP = (
    "Firefighters work at a damaged apartment building in Kharkiv, Ukraine, Tuesday, March 22, 2022. "
    "(AP Photo/Evgeniy Maloletka)"
)


def make_images() -> None:
    # AP style, as the wire sends it: IPTC in UTF-8 (declared), XMP, and the camera's EXIF.
    path = IMAGE / "ap_utf8.jpg"
    _pixels(path, "JPEG")
    _exiftool(
        path,
        "-charset",
        "iptc=UTF8",
        "-IPTC:CodedCharacterSet=UTF8",
        "-IPTC:By-line=Євген Малолєтка",
        "-XMP-dc:Creator=Євген Малолєтка",
        "-IPTC:Credit=AP",
        "-XMP-photoshop:Credit=AP Photo",
        "-IPTC:Source=AP",
        f"-IPTC:Caption-Abstract={CAPTION_AP}",
        f"-XMP-dc:Description={CAPTION_AP}",
        "-IPTC:Headline=Russia Ukraine War",
        "-IPTC:CopyrightNotice=Copyright 2022 The Associated Press. All rights reserved.",
        "-EXIF:Artist=Evgeniy Maloletka",
        "-EXIF:Copyright=AP",
        "-EXIF:DateTimeOriginal=2022:03:22 14:05:09",
        "-EXIF:OffsetTimeOriginal=+02:00",
        "-IPTC:DateCreated=2022:03:22",
        "-IPTC:TimeCreated=14:05:09+02:00",
    )

    # IPTC written as UTF-8 without saying so (no CodedCharacterSet), as many tools do.
    path = IMAGE / "iptc_utf8_undeclared.jpg"
    _pixels(path, "JPEG")
    _exiftool(
        path,
        "-charset",
        "iptc=UTF8",
        "-IPTC:By-line=Євген Малолєтка",
        "-IPTC:Credit=AP",
        "-IPTC:Caption-Abstract=Зруйнований житловий будинок у Харкові.",
    )

    # Old-style IPTC in Latin-1, undeclared; EXIF with no offset, IPTC time with one.
    path = IMAGE / "reuters_latin1.tif"
    _pixels(path, "TIFF")
    _exiftool(
        path,
        "-charset",
        "iptc=Latin",
        "-IPTC:By-line=JOSÉ MÜLLER",
        "-IPTC:Credit=REUTERS",
        "-IPTC:Caption-Abstract=Residents queue for bread in Kharkiv, Ukraine, March 22, 2022.",
        "-IPTC:ObjectName=UKRAINE-CRISIS/KHARKIV",
        "-EXIF:DateTimeOriginal=2022:03:22 09:41:00",
        "-IPTC:DateCreated=2022:03:22",
        "-IPTC:TimeCreated=09:41:00+02:00",
    )

    # Getty style, XMP only (as PNG carries it).
    path = IMAGE / "getty_xmp.png"
    _pixels(path, "PNG")
    _exiftool(
        path,
        "-XMP-dc:Creator=Chris McGrath",
        "-XMP-photoshop:Credit=Getty Images",
        "-XMP-photoshop:Source=Getty Images Europe",
        "-XMP-dc:Description=Smoke rises over the city of Irpin, Ukraine, on March 22, 2022.",
        "-XMP-photoshop:Headline=Irpin under fire",
        "-XMP-photoshop:DateCreated=2022:03:22 10:00:00+02:00",
        "-XMP-dc:Rights=2022 Getty Images",
    )

    # AFP style: the agency only in the By-line ("NAME/AFP"); the camera gives no zone.
    path = IMAGE / "afp_byline.webp"
    _pixels(path, "WEBP")
    _exiftool(
        path,
        "-XMP-dc:Creator=ARIS MESSINIS/AFP",
        "-XMP-dc:Rights=© 2022 AFP",
        "-EXIF:DateTimeOriginal=2022:03:22 16:20:00",
    )

    # A camera's defaults and nothing else: owner "CANON USER", "OLYMPUS DIGITAL CAMERA",
    # a clock never set; only the copyright says whose the picture is.
    path = IMAGE / "camera_defaults.jpg"
    _pixels(path, "JPEG")
    _exiftool(
        path,
        "-EXIF:Artist=CANON USER",
        "-EXIF:ImageDescription=OLYMPUS DIGITAL CAMERA         ",
        "-EXIF:Copyright=© 2022 Reuters",
        "-EXIF:DateTimeOriginal#=0000:00:00 00:00:00",  # "#": as is, unchecked
    )

    # IPTC and XMP copies that disagree on the photographer: one of them was edited later.
    path = IMAGE / "conflict.jpg"
    _pixels(path, "JPEG")
    _exiftool(
        path,
        "-IPTC:By-line=Felipe Dana",
        "-XMP-dc:Creator=Vadim Ghirda",
        "-IPTC:Credit=AP",
        "-IPTC:Caption-Abstract=A woman walks past a destroyed building in Borodyanka, Ukraine.",
    )

    # Damaged: cut in the middle of the picture; an EXIF segment of garbage; not an image.
    data = (IMAGE / "ap_utf8.jpg").read_bytes()
    (IMAGE / "truncated.jpg").write_bytes(data[: len(data) - 400])
    (IMAGE / "garbage_exif.jpg").write_bytes(_garbage_exif_jpeg())
    (IMAGE / "not_an_image.jpg").write_bytes(b"<html><body>Not found</body></html>\n")
    png = BytesIO()
    Image.new("RGB", (8, 8)).save(png, "PNG")
    (IMAGE / "truncated_header.png").write_bytes(png.getvalue()[:20])


def _garbage_exif_jpeg() -> bytes:
    """A JPEG whose APP1 "Exif" segment holds a TIFF header pointing nowhere and noise."""
    out = BytesIO()
    Image.new("RGB", (16, 16), (10, 20, 30)).save(out, "JPEG", quality=50)
    jpeg = out.getvalue()
    payload = b"Exif\x00\x00" + b"II*\x00" + b"\xff\xff\xff\x7f" + bytes(range(256)) * 2
    segment = b"\xff\xe1" + (len(payload) + 2).to_bytes(2, "big") + payload
    return jpeg[:2] + segment + jpeg[2:]


def main() -> None:
    PDF.mkdir(exist_ok=True)
    IMAGE.mkdir(exist_ok=True)
    make_browser_print()
    make_word_export()
    make_xmp_article()
    make_encrypted()
    make_broken_pdfs()
    make_images()
    for path in sorted([*PDF.iterdir(), *IMAGE.iterdir()]):
        if path.suffix != ".json":
            size = path.stat().st_size
            assert size < 50_000, f"{path.name} is {size} bytes"
            print(f"{size:>7}  {path.relative_to(DATA)}")


if __name__ == "__main__":
    main()
