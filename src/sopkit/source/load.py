"""Read YAML strictly, keeping the line of every key.

PyYAML's usual loaders turn unquoted ``no``/``yes``/``on``/``off`` into
booleans (the "Norway problem"), silently keep the last of two duplicate keys
and expand aliases without limit. This loader composes the YAML node tree and
builds plain Python data from it by its own rules:

* ``true``/``false`` are booleans, ``null``/``~``/empty are ``None``, plain
  whole numbers are ``int``; every other scalar is text, exactly as written
  (``no`` stays ``"no"``, ``6.00`` stays ``"6.00"``, dates stay ISO text);
* duplicate keys, aliases, non-text keys and multi-document files are errors;
* every key path gets a :class:`Mark` (1-based line and column).

Byte-order marks and CRLF line endings (Windows editors) are read correctly.
"""

from __future__ import annotations

import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from sopkit.source.errors import Problems

if TYPE_CHECKING:
    from sopkit.source.readcache import ReadCache

MAX_BYTES = 512 * 1024
"""Procedure files are a few kilobytes; anything this large is a mistake."""
MAX_DEPTH = 40
"""Levels of lists and mappings: sub-steps of sub-steps need a dozen at most."""

KeyPath = tuple[str | int, ...]
_INT = re.compile(r"[-+]?[0-9]+")


class Mark(NamedTuple):
    line: int
    column: int


@dataclass(frozen=True)
class Loaded:
    """A YAML file's data and the position of each key path in it."""

    path: Path
    data: Any
    text: str

    @cached_property
    def marks(self) -> dict[KeyPath, Mark]:
        """Every key path's mark, worked out again from the text when first asked for.

        Most files have no problem, so a build keeps neither marks nor node trees.
        """
        marks: dict[KeyPath, Mark] = {}
        root = compose(self.text)
        if root is not None:  # an empty file has no nodes
            _collect_marks(root, (), marks)
        return marks

    def mark(self, keys: KeyPath) -> Mark:
        """The mark of the longest prefix of ``keys`` that has one."""
        marks = self.marks
        for end in range(len(keys), -1, -1):
            found = marks.get(tuple(keys[:end]))
            if found is not None:
                return found
        return Mark(1, 1)


def compose(text: str) -> Node | None:
    """The YAML node tree of ``text`` (with start and end marks), by this module's loader."""
    node: Node | None = yaml.compose(text, Loader=_Loader)
    return node


def scalar_value(node: ScalarNode) -> Any:
    """What a scalar node reads as, by this module's rules (``no`` stays text)."""
    return _scalar(node)


def strings(value: Any, keys: KeyPath = (), parent: dict[str, Any] | None = None
            ) -> Iterator[tuple[KeyPath, str, dict[str, Any]]]:
    """Every string in loaded (or dumped) data, with its key path and the mapping it is in
    (a list item's: the list's)."""
    if isinstance(value, str):
        yield keys, value, parent or {}
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings(item, (*keys, key), value)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from strings(item, (*keys, index), parent)


def dotted(keys: KeyPath) -> str:
    """``("sections", 2, "body")`` -> ``sections[2].body``."""
    out = ""
    for key in keys:
        if isinstance(key, int):
            out += f"[{key}]"
        else:
            out += f".{key}" if out else str(key)
    return out


class _Reject(Exception):
    def __init__(self, at: Node | Mark, keys: KeyPath, message: str, hint: str) -> None:
        self.mark = _mark(at) if isinstance(at, Node) else at
        self.keys = keys
        self.message = message
        self.hint = hint


class _Loader(getattr(yaml, "CBaseLoader", yaml.BaseLoader)):  # type: ignore[misc]
    """libyaml's composer (C), about ten times faster than PyYAML's Python one.

    Tags are never looked at (scalars are typed by this module's own rules), so
    the resolver the composer calls for every node does no work.
    """

    def resolve(self, kind: type[Node], value: Any, implicit: Any) -> str:
        return "?"

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass


_ALIAS_HINT = ("write the text out in full; anchors and aliases are refused "
               "so that a file cannot expand into gigabytes")


def load_yaml(path: Path, problems: Problems, *, within: Path | None = None,
              cache: ReadCache | None = None) -> Loaded | None:
    """Load one YAML file; on failure add a problem and return ``None``.

    Only a regular file is read (not a pipe or a device, which could block or never
    end), and only if its size is within :data:`MAX_BYTES`; a symbolic link only if
    it leads to a file inside ``within`` (e.g. ``procedure/``). ``cache``: the data of
    texts read before (:mod:`sopkit.source.readcache`).
    """
    try:
        if path.is_symlink():
            target = path.resolve(strict=True)
            if within is not None and not target.is_relative_to(within.resolve()):
                problems.add(path, 1, 1, "", f"is a link to {target}, outside {within}",
                             "procedure files are read only from inside procedure/; copy "
                             "the file in instead of linking to it")
                return None
        status = path.stat()
        if not stat.S_ISREG(status.st_mode):
            problems.add(path, 1, 1, "", "is not a regular file",
                         "procedure/ may hold only YAML files")
            return None
        with path.open("rb") as file:
            raw = file.read(MAX_BYTES + 1)
    except (OSError, RuntimeError) as exc:  # RuntimeError: a loop of symbolic links
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        problems.add(path, 1, 1, "", f"cannot read file: {why}")
        return None
    if len(raw) > MAX_BYTES or status.st_size > MAX_BYTES:
        size = max(len(raw), status.st_size)
        problems.add(
            path, 1, 1, "",
            f"file is {size:,} bytes or more; the limit is {MAX_BYTES:,}",
            "a procedure is a few kilobytes of text; split the file or remove pasted data",
        )
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        problems.add(
            path, line, column, "",
            f"file is not UTF-8 (byte 0x{raw[exc.start]:02x})",
            "save the file as UTF-8 in your editor (Windows: 'UTF-8', not 'ANSI' or 'Latin-1')",
        )
        return None
    return load_text(text, path, problems, cache)


