"""The files procedures refer to: figures and attachments in ``procedure/files/<ID>/``.

Each file is read once, and checked before anything is written:

* its name is a plain relative path inside the document's folder: no ``..``,
  no absolute path, no symbolic link that leads out of the folder;
* it is a regular file within the size limit;
* its bytes are what its extension says (sniffed: Pillow opens pictures and
  gives their size in pixels, ``zipfile`` looks inside Office files, PDF and
  text by their first bytes), and its type is allowed where it is used;
* an SVG is parsed with ``defusedxml`` (no entities, no DTD tricks) and must use
  only drawing elements and attributes from an allow-list: no scripts, event
  handlers, links, external references or ``foreignObject``.

The result is a :class:`~sopkit.source.model.StoredFile` per name (with its
SHA-256, which goes into the procedure's fingerprint).
"""

from __future__ import annotations

import hashlib
import io
import re
import stat
import unicodedata
import warnings
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree
from xml.etree.ElementTree import TreeBuilder

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser, fromstring
from PIL import Image, ImageFile

from sopkit.source.model import Procedure, StoredFile

FILES_DIR = "files"
"""``procedure/files/<ID>/`` holds each document's figures and attachments."""

MAX_FIGURE_BYTES = 5 * 1024 * 1024
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_SIDE = 8000
"""The most pixels a picture may have across or down (a screenshot of two screens is 3840)."""
MAX_PIXELS = 40_000_000


class FileProblem(Exception):
    """Why a file cannot be used, and what to do about it."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


@dataclass(frozen=True)
class FileType:
    kind: str
    """As staff know it: 'PNG', 'PDF', 'Word'."""
    media_type: str
    figure: bool
    """Whether it may be shown as a figure (else only attached)."""


TYPES: dict[str, FileType] = {
    "png": FileType("PNG", "image/png", True),
    "jpg": FileType("JPEG", "image/jpeg", True),
    "jpeg": FileType("JPEG", "image/jpeg", True),
    "webp": FileType("WebP", "image/webp", True),
    "svg": FileType("SVG", "image/svg+xml", True),
    "pdf": FileType("PDF", "application/pdf", False),
    "docx": FileType("Word", "application/vnd.openxmlformats-officedocument."
                             "wordprocessingml.document", False),
    "xlsx": FileType("Excel", "application/vnd.openxmlformats-officedocument."
                              "spreadsheetml.sheet", False),
    "pptx": FileType("PowerPoint", "application/vnd.openxmlformats-officedocument."
                                   "presentationml.presentation", False),
    "odt": FileType("ODF-tekst", "application/vnd.oasis.opendocument.text", False),
    "ods": FileType("ODF-regneark", "application/vnd.oasis.opendocument.spreadsheet", False),
    "txt": FileType("Tekst", "text/plain", False),
    "csv": FileType("CSV", "text/csv", False),
}
FIGURE_TYPES = tuple(sorted(ext for ext, t in TYPES.items() if t.figure))

_NAME_PART = re.compile(r"[\w][\w\u0300-\u036f .()+-]*", re.UNICODE)


def folder(procedures: Path, doc_id: str) -> Path:
    """Where a document's files are: ``procedure/files/<ID>/``."""
    return procedures / FILES_DIR / doc_id


def check_name(name: str) -> None:
    """A file name is a plain relative path of ordinary names."""
    if name.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", name):
        raise FileProblem(f"'{name}' is an absolute path",
                          "name the file by its name inside procedure/files/<ID>/")
    parts = name.split("/")
    if "\\" in name or any(part in ("", ".", "..") for part in parts):
        raise FileProblem(f"'{name}' is not a plain path inside the document's folder",
                          "no '..', '.', '\\\\' or empty parts: name the file as it is "
                          "inside procedure/files/<ID>/, e.g. 'skjema.pdf'")
    for part in parts:
        if not _NAME_PART.fullmatch(part) or part.endswith((" ", ".")):
            raise FileProblem(f"'{name}' has characters a file name should not have",
                              "use letters, digits, spaces, '-', '_', '.', '(', ')' and '+'")
    if "." not in parts[-1]:
        raise FileProblem(f"'{name}' has no extension",
                          "add the extension that says what the file is, e.g. '.png'")


