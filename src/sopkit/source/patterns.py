"""Ticket patterns: the ``{field}`` placeholders of a procedure's ``ticket:`` lines.

Reading a pattern is part of checking the input (``sopkit check`` reports a
broken or unknown placeholder with its line); filling one in is the ticket
output's work (:mod:`sopkit.outputs.ticket`).
"""

from __future__ import annotations

import string
from typing import Literal

CASE_NUMBER = "case_number"
# Placeholders every phone script may use, with the text shown until known.
BUILTINS: dict[str, str] = {CASE_NUMBER: "saksnummer"}
Token = tuple[Literal["text", "field"], str]
Pattern = tuple[Token, ...]


class PatternError(ValueError):
    """A ticket pattern that cannot be parsed."""


def parse_pattern(pattern: str) -> Pattern:
    """``"{application} OK skal hjelpe"`` -> ``(("field", "application"), ("text", " OK ..."))``.

    ``{{`` and ``}}`` are literal braces; formats such as ``{name:>10}`` are refused.
    """
    try:
        parsed = list(string.Formatter().parse(pattern))
    except ValueError as exc:
        raise PatternError(str(exc)) from None
    tokens: list[Token] = []
    for literal, name, spec, conversion in parsed:
        if literal:
            if tokens and tokens[-1][0] == "text":
                tokens[-1] = ("text", tokens[-1][1] + literal)
            else:
                tokens.append(("text", literal))
        if name is not None:
            if spec or conversion:
                raise PatternError(f"'{{{name}' has a format or conversion; write just "
                                   f"{{{name}}}")
            tokens.append(("field", name))
    return tuple(tokens)


def fields_in(pattern: Pattern) -> list[str]:
    return [value for kind, value in pattern if kind == "field"]


def literal(text: str) -> str:
    """Text to put into a pattern as it is (braces doubled), for templates."""
    return text.replace("{", "{{").replace("}", "}}")
