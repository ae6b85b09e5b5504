"""The people register: who may approve which documents, matched by name.

Names are compared as sets of words, ignoring case, commas and word order, so
that "Narvestad, Annette", "annette narvestad" and "IKT systemansvarlig
Annette Narvestad" all name the person registered as Annette Narvestad with the
title IKT systemansvarlig. A name may carry the person's title, nothing else.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sopkit.source.model import Person


def words(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"\w+", text.casefold()))


def is_named(person: Person, text: str) -> bool:
    """``text`` names ``person``: all of the name's words, besides them only the title's."""
    given, name = words(text), words(person.name)
    return bool(name) and name <= given <= name | words(person.title)


def mentioned(person: Person, text: str) -> bool:
    """``text`` (e.g. Utarbeidet av: "IKT systemansvarlig Annette Narvestad") mentions
    ``person`` by all the words of their name."""
    name = words(person.name)
    return bool(name) and name <= words(text)


def find(people: Iterable[Person], text: str) -> list[Person]:
    """The registered people ``text`` names (none, one, or several if ambiguous)."""
    return [person for person in people if is_named(person, text)]


def may_approve(person: Person, location_code: str) -> bool:
    """Whether one of ``person``'s ``approves`` entries is ``location_code`` or its
    beginning, up to a separator ('.', ' ' or '-')."""
    return any(location_code == prefix or (location_code.startswith(prefix)
                                           and location_code[len(prefix)] in ". -")
               for prefix in person.approves)