def read_file(base: Path, name: str, use: str) -> StoredFile:
    """Read and check the file ``name`` in the document folder ``base``, used as
    ``use`` ('figure' or 'attachment'); raise :class:`FileProblem`."""
    check_name(name)
    path = _on_disk(base, name)
    try:
        real = path.resolve(strict=True)
    except FileNotFoundError:
        raise FileProblem(f"file '{name}' is not in {base}",
                          _missing_hint(base, name)) from None
    except (OSError, RuntimeError) as exc:
        raise FileProblem(f"cannot read '{name}': {exc}") from None
    if not real.is_relative_to(base.resolve()):
        raise FileProblem(f"'{name}' is a link to {real}, outside {base}",
                          "copy the file into the document's folder instead of linking to it")
    try:
        status = real.stat()
        if not stat.S_ISREG(status.st_mode):
            raise FileProblem(f"'{name}' is not a regular file")
        limit = MAX_FIGURE_BYTES if use == "figure" else MAX_ATTACHMENT_BYTES
        if status.st_size > limit:
            raise FileProblem(
                f"'{name}' is {_mb(status.st_size)}; the limit for {_a(use)} is {_mb(limit)}",
                _size_hint(name, use))
        with real.open("rb") as file:
            data = file.read(limit + 1)
    except OSError as exc:
        raise FileProblem(f"cannot read '{name}': {exc.strerror or exc}") from None
    return identify(name, data, use, path=path)


def _on_disk(base: Path, name: str) -> Path:
    """``base / name``, or the file whose name is the same text in another Unicode form
    (macOS writes 'å' as 'a' and a ring)."""
    path = base / name
    if path.exists() or path.is_symlink():
        return path
    wanted = unicodedata.normalize("NFC", name)
    try:
        for found in path.parent.iterdir():
            if unicodedata.normalize("NFC", found.name) == wanted.rsplit("/", 1)[-1]:
                return found
    except OSError:
        pass
    return path


def identify(name: str, data: bytes, use: str, *, path: Path | None = None) -> StoredFile:
    """Check that ``data`` is what ``name``'s extension says and fits ``use``."""
    ext = name.rsplit(".", 1)[-1].lower()
    known = TYPES.get(ext)
    allowed = FIGURE_TYPES if use == "figure" else tuple(sorted(TYPES))
    if known is None or ext not in allowed:
        raise FileProblem(
            f"'{name}': .{ext} files cannot be used as {_a(use)}",
            "allowed: " + ", ".join(f".{e}" for e in allowed)
            + ("" if use == "figure" else "; save old Word and Excel files (.doc, .xls) as "
               ".docx or .xlsx"))
    limit = MAX_FIGURE_BYTES if use == "figure" else MAX_ATTACHMENT_BYTES
    if len(data) > limit:
        raise FileProblem(f"'{name}' is {_mb(len(data))}; the limit is {_mb(limit)}",
                          _size_hint(name, use))
    width, height = _SNIFFERS[known.kind](name, data)
    return StoredFile(name=name, sha256=digest(known.kind, data), size=len(data),
                      kind=known.kind, media_type=known.media_type, width=width,
                      height=height, path=path, data=None if path is not None else data)


TEXT_KINDS = frozenset({"SVG", "Tekst", "CSV"})


def digest(kind: str, data: bytes) -> str:
    """A file's SHA-256, of text files (SVG, text, CSV) with LF line endings: git may
    check them out with CRLF (Windows), and that is the same file."""
    if kind in TEXT_KINDS:
        data = data.replace(b"\r\n", b"\n")
    return hashlib.sha256(data).hexdigest()


Size = tuple[int | None, int | None]


_FORMATS = {"PNG": ("PNG",), "JPEG": ("JPEG", "MPO"), "WEBP": ("WEBP",)}
"""Pillow's names for each type; a camera's multi-picture JPEG (MPO) is a JPEG."""
_ORIENTATION = 0x0112
"""The EXIF tag that turns a photo; 5-8 turn it a quarter, so it is shown on its side."""


