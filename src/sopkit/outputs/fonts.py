"""The typeface of every PDF sopkit makes (wall cards, archival copies): Inter.

Why Inter (``fontpkg-inter`` on PyPI; rsms/inter, SIL Open Font License): its
zero is a plain oval, which Norwegian readers cannot take for Ø (Atkinson
Hyperlegible, used before, slashes its zero and has no plain one: "6.00" read
as "6.ØØ"); with its alternates ``cv05`` (l with a tail) and ``cv08`` (I with
serifs) 1, l and I differ too; it has every Norwegian letter and the
punctuation and symbols a procedure uses; it is actively maintained.

The package ships variable fonts only. WeasyPrint makes a static instance of a
variable font for each document it writes, which takes seconds. So sopkit makes
the static fonts once, with fontTools: the characters of :data:`UNICODES`,
weights 400 and 700, upright and italic, optical size 18 (the body text of a card;
Inter is a little wider than Atkinson Hyperlegible at its text size 14), with the l and
I of ``cv05`` and ``cv08`` made the default glyphs (in the font's character
map, so they hold whatever the renderer does with features). They are kept in a
cache folder (``$SOPKIT_FONT_CACHE``, else ``$XDG_CACHE_HOME/sopkit/fonts`` or
``~/.cache/sopkit/fonts``) under a key of the font package's version, fontTools'
version and this recipe: made once per machine, then shared by every project.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

import fontpkg_inter as font_package

FAMILY: str = font_package.FAMILY
PACKAGE_DIR = Path(font_package.ROOT)
SOURCES = {"normal": "Inter[opsz,wght].ttf", "italic": "Inter-Italic[opsz,wght].ttf"}
FACES: tuple[tuple[int, str], ...] = ((400, "normal"), (700, "normal"),
                                      (400, "italic"), (700, "italic"))
OPTICAL_SIZE = 18.0
# Character -> the feature whose glyph becomes its default.
ALTERNATES = {"l": "cv05", "I": "cv08"}
# Latin with its extensions, Greek (µ, Ω), punctuation, super- and subscripts,
# currency, letterlike symbols, number forms, arrows, mathematical operators,
# geometric shapes.
UNICODES: tuple[tuple[int, int], ...] = (
    (0x0020, 0x007E), (0x00A0, 0x024F), (0x0370, 0x03FF), (0x2000, 0x206F),
    (0x2070, 0x209F), (0x20A0, 0x20CF), (0x2100, 0x214F), (0x2150, 0x218F),
    (0x2190, 0x21FF), (0x2200, 0x22FF), (0x25A0, 0x25FF),
)
# The OpenType features kept: those a text renderer applies by default. The others
# (stylistic sets, fractions...) only make every PDF's font subsetting slower.
FEATURES = ("calt", "ccmp", "clig", "kern", "liga", "locl", "mark", "mkmk", "rclt", "rlig")
RECIPE = f"4|{SOURCES}|{FACES}|{OPTICAL_SIZE}|{ALTERNATES}|{UNICODES}|{FEATURES}"


def font_version() -> str:
    """What the fonts are made from and how (for cache keys of the PDFs)."""
    metadata = (PACKAGE_DIR / "metadata.json").read_text(encoding="utf-8")
    return f"{metadata}|fonttools=={version('fonttools')}|{RECIPE}"


def face_name(weight: int, style: str) -> str:
    return f"{FAMILY}-{weight}-{style}.ttf"


@lru_cache(maxsize=1)
def font_dir() -> Path:
    """The folder of the static fonts, made now if they are not there yet."""
    key = hashlib.sha256(font_version().encode()).hexdigest()[:16]
    folder = _cache_root() / key
    missing = [face for face in FACES if not (folder / face_name(*face)).is_file()]
    if missing:
        folder.mkdir(parents=True, exist_ok=True)
        for style in sorted({style for _, style in missing}):
            weights = [weight for weight, s in missing if s == style]
            _make(style, weights, folder)
    return folder


def font_files() -> dict[tuple[int, str], Path]:
    """(weight, style) -> the static font file."""
    folder = font_dir()
    return {face: folder / face_name(*face) for face in FACES}


def _cache_root() -> Path:
    if configured := os.environ.get("SOPKIT_FONT_CACHE"):
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    root = Path(base) / "sopkit" / "fonts"
    try:
        root.mkdir(parents=True, exist_ok=True)
        probe = tempfile.NamedTemporaryFile(dir=root)  # noqa: SIM115
        probe.close()
    except OSError:  # e.g. a read-only home: a folder of our own in the temporary folder
        root = Path(tempfile.gettempdir()) / f"sopkit-fonts-{os.getuid()}"
        try:
            root.mkdir(mode=0o700, exist_ok=True)
            status = root.lstat()
            if status.st_uid != os.getuid() or status.st_mode & 0o077 or root.is_symlink():
                raise PermissionError(root)  # another user's: never trust its fonts
        except OSError:
            root = Path(tempfile.mkdtemp(prefix="sopkit-fonts-"))
    return root


def _make(style: str, weights: list[int], folder: Path) -> None:
    """Subset the variable font once, then write an instance per weight (atomically:
    processes making the same font at once each write a whole file)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont
    from fontTools.varLib.instancer import instantiateVariableFont

    source = TTFont(PACKAGE_DIR / "files" / SOURCES[style], recalcTimestamp=False)
    _make_alternates_default(source)  # before the features that hold them go
    options = subset.Options()
    options.layout_features = list(FEATURES)
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.glyph_names = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[c for first, last in UNICODES for c in range(first, last + 1)])
    subsetter.subset(source)
    for weight in weights:
        instance = instantiateVariableFont(source, {"wght": weight, "opsz": OPTICAL_SIZE})
        instance.recalcTimestamp = False  # the same bytes on every machine
        target = folder / face_name(weight, style)
        with tempfile.NamedTemporaryFile(dir=folder, suffix=".tmp", delete=False) as out:
            instance.save(out)
        os.chmod(out.name, 0o644)
        os.replace(out.name, target)


def _make_alternates_default(font: object) -> None:
    """Map each character of :data:`ALTERNATES` to its feature's glyph."""
    gsub = font["GSUB"].table  # type: ignore[index]
    lookups = gsub.LookupList.Lookup
    substitutes: dict[str, dict[str, str]] = {}
    for record in gsub.FeatureList.FeatureRecord:
        if record.FeatureTag in ALTERNATES.values():
            for index in record.Feature.LookupListIndex:
                for table in lookups[index].SubTable:
                    substitutes.setdefault(record.FeatureTag, {}).update(
                        getattr(table, "mapping", {}))
    for table in font["cmap"].tables:  # type: ignore[index]
        for char, feature in ALTERNATES.items():
            glyph = table.cmap.get(ord(char))
            if glyph is not None and glyph in substitutes.get(feature, {}):
                table.cmap[ord(char)] = substitutes[feature][glyph]
