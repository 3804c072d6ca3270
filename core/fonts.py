"""The PDF's fonts: Noto CJK cut down to the characters plans are written in.

Debian's Noto CJK fonts are collections of about 65,000 glyphs (20-27 MB a file, every weight
and region in one file). WeasyPrint copies the whole file of every font a document uses into
memory and subsets it when it writes the PDF: for the four faces of a plan (serif and sans,
regular and bold) that is about 90 MB held and 170 MB at the peak, of the ~400 MB a full plan
took. So `manage.py build_pdf_fonts` (run by `make setup`, the Docker build and CI) cuts each
face down once, with fontTools, to print_characters(): GB 2312 (its 6,763 hanzi are the
characters of everyday modern text) with Latin, punctuation, units, circled numbers and
symbols. The results, ~4 MB each, are declared to WeasyPrint with @font-face under their own
family names (PRINT_FONTS); print.css names them first and the full Noto CJK family second, so a
character outside the subset (a rare character in a name) is drawn from the full font: the same
design, as the subset was cut from it. Without built fonts the PDF uses the full fonts: the same
pages, slower and bigger in memory.

The files are build products, like compiled translations: each host builds its own into
PDF_FONT_DIR; they are never user data and never go through the file storage.
"""

import hashlib
import json
import os
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings

# Where Debian (fonts-noto-cjk), other distributions and users keep font files.
FONT_DIRS = (
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".local" / "share" / "fonts",
    Path.home() / ".fonts",
)
# Bump when the subsetting options change (a change of the characters is noticed by itself):
# every font is rebuilt.
SUBSET_VERSION = 1
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class PrintFont:
    family: str  # the @font-face family print.css names
    weight: int
    source_family: str  # the face cut from the collection
    source_files: tuple[str, ...]  # its file names, collection (Debian) or single face
    filename: str  # the built file in PDF_FONT_DIR

    def css(self) -> str:
        return (
            f'@font-face {{ font-family: "{self.family}"; font-weight: {self.weight}; '
            f'src: url("{FONT_SCHEME}{self.filename}"); }}'
        )


FONT_SCHEME = "pdf-font:"
PRINT_FONTS = (
    PrintFont(
        "Print Serif SC",
        400,
        "Noto Serif CJK SC",
        ("NotoSerifCJK-Regular.ttc", "NotoSerifCJKsc-Regular.otf"),
        "PrintSerifSC-Regular.otf",
    ),
    PrintFont(
        "Print Serif SC",
        700,
        "Noto Serif CJK SC",
        ("NotoSerifCJK-Bold.ttc", "NotoSerifCJKsc-Bold.otf"),
        "PrintSerifSC-Bold.otf",
    ),
    PrintFont(
        "Print Sans SC",
        400,
        "Noto Sans CJK SC",
        ("NotoSansCJK-Regular.ttc", "NotoSansCJKsc-Regular.otf"),
        "PrintSansSC-Regular.otf",
    ),
    PrintFont(
        "Print Sans SC",
        700,
        "Noto Sans CJK SC",
        ("NotoSansCJK-Bold.ttc", "NotoSansCJKsc-Bold.otf"),
        "PrintSansSC-Bold.otf",
    ),
)
FONTS_BY_FILENAME = {font.filename: font for font in PRINT_FONTS}

# Unicode blocks kept whole besides GB 2312: punctuation, letter-like symbols (℃ №), number
# forms (Ⅰ Ⅱ), arrows, mathematical operators (≤ ≥ ±), enclosed numbers (① ⑴ ⒈), box drawing,
# geometric shapes (■ ○), miscellaneous symbols and dingbats (⚠ ✓), CJK symbols
# and punctuation, enclosed CJK (㈠), CJK compatibility units (㎡ ㎏ ㎞), vertical and small forms,
# full-width forms.
KEPT_BLOCKS = (
    (0x0020, 0x007E),
    (0x00A0, 0x017F),
    (0x2000, 0x206F),
    (0x2070, 0x209F),
    (0x2100, 0x218F),
    (0x2190, 0x21FF),
    (0x2200, 0x22FF),
    (0x2460, 0x24FF),
    (0x2500, 0x257F),
    (0x25A0, 0x25FF),
    (0x2600, 0x27BF),
    (0x3000, 0x303F),
    (0x3200, 0x32FF),
    (0x3300, 0x33FF),
    (0xFE10, 0xFE1F),
    (0xFE30, 0xFE4F),
    (0xFF00, 0xFFEF),
)


def print_characters() -> set[int]:
    """The code points the built fonts keep: every character GB 2312 encodes, and KEPT_BLOCKS."""
    kept = {code for start, end in KEPT_BLOCKS for code in range(start, end + 1)}
    for code in range(0x80, 0x10000):
        try:
            chr(code).encode("gb2312")
        except UnicodeEncodeError:
            continue
        kept.add(code)
    return kept


def font_dir() -> Path:
    return Path(settings.PDF_FONT_DIR)