def _raster(fmt: str) -> Callable[[str, bytes], Size]:
    def sniff(name: str, data: bytes) -> Size:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                with Image.open(io.BytesIO(data)) as image:
                    found, (width, height) = image.format, image.size
                    turned = image.getexif().get(_ORIENTATION) in (5, 6, 7, 8)
        except Image.DecompressionBombWarning:
            raise FileProblem(f"'{name}' has too many pixels",
                              _pixels_hint()) from None
        except Exception as exc:  # Pillow raises many kinds for what it cannot read
            raise FileProblem(
                f"'{name}' is not a {_KIND[fmt]} picture ({_what(data)})",
                "save the picture again in its format, or give it the extension of "
                "what it is") from exc
        if found not in _FORMATS[fmt]:
            ext = {"JPEG": "jpg", "MPO": "jpg"}.get(str(found), str(found).lower())
            allowed = ext in FIGURE_TYPES
            raise FileProblem(
                f"'{name}' is a {found} picture, not {_KIND[fmt]}",
                f"rename it to end in .{ext}" if allowed else
                f"save it as PNG or JPEG ({found} pictures are not shown everywhere)")
        if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
            raise FileProblem(f"'{name}' is {width} × {height} pixels", _pixels_hint())
        lenient = ImageFile.LOAD_TRUNCATED_IMAGES  # WeasyPrint sets it for the whole process
        try:  # decode it all: a cut-off file opens, but shows only its top
            ImageFile.LOAD_TRUNCATED_IMAGES = False
            with Image.open(io.BytesIO(data)) as image:
                image.load()
        except Exception as exc:
            raise FileProblem(f"'{name}' is a damaged {_KIND[fmt]} picture ({exc})",
                              "save or export the picture again") from exc
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = lenient
        return (height, width) if turned else (width, height)
    return sniff


_KIND = {"PNG": "PNG", "JPEG": "JPEG", "WEBP": "WebP"}


def _pixels_hint() -> str:
    return (f"the limit is {MAX_SIDE} pixels across or down and {MAX_PIXELS // 1_000_000} "
            "million in all; scale the picture down (a screenshot of one screen is enough)")


def _pdf(name: str, data: bytes) -> Size:
    if not data[:1024].lstrip().startswith(b"%PDF-"):
        raise FileProblem(f"'{name}' is not a PDF ({_what(data)})",
                          "export the document as PDF again, or give it the right extension")
    return None, None


_OFFICE = {
    "docx": ("word/document.xml", None),
    "xlsx": ("xl/workbook.xml", None),
    "pptx": ("ppt/presentation.xml", None),
    "odt": ("content.xml", b"application/vnd.oasis.opendocument.text"),
    "ods": ("content.xml", b"application/vnd.oasis.opendocument.spreadsheet"),
}


def _office(kind_ext: str) -> Callable[[str, bytes], Size]:
    def sniff(name: str, data: bytes) -> Size:
        ext = name.rsplit(".", 1)[-1].lower()
        part, mimetype = _OFFICE[ext]
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
                mime = archive.read("mimetype") if "mimetype" in names else None
        except (zipfile.BadZipFile, KeyError, OSError, ValueError):
            raise FileProblem(f"'{name}' is not a .{ext} file ({_what(data)})",
                              "save it again from its program in that format, or give it "
                              "the extension of what it is") from None
        if part not in names or (mimetype is not None and mime != mimetype):
            raise FileProblem(f"'{name}' is not a .{ext} file (a ZIP archive of something "
                              "else)", "save it again from its program in that format")
        if any(n.lower().endswith("vbaproject.bin") or n.lower().startswith("basic/")
               for n in names):
            raise FileProblem(f"'{name}' contains macros",
                              "save it without macros (e.g. as .docx or .xlsx, not .docm)")
        return None, None
    return sniff


def _text(name: str, data: bytes) -> Size:
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileProblem(f"'{name}' is not UTF-8 text ({_what(data)})",
                          "save it as UTF-8 text, or give it the extension of what it is"
                          ) from None
    if b"\0" in data:
        raise FileProblem(f"'{name}' is not text (it has NUL bytes)")
    return None, None


# ---------------------------------------------------------------- SVG

