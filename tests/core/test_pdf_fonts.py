"""The PDF's print fonts (core.fonts): Noto CJK cut down to the characters plans are written
in, built once per host, declared to WeasyPrint with @font-face, with the full font behind them
for any other character."""

import logging
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from core import fonts
from core.fonts import PRINT_FONTS, PrintFont
from core.pdf import RefusedURL, _fetcher, print_stylesheet, render_pdf

POPPLER = all(shutil.which(tool) for tool in ("pdftotext", "pdffonts"))
needs_poppler = pytest.mark.skipif(
    not POPPLER, reason="poppler-utils (pdftotext, pdffonts) is not installed"
)
DEJAVU = fonts.find_source(PrintFont("t", 400, "DejaVu Sans", ("DejaVuSans.ttf",), "t.ttf"))
needs_dejavu = pytest.mark.skipif(DEJAVU is None, reason="DejaVu Sans is not installed")
needs_print_fonts = pytest.mark.skipif(
    len(fonts.built_fonts()) < len(PRINT_FONTS),
    reason="the print fonts are not built here (`make fonts` builds them; CI always does)",
)


def pdf_fonts(pdf: bytes, tmp_path: Path) -> list[str]:
    """The names of the fonts embedded in the PDF, without their subset prefix."""
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    listing = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout
    return sorted(line.split()[0].split("+", 1)[-1] for line in listing.splitlines()[2:])


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "text.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


# --- the character set --------------------------------------------------------------------------


def test_the_print_characters_are_gb2312_with_latin_punctuation_units_and_symbols():
    kept = fonts.print_characters()

    # GB 2312's hanzi, Latin, full-width and CJK punctuation, units, circled numbers, warnings
    samples = ("绿色发展行动方案", "ABCxyz0123", "，。、；：（）《》【】", "㎡℃‰±≤≥", "①⑩Ⅳ", "⚠✓")
    for text in samples:
        assert all(ord(char) in kept for char in text), text
    # characters outside GB 2312 (often in names) are left to the full font
    assert not {ord(char) for char in "喆堃玥"} & kept
    assert 9_000 < len(kept) < 12_000


# --- building -----------------------------------------------------------------------------------


def fake_sources(folder: Path) -> Path:
    """A font folder holding a file for every print font's source (contents irrelevant)."""
    for font in PRINT_FONTS:
        (folder / font.source_files[0]).write_bytes(b"font " + font.filename.encode())
    return folder


def test_a_font_is_built_when_missing_or_stale_and_kept_otherwise(tmp_path, monkeypatch):
    # given a folder of source fonts (stand-ins) and an empty build folder
    (tmp_path / "src").mkdir()
    sources = fake_sources(tmp_path / "src")
    built = tmp_path / "built"
    built.mkdir()
    monkeypatch.setattr(
        fonts, "subset_font", lambda font, source, target: target.write_bytes(b"subset")
    )

    # then every font is to be built, and none once built
    todo, missing = fonts.fonts_to_build(built, dirs=(sources,))
    assert [font for font, _source in todo] == list(PRINT_FONTS) and missing == []
    fonts.build_fonts(built, workers=1, dirs=(sources,))
    assert fonts.fonts_to_build(built, dirs=(sources,)) == ([], [])

    # when one source changes (a font package upgrade) and another font file is deleted
    serif = sources / PRINT_FONTS[0].source_files[0]
    serif.write_bytes(b"a newer, longer font")
    os.utime(serif, (1, 1))
    (built / PRINT_FONTS[3].filename).unlink()

    # then those two are built again
    todo, _missing = fonts.fonts_to_build(built, dirs=(sources,))
    assert [font for font, _source in todo] == [PRINT_FONTS[0], PRINT_FONTS[3]]

    # and with no source installed, the fonts are reported missing rather than built
    todo, missing = fonts.fonts_to_build(built, dirs=(tmp_path / "nowhere",))
    assert todo == [] and missing == list(PRINT_FONTS)


def test_build_fonts_reports_what_it_built_and_what_it_kept(tmp_path, monkeypatch):
    (tmp_path / "src").mkdir()
    sources = fake_sources(tmp_path / "src")
    built = tmp_path / "built"

    def fake_subset(font, source, target):
        target.write_bytes(source.read_bytes())
        return target.stat().st_size

    monkeypatch.setattr(fonts, "subset_font", fake_subset)

    first = fonts.build_fonts(built, workers=1, dirs=(sources,))
    second = fonts.build_fonts(built, workers=1, dirs=(sources,))

    assert sorted(first["built"]) == sorted(f.filename for f in PRINT_FONTS)
    assert first["missing"] == [] and second["built"] == {}
    assert sorted(second["kept"]) == sorted(f.filename for f in PRINT_FONTS)


