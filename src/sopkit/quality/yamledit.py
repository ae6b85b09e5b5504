"""Minimal edits to a procedure's YAML file: only the lines that must change.

``sopkit approve`` and ``sopkit draft`` change a status, add a revision entry or
fill one in. Reviewers read the git diff of those commits as the change record,
so nothing else may move: no re-wrapping, no re-quoting, comments and layout
kept. Each edit finds its place in the node tree (:func:`sopkit.source.load.compose`,
with line and column marks) and splices text into the lines there; the tree
is composed again after every edit.

:func:`write_atomic` writes the result as a whole or not at all, keeping the
file's mode, byte-order mark and line endings, through a symbolic link to its
target.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from sopkit.source.errors import SopkitError
from sopkit.source.load import KeyPath, compose, dotted, scalar_value

BOM = "\ufeff"
_YAML11_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"}


@dataclass
class YamlText:
    """A YAML file's text, its line endings as they are (a new line takes the ending
    of the line it follows), and whether it starts with a byte-order mark."""

    text: str
    bom: bool = False

    @classmethod
    def read(cls, path: Path) -> YamlText:
        raw = path.read_bytes().decode("utf-8")
        return cls(raw.removeprefix(BOM), raw.startswith(BOM))

    def encoded(self) -> bytes:
        return ((BOM if self.bom else "") + self.text).encode()

    # ------------------------------------------------------------ edits

    def set(self, keys: KeyPath, value: str) -> None:
        """Set the scalar at ``keys`` to ``value`` (YAML text, see :func:`scalar`); a key
        missing from its mapping is added after the mapping's last entry."""
        parent, key = self._node(keys[:-1]), keys[-1]
        if not isinstance(parent, MappingNode) or parent.flow_style or not isinstance(key, str):
            raise self._unexpected(keys[:-1], "a mapping written one 'key: value' a line")
        for key_node, value_node in parent.value:
            if key_node.value == key:
                if not isinstance(value_node, ScalarNode):
                    raise self._unexpected(keys, "a single value")
                self._splice(key_node.start_mark, value_node.end_mark, f"{key}: {value}")
                return
        indent = parent.value[0][0].start_mark.column if parent.value else 0
        self._insert_after(parent, [" " * indent + f"{key}: {value}"])

    def append(self, keys: KeyPath, entry: list[tuple[str, str]]) -> None:
        """Add a mapping of ``entry`` (key, YAML text) to the end of the list at ``keys``."""
        seq = self._node(keys)
        if not isinstance(seq, SequenceNode) or seq.flow_style or not seq.value or any(
                isinstance(item, MappingNode | SequenceNode) and item.flow_style
                for item in seq.value[-1:]):
            raise self._unexpected(keys, "a list written one '- ' item a line")
        dash = seq.start_mark.column
        first = seq.value[0]
        key_column = first.start_mark.column if isinstance(first, MappingNode) else dash + 2
        lead = " " * dash + "-" + " " * max(1, key_column - dash - 1)
        lines = [(lead if index == 0 else " " * key_column) + f"{key}: {value}"
                 for index, (key, value) in enumerate(entry)]
        self._insert_after(seq, lines)

    # ------------------------------------------------------------ helpers

    def _node(self, keys: KeyPath) -> Node:
        try:
            node = compose(self.text)
        except yaml.YAMLError as exc:
            raise SopkitError(f"the file is not valid YAML after the edit ({exc}); it is "
                              "left as it was") from None
        for key in keys:
            if isinstance(node, MappingNode) and isinstance(key, str):
                node = next((v for k, v in node.value if k.value == key), None)
            elif isinstance(node, SequenceNode) and isinstance(key, int):
                node = node.value[key] if -len(node.value) <= key < len(node.value) else None
            else:
                node = None
            if node is None:
                raise SopkitError(f"'{dotted(keys)}' is missing from the file")
        assert node is not None
        return node

    def _unexpected(self, keys: KeyPath, wanted: str) -> SopkitError:
        return SopkitError(f"'{dotted(keys) or 'the file'}' is not {wanted}; sopkit edits only "
                           "files laid out as 'sopkit new' writes them")

    def _splice(self, start: object, end: object, replacement: str) -> None:
        lines = self.text.split("\n")
        (l1, c1), (l2, c2) = _at(start), _at(end)
        if c2 == 0 and l2 > l1:  # a block value ends at the start of the next token's line
            l2 -= 1
            while l2 > l1 and not lines[l2].strip():  # blank lines after it stay
                l2 -= 1
            c2 = len(lines[l2].rstrip("\r"))
        lines[l1:l2 + 1] = [lines[l1][:c1] + replacement + lines[l2][c2:]]
        self.text = "\n".join(lines)

    def _insert_after(self, node: Node, new: list[str]) -> None:
        lines = self.text.split("\n")
        line, column = _at(_last_value(node).end_mark)
        if column == 0:  # after a block value: its last line that is not blank
            line -= 1
            while line > 0 and not lines[line].strip():
                line -= 1
        ending = "\r" if lines[line].endswith("\r") else ""
        lines[line + 1:line + 1] = [text + ending for text in new]
        self.text = "\n".join(lines)


def _last_value(node: Node) -> Node:
    """The innermost last node of ``node``: where its text ends."""
    while True:
        if isinstance(node, MappingNode) and node.value:
            node = node.value[-1][1]
        elif isinstance(node, SequenceNode) and node.value and not node.flow_style:
            node = node.value[-1]
        else:
            return node


def _at(mark: object) -> tuple[int, int]:
    return mark.line, mark.column  # type: ignore[attr-defined]


def scalar(value: str) -> str:
    """``value`` as a YAML scalar that reads back as the same text: plain when it
    can be, else double-quoted (also the words other YAML 1.1 tools read as
    booleans, such as ``no``)."""
    if (value and "\n" not in value and value.casefold() not in _YAML11_WORDS
            and value.isprintable()):
        try:
            root = compose(f"k: {value}")
        except yaml.YAMLError:
            root = None
        node = root.value[0][1] if isinstance(root, MappingNode) and root.value else None
        if (isinstance(node, ScalarNode) and not node.style and node.value == value
                and scalar_value(node) == value):
            return value
    return quoted(value)


def quoted(value: str) -> str:
    """Double-quoted, with every character YAML does not take as it is escaped."""
    out = []
    for char in value:
        if char in ('"', "\\"):
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        elif char == "\t" or (char.isprintable() and char not in "\u2028\u2029\ufeff"):
            out.append(char)
        else:
            out.append(f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")
    return '"' + "".join(out) + '"'


def write_atomic(path: Path, data: bytes) -> None:
    """Replace the file at ``path`` (through a symbolic link: its target) with ``data``:
    a temporary file in the same folder, flushed to disk, then renamed over it, with
    the old file's permissions. A reader sees the old bytes or the new, never a part."""
    target = path.resolve()
    mode = target.stat().st_mode & 0o7777
    handle, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, mode)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    folder = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)