_SVG = "{http://www.w3.org/2000/svg}"
_XLINK = "{http://www.w3.org/1999/xlink}"
SVG_ELEMENTS = frozenset({
    "svg", "g", "defs", "title", "desc", "metadata", "symbol", "use", "path", "rect",
    "circle", "ellipse", "line", "polyline", "polygon", "text", "tspan", "textPath",
    "marker", "linearGradient", "radialGradient", "stop", "clipPath", "mask", "pattern",
    "switch", "filter", "feGaussianBlur", "feOffset", "feBlend", "feMerge", "feMergeNode",
    "feFlood", "feComposite", "feColorMatrix", "feDropShadow", "feMorphology",
})
"""Drawing elements (and the filters drawing programs use for shadows). Not allowed,
among others: script, foreignObject, image, feImage, a, style, iframe, animate and set
(which can change a link)."""
EDITOR_NAMESPACES = frozenset({
    "http://www.inkscape.org/namespaces/inkscape",
    "http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "http://purl.org/dc/elements/1.1/",
    "http://creativecommons.org/ns#",
})
"""What drawing programs (Inkscape) add beside the drawing; nothing draws it."""
SVG_ATTRIBUTES = frozenset({
    "id", "class", "style", "transform", "viewBox", "width", "height", "x", "y", "x1", "y1",
    "x2", "y2", "cx", "cy", "r", "rx", "ry", "d", "points", "fill", "fill-opacity",
    "fill-rule", "stroke", "stroke-width", "stroke-opacity", "stroke-linecap",
    "stroke-linejoin", "stroke-dasharray", "stroke-dashoffset", "stroke-miterlimit",
    "opacity", "font-family", "font-size", "font-weight", "font-style", "text-anchor",
    "dominant-baseline", "alignment-baseline", "letter-spacing", "dx", "dy", "rotate",
    "textLength", "lengthAdjust", "preserveAspectRatio", "version", "href",
    "markerWidth", "markerHeight", "refX", "refY", "orient", "markerUnits", "offset",
    "stop-color", "stop-opacity", "gradientUnits", "gradientTransform", "spreadMethod",
    "fx", "fy", "clip-path", "clip-rule", "clipPathUnits", "mask", "maskUnits",
    "patternUnits", "patternTransform", "patternContentUnits", "marker-start",
    "marker-mid", "marker-end", "visibility", "display", "color", "vector-effect",
    "shape-rendering", "text-rendering", "startOffset", "role", "aria-label",
    "aria-labelledby", "aria-hidden", "focusable", "baseProfile", "content",
    "requiredFeatures", "requiredExtensions", "systemLanguage", "filter", "filterUnits",
    "primitiveUnits", "in", "in2", "result", "stdDeviation", "mode", "flood-color",
    "flood-opacity", "operator", "k1", "k2", "k3", "k4", "values", "type", "radius",
    "pointer-events", "font-variant", "text-decoration", "writing-mode", "word-spacing",
    "paint-order", "stroke-dashcorner", "mix-blend-mode", "isolation", "overflow",
})
_URL = re.compile(r"url\(\s*(['\"]?)([^)'\"]*)\1\s*\)", re.IGNORECASE)


MAX_SVG_DEPTH = 60
"""Levels of nesting: drawings need a handful; deep ones only exhaust renderers."""
MAX_SVG_ELEMENTS = 20_000


def _svg(name: str, data: bytes) -> Size:
    try:
        builder = _Builder()
        parser = DefusedXMLParser(target=builder, forbid_dtd=True)
        parser.feed(data)
        root = parser.close()
    except DefusedXmlException:
        raise FileProblem(f"'{name}' declares a DTD or entities",
                          "export the SVG again without a DOCTYPE") from None
    except Exception as exc:  # ParseError and friends: not XML
        raise FileProblem(f"'{name}' is not an SVG picture ({exc})",
                          "export the drawing as SVG again, or give it the extension of "
                          "what it is") from None
    if builder.instructions:  # e.g. <?xml-stylesheet?>: a browser would run an XSLT
        raise FileProblem(f"'{name}' has a processing instruction "
                          f"(<?{builder.instructions[0][:60]}?>)", _svg_hint())
    if root.tag != f"{_SVG}svg":
        raise FileProblem(f"'{name}' is not an SVG picture (its root is <{_local(root.tag)}>)")
    ids = {element.get("id"): element for element in root.iter() if element.get("id")}
    for count, (element, depth) in enumerate(_with_depth(root), start=1):
        if depth > MAX_SVG_DEPTH or count > MAX_SVG_ELEMENTS:
            raise FileProblem(f"'{name}' is nested more than {MAX_SVG_DEPTH} levels deep or "
                              f"has more than {MAX_SVG_ELEMENTS} elements", _svg_hint())
        _check_svg_element(name, element, ids)
    return _svg_size(root.attrib)