def built_fonts() -> list[PrintFont]:
    """The print fonts built in PDF_FONT_DIR (none on a host that never ran build_pdf_fonts)."""
    directory = font_dir()
    return [font for font in PRINT_FONTS if (directory / font.filename).is_file()]


def font_face_css() -> str:
    """@font-face rules for the built print fonts, for the PDF's stylesheet."""
    return "\n".join(font.css() for font in built_fonts())


def read_font(filename: str) -> bytes:
    """A built print font's bytes; KeyError for a name that is not one of PRINT_FONTS."""
    font = FONTS_BY_FILENAME[filename]
    return (font_dir() / font.filename).read_bytes()


# --- building ---------------------------------------------------------------------------------


def find_source(font: PrintFont, dirs=FONT_DIRS) -> Path | None:
    """The installed file `font` is cut from: the first of its file names found under `dirs`."""
    for name in font.source_files:
        for directory in dirs:
            if directory.is_dir():
                found = next(directory.rglob(name), None)
                if found:
                    return found
    return None


@lru_cache(maxsize=1)
def _characters_digest() -> str:
    codes = ",".join(str(code) for code in sorted(print_characters()))
    return hashlib.sha256(codes.encode()).hexdigest()[:16]


def _stamp(source: Path) -> dict:
    """What a built font was built from: its source file, the characters and the options."""
    stat = source.stat()
    return {
        "source": str(source),
        "size": stat.st_size,
        "mtime": int(stat.st_mtime),
        "characters": _characters_digest(),
        "version": SUBSET_VERSION,
    }


def _read_manifest(directory: Path) -> dict:
    try:
        return json.loads((directory / MANIFEST).read_text())
    except (OSError, ValueError):
        return {}


def fonts_to_build(directory: Path, dirs=FONT_DIRS) -> tuple[list, list[PrintFont]]:
    """([(font, source), ...] to build, [fonts whose source is not installed]). A font is rebuilt
    when its file is missing or its source or SUBSET_VERSION changed since it was built."""
    manifest = _read_manifest(directory)
    todo, missing = [], []
    for font in PRINT_FONTS:
        source = find_source(font, dirs)
        if source is None:
            missing.append(font)
        elif not (directory / font.filename).is_file() or manifest.get(font.filename) != _stamp(
            source
        ):
            todo.append((font, source))
    return todo, missing


def subset_font(font: PrintFont, source: Path, target: Path) -> int:
    """Cut `font.source_family` out of `source` (a collection or a single face) down to
    print_characters(), keeping its layout features (vertical forms, proportional punctuation),
    and write it to `target` (atomically). Returns the size written."""
    from fontTools import subset
    from fontTools.ttLib import TTCollection, TTFont

    index = 0
    if source.suffix.lower() in (".ttc", ".otc"):
        collection = TTCollection(str(source), lazy=True)
        names = [face["name"].getDebugName(1) for face in collection.fonts]
        index = names.index(font.source_family)
    face = TTFont(str(source), fontNumber=index)
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.glyph_names = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=print_characters())
    subsetter.subset(face)
    with _replacing(target) as partial:
        face.save(str(partial))
    return target.stat().st_size


@contextmanager
def _replacing(target: Path):
    """A temporary file beside `target`, of its own name (two builds into one folder never share
    one), that replaces `target` when the block succeeds and is removed when it fails. The result
    is readable by all, like an installed font (the image builds as root, the worker runs as
    another user)."""
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(handle)
    partial = Path(name)
    try:
        yield partial
        partial.chmod(0o644)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)


def _build_one(args) -> tuple[str, int]:
    font, source, directory = args
    return font.filename, subset_font(font, source, directory / font.filename)


def build_fonts(directory: Path, workers: int = 2, dirs=FONT_DIRS) -> dict:
    """Build the print fonts that are missing or stale into `directory`, `workers` at a time.
    Returns {"built": {filename: size}, "kept": [...], "missing": [source families]}."""
    from concurrent.futures import ProcessPoolExecutor

    directory.mkdir(parents=True, exist_ok=True)
    todo, missing = fonts_to_build(directory, dirs)
    jobs = [(font, source, directory) for font, source in todo]
    if workers > 1 and len(jobs) > 1:
        with ProcessPoolExecutor(max_workers=min(workers, len(jobs))) as pool:
            built = dict(pool.map(_build_one, jobs))
    else:
        built = dict(map(_build_one, jobs))
    if todo:
        manifest = _read_manifest(directory)
        manifest.update({font.filename: _stamp(source) for font, source in todo})
        with _replacing(directory / MANIFEST) as partial:
            partial.write_text(json.dumps(manifest, indent=2))
    done = {font.filename for font, _s in todo}
    return {
        "built": built,
        "kept": [f.filename for f in PRINT_FONTS if f.filename not in done and f not in missing],
        "missing": sorted({f.source_family for f in missing}),
    }