@needs_dejavu
def test_subsetting_keeps_only_the_print_characters(tmp_path):
    from fontTools.ttLib import TTFont

    # given a real font (DejaVu Sans: Latin, symbols, no hanzi)
    font = PrintFont("Test Sans", 400, "DejaVu Sans", ("DejaVuSans.ttf",), "TestSans.ttf")
    target = tmp_path / font.filename
    dropped = {ord(char) for char in "ԱՖא"}  # Armenian and Hebrew, which DejaVu Sans has
    assert dropped <= set(TTFont(str(DEJAVU)).getBestCmap())

    # when it is cut down
    size = fonts.subset_font(font, DEJAVU, target)

    # then it is smaller, keeps Latin, GB 2312's Greek and the kept symbols, and drops the rest
    # (Armenian, Hebrew)
    assert 0 < size < DEJAVU.stat().st_size
    cmap = TTFont(str(target)).getBestCmap()
    assert all(ord(char) in cmap for char in "Az09%⚠Ωα")
    assert not dropped & set(cmap)
    assert [path.name for path in tmp_path.iterdir()] == [font.filename]
    assert target.stat().st_mode & 0o777 == 0o644


# --- using them ---------------------------------------------------------------------------------


def test_the_stylesheet_declares_the_built_fonts_only(settings, tmp_path):
    # without built fonts: no @font-face, print.css names the full Noto CJK fonts next
    settings.PDF_FONT_DIR = str(tmp_path)
    assert "@font-face {" not in print_stylesheet()
    assert '"Print Serif SC", "Noto Serif CJK SC", serif' in print_stylesheet()

    # with one built: its rule, read through the fetcher's pdf-font: scheme
    (tmp_path / PRINT_FONTS[0].filename).write_bytes(b"font")
    css = print_stylesheet()
    assert css.count("@font-face {") == 1 and css.startswith("@font-face {")
    assert f'src: url("pdf-font:{PRINT_FONTS[0].filename}")' in css


def test_the_fetcher_reads_the_print_fonts_and_nothing_else_by_that_scheme(settings, tmp_path):
    settings.PDF_FONT_DIR = str(tmp_path)
    (tmp_path / PRINT_FONTS[0].filename).write_bytes(b"the font")
    (tmp_path / "secret.txt").write_text("not a font")
    fetcher = _fetcher()

    assert fetcher.fetch(f"pdf-font:{PRINT_FONTS[0].filename}").read() == b"the font"
    for name in ("secret.txt", "../secret.txt", "/etc/hostname", "%2E%2E/secret.txt"):
        with pytest.raises(RefusedURL):
            fetcher.fetch(f"pdf-font:{name}")


@needs_poppler
def test_without_built_fonts_the_pdf_uses_the_full_noto_fonts(settings, tmp_path, caplog):
    settings.PDF_FONT_DIR = str(tmp_path / "none")

    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        pdf, pages = render_pdf("<h2>绿色发展</h2><p>园区概况 2020 年</p>")

    assert pages == 1
    assert pdf_fonts(pdf, tmp_path) == ["Noto-Sans-CJK-SC-Bold", "Noto-Serif-CJK-SC"]
    assert "园区概况" in pdf_text(pdf, tmp_path)
    assert caplog.records == []


@needs_poppler
@needs_print_fonts
def test_with_built_fonts_the_pdf_embeds_them_and_a_rare_character_comes_from_noto(
    tmp_path, caplog
):
    # a heading and a paragraph in GB 2312: only the print fonts
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        pdf, _pages = render_pdf("<h2>绿色发展</h2><p>园区概况 2020 年，⚠ 单位：㎡</p>")
    assert pdf_fonts(pdf, tmp_path) == ["Print-Sans-SC-Bold", "Print-Serif-SC"]

    # a name with a character outside GB 2312: drawn from the full Noto font, text intact
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        pdf, _pages = render_pdf("<p>联系人：张喆</p>")
    assert pdf_fonts(pdf, tmp_path) == ["Noto-Serif-CJK-SC", "Print-Serif-SC"]
    assert "联系人：张喆" in pdf_text(pdf, tmp_path)
    assert caplog.records == []