class _Builder(TreeBuilder):
    """A tree builder that notes every processing instruction, before the root too."""

    def __init__(self) -> None:
        super().__init__()
        self.instructions: list[str] = []

    def pi(self, target: str, text: str | None = None) -> ElementTree.Element:
        self.instructions.append(f"{target} {text or ''}".strip())
        return super().pi(target, text)


def _with_depth(root: ElementTree.Element) -> Iterator[tuple[ElementTree.Element, int]]:
    stack = [(root, 0)]
    while stack:
        element, depth = stack.pop()
        yield element, depth
        stack.extend((child, depth + 1) for child in reversed(element))


def _check_svg_element(name: str, element: ElementTree.Element,
                       ids: dict[str | None, ElementTree.Element]) -> None:
    tag = _local(element.tag)
    namespace = element.tag[1:].split("}", 1)[0] if element.tag.startswith("{") else ""
    if (namespace == _SVG[1:-1] and tag not in SVG_ELEMENTS) or (
            namespace != _SVG[1:-1] and namespace not in EDITOR_NAMESPACES):
        raise FileProblem(f"'{name}' has a <{tag}> element, which an SVG figure may not have",
                          _svg_hint())
    for key, value in element.attrib.items():
        attr = _local(key)
        if attr.lower().startswith("on"):
            raise FileProblem(f"'{name}' has an event handler ({attr} on <{tag}>)", _svg_hint())
        if attr == "href":
            target = ids.get(value.strip()[1:]) if value.strip().startswith("#") else None
            if target is None:
                raise FileProblem(f"'{name}' refers to something outside itself "
                                  f"({attr}=\"{value[:60]}\" on <{tag}>)", _svg_hint())
            if tag == "use" and any(_local(e.tag) == "use" for e in target.iter()
                                    if isinstance(e.tag, str)):
                raise FileProblem(f"'{name}' uses a <use> inside what a <use> shows",
                                  "draw the shape again instead; nested copies multiply "
                                  "with every level and can take a renderer hours")
            continue
        _check_svg_value(name, tag, attr, value)
        if "}" not in key and attr not in SVG_ATTRIBUTES \
                and not attr.startswith(("data-", "aria-")):
            raise FileProblem(f"'{name}' has an attribute {attr} on <{tag}>, which an SVG "
                              "figure may not have", _svg_hint())


def _check_svg_value(name: str, tag: str, attr: str, value: str) -> None:
    """No script address, CSS escape or reference outside the drawing in a value."""
    folded = "".join(value.lower().split())
    if "javascript:" in folded or "\\" in value:
        raise FileProblem(f"'{name}' has a script address or an escape in {attr} on <{tag}>",
                          _svg_hint())
    if "image-set(" in folded or "image(" in folded.replace("url(", "") or "@import" in folded:
        raise FileProblem(f"'{name}' refers to something outside itself ({attr} on <{tag}>)",
                          _svg_hint())
    rest = folded
    while "url(" in rest:
        rest = rest[rest.index("url(") + 4:]
        if not rest.lstrip("'\"").startswith("#"):
            raise FileProblem(f"'{name}' refers to something outside itself "
                              f"(url(...) in {attr} on <{tag}>)", _svg_hint())


def svg_text(data: bytes) -> list[str]:
    """The text of each ``<text>`` element of a checked SVG, whitespace folded."""
    root = fromstring(data, forbid_dtd=True)
    return [" ".join("".join(element.itertext()).split())
            for element in root.iter(f"{_SVG}text") if "".join(element.itertext()).strip()]


def _svg_size(attrib: dict[str, str]) -> Size:
    """The drawing's size in pixels, from its width and height or its viewBox (None
    when it has neither, or they are no sensible size)."""
    def number(value: str | None) -> float | None:
        match = re.fullmatch(r"\s*([0-9]{1,6}(?:\.[0-9]+)?)\s*(px)?\s*", value or "")
        return float(match.group(1)) if match else None

    width, height = number(attrib.get("width")), number(attrib.get("height"))
    if not (width and height):
        box = (attrib.get("viewBox") or "").replace(",", " ").split()
        width, height = (number(box[2]), number(box[3])) if len(box) == 4 else (None, None)
    if not (width and height) or max(width, height) > 100_000:
        return None, None
    return max(1, round(width)), max(1, round(height))


