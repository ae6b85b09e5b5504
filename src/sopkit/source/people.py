"""The people register: who may approve which documents, matched by name.

Names are compared as sets of words, ignoring case, commas, word order and how
the characters are encoded (Unicode NFC), so that "Narvestad, Annette",
"annette narvestad" and "IKT systemansvarlig Annette Narvestad" all name the
person registered as Annette Narvestad with the title IKT systemansvarlig. An
approver's name (``--by``) may carry the person's title, nothing else.

The author of a document is found in its Utarbeidet av (:func:`authors`) more
loosely, as people write it there: the surname, and each other name in full or
as an initial ("A. Narvestad").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from sopkit.source.model import Person


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", unicodedata.normalize("NFC", text).casefold())


def words(text: str) -> frozenset[str]:
    return frozenset(_words(text))


def is_named(person: Person, text: str) -> bool:
    """``text`` names ``person``: all of the name's words, besides them only the title's."""
    given, name = words(text), words(person.name)
    return bool(name) and name <= given <= name | words(person.title)


def authors(people: Iterable[Person], prepared_by: str) -> list[Person]:
    """The registered people Utarbeidet av names, the most fully named first.

    A person is named by their surname (the name's last word) with each other
    name in full or as its initial. When several are (Jon Berg and Jon Sverre
    Berg in "Jon Sverre Berg"), those named by the most words are the author.
    """
    given = set(_words(prepared_by))
    found: list[tuple[int, Person]] = []
    for person in people:
        *first, last = _words(person.name) or [""]
        if last in given and all(w in given or w[0] in given for w in first):
            found.append((sum(w in given for w in first) + 1, person))
    best = max((score for score, _ in found), default=0)
    return [person for score, person in found if score == best]


def find(people: Iterable[Person], text: str) -> list[Person]:
    """The registered people ``text`` names (none, one, or several if ambiguous)."""
    return [person for person in people if is_named(person, text)]


def may_approve(person: Person, location_code: str) -> bool:
    """Whether one of ``person``'s ``approves`` entries is ``location_code`` or its
    beginning, up to a separator ('.', ' ' or '-')."""
    for given in person.approves:
        prefix = given.strip().rstrip(". -")
        if prefix and (location_code == prefix or (location_code.startswith(prefix)
                                                   and location_code[len(prefix)] in ". -")):
            return True
    return False