def load_text(text: str, path: Path, problems: Problems, cache: ReadCache | None = None
              ) -> Loaded | None:
    """Load YAML text read elsewhere (e.g. a file's version in git history).

    ``path`` names the text in problems, e.g. ``Path("abc1234:procedure/documents/X.yml")``.
    """
    if not text.strip():
        problems.add(path, 1, 1, "", "file is empty", "start from an existing procedure file")
        return None
    key, data = cache.data(text) if cache is not None else ("", None)
    if data is not None:
        return Loaded(path, data, text)
    try:
        node = yaml.compose(text, Loader=_Loader)  # a safe loader: builds no objects
        if node is None:
            problems.add(path, 1, 1, "", "file has no YAML content (only comments)")
            return None
        data = _build(node, (), node, set())
    except _Reject as exc:
        problems.add(path, exc.mark.line, exc.mark.column, dotted(exc.keys), exc.message, exc.hint)
        return None
    except RecursionError:
        problems.add(path, 1, 1, "", "lists or mappings are nested too deeply",
                     "a procedure needs only a few levels; check the indentation")
        return None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = exc.problem or "invalid YAML"
        problems.add(
            path, line, column, "", f"YAML syntax error: {what}",
            "check indentation and quoting on this line or the one above; "
            "text containing ': ' or starting with a special character must be quoted",
        )
        return None
    except yaml.YAMLError as exc:
        problems.add(path, 1, 1, "", f"YAML error: {exc}")
        return None
    if cache is not None:
        cache.keep_data(key, data)
    return Loaded(path, data, text)


def _mark(node: Node) -> Mark:
    return Mark(node.start_mark.line + 1, node.start_mark.column + 1)


def _build(node: Node, keys: KeyPath, at: Node, seen_nodes: set[int]) -> Any:
    """Plain data from a node tree. A node met twice is an alias: refused, so no bombs.

    ``at`` is the node whose position names this value in a message: its key, or
    for a list item the key of the list (or the list, inside another list).
    """
    if id(node) in seen_nodes:
        raise _Reject(at, keys,
                      "YAML anchors and aliases (&name, *name) are not allowed", _ALIAS_HINT)
    if len(keys) > MAX_DEPTH:
        raise _Reject(node, keys[:MAX_DEPTH], f"nested more than {MAX_DEPTH} levels deep",
                      "a procedure needs only a few levels; check the indentation")
    seen_nodes.add(id(node))
    if isinstance(node, ScalarNode):
        return _scalar(node)
    if isinstance(node, SequenceNode):
        # A list's items are named by the list's key, or by the list itself when it
        # is an item of another list.
        item_at = node if keys and isinstance(keys[-1], int) else at
        return [_build(child, (*keys, index), item_at, seen_nodes)
                for index, child in enumerate(node.value)]
    if isinstance(node, MappingNode):
        result: dict[str, Any] = {}
        seen: dict[str, Node] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.value == "<<":
                raise _Reject(key_node, keys, "keys must be plain text", "write the key as a word")
            key = key_node.value
            if key in seen:
                raise _Reject(
                    key_node,
                    (*keys, key),
                    f"duplicate key '{key}' (first on line {_mark(seen[key]).line})",
                    "YAML keeps only the last of two equal keys, losing the first; "
                    "remove or rename one of them",
                )
            seen[key] = key_node
            result[key] = _build(value_node, (*keys, key), key_node, seen_nodes)
        return result
    raise _Reject(node, keys, "unsupported YAML node", "")  # pragma: no cover


def _collect_marks(node: Node, keys: KeyPath, marks: dict[KeyPath, Mark]) -> None:
    """The mark of every key path under ``node`` (a tree: :func:`_build` refused aliases)."""
    if not keys:
        marks[keys] = _mark(node)
    if isinstance(node, SequenceNode):
        for index, child in enumerate(node.value):
            marks[(*keys, index)] = _mark(child)
            _collect_marks(child, (*keys, index), marks)
    elif isinstance(node, MappingNode):
        for key_node, value_node in node.value:
            marks[(*keys, key_node.value)] = _mark(key_node)
            _collect_marks(value_node, (*keys, key_node.value), marks)


def _scalar(node: ScalarNode) -> Any:
    value: str = node.value
    if node.style:  # quoted or block scalar: always text
        return value
    if value in ("true", "True", "TRUE"):
        return True
    if value in ("false", "False", "FALSE"):
        return False
    if value in ("", "~", "null", "Null", "NULL"):
        return None
    if _INT.fullmatch(value) and len(value) <= 18:  # longer: text, never a huge number
        return int(value)
    return value