def _svg_hint() -> str:
    return ("an SVG figure may only draw: no scripts, event handlers, links, pictures, "
            "stylesheets, external references or foreignObject. Export it again as plain "
            "SVG (in draw.io: 'Text settings: convert labels to SVG'), or as PNG")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


_SNIFFERS: dict[str, Callable[[str, bytes], Size]] = {
    "PNG": _raster("PNG"),
    "JPEG": _raster("JPEG"),
    "WebP": _raster("WEBP"),
    "SVG": _svg,
    "PDF": _pdf,
    "Word": _office("docx"),
    "Excel": _office("xlsx"),
    "PowerPoint": _office("pptx"),
    "ODF-tekst": _office("odt"),
    "ODF-regneark": _office("ods"),
    "Tekst": _text,
    "CSV": _text,
}


# ---------------------------------------------------------------- messages


_MAGIC = (
    (b"\x89PNG", "a PNG picture"), (b"\xff\xd8\xff", "a JPEG picture"),
    (b"%PDF-", "a PDF"), (b"PK\x03\x04", "a ZIP archive"), (b"GIF8", "a GIF picture"),
    (b"\xd0\xcf\x11\xe0", "an old Office file (.doc, .xls)"), (b"MZ", "a Windows program"),
    (b"\x7fELF", "a program"), (b"<", "markup (HTML or XML)"),
)


def _what(data: bytes) -> str:
    head = data[:16].lstrip()
    if head[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "it looks like a WebP picture"
    for magic, what in _MAGIC:
        if head.startswith(magic):
            return f"it looks like {what}"
    return "it is empty" if not data else "its content is of another kind"


def _a(use: str) -> str:
    return "an attachment" if use == "attachment" else "a figure"


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB".replace(".", ",")


def _size_hint(name: str, use: str) -> str:
    if use == "figure":
        return ("scale the picture down or save it as JPEG or WebP; a screenshot needs "
                "one screen at most")
    return "reduce the file (e.g. export the PDF for screen) or split it"


def _missing_hint(base: Path, name: str) -> str:
    try:
        present = sorted(p.relative_to(base).as_posix() for p in base.rglob("*") if p.is_file())
    except OSError:
        present = []
    if not present:
        return f"put the file in {base}/"
    close = [p for p in present if p.lower() == name.lower()]
    if close:
        return f"the folder has '{close[0]}': file names are case-sensitive"
    return "the folder has: " + ", ".join(present[:10])


def check_files(proc: Procedure, procedures: Path,
                report: Callable[[tuple[str | int, ...], str, str], None]
                ) -> dict[str, StoredFile]:
    """Read and check every file ``proc`` refers to; report each problem at the key
    path of its 'file' key. Returns the good ones by name."""
    base = folder(procedures, proc.id)
    found: dict[str, StoredFile] = {}
    failed: dict[tuple[str, str], FileProblem] = {}
    for keys, name, use in proc.file_uses():
        key = (name, use)
        if key in failed:
            continue
        try:
            stored = found.get(name) or read_file(base, name, use)
            if use == "figure" and stored.kind not in {TYPES[e].kind for e in FIGURE_TYPES}:
                raise FileProblem(f"'{name}' is a {stored.kind} file, not a picture",
                                  "a figure is a picture: " + ", ".join(FIGURE_TYPES))
        except FileProblem as problem:
            failed[key] = problem
            report(keys, problem.message, problem.hint)
            continue
        found[name] = stored
    return found


def unused_files(doc_id: str, used: set[str], procedures: Path) -> list[str]:
    """Files in the document's folder that are not in ``used`` (its text's files)."""
    base = folder(procedures, doc_id)
    if not base.is_dir():
        return []
    try:
        present = sorted(p.relative_to(base).as_posix() for p in base.rglob("*")
                         if p.is_file() and not p.name.startswith("."))
    except OSError:
        return []
    return [name for name in present if name not in used]
