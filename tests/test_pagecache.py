"""The page cache's key of the navigation: what other pages' front matter adds to it
(:func:`sopkit.outputs.site.pagecache._shown_in_nav`) changes whenever a title,
subtitle, icon or status Material shows in the navigation changes, however the
front matter is written (``templates/`` belong to the handbook's users)."""

from __future__ import annotations

import pytest

from sopkit.outputs.site.pagecache import _shown_in_nav

FRONT_MATTERS = [
    'title: "{t}"\ndescription: "x"\nhide:\n  - navigation\n',
    "title: {t}  # a comment\n",
    '"title": {t}\n',  # a quoted key
    "{{title: {t}}}\n",  # a flow mapping
    "? title\n: {t}\n",  # a complex key
    "  title: {t}\n  description: x\n",  # indented
    'title: "first line\n{t}"\n',  # a quoted title going on at the margin
    "title: >\n  folded\n  {t}\n",
    "title: x\nsubtitle: {t}\n",
    "icon: material/{t}\n",
    "status: {t}\n",
    "title: &name {t}\nsubtitle: *name\n",
    "title: !!str {t}\n",
]


@pytest.mark.parametrize("front", FRONT_MATTERS)
def test_a_change_shown_in_the_navigation_changes_the_key(front):
    def shown(value: str) -> str:
        return _shown_in_nav(f"---\n{front.format(t=value)}---\n# Page\n".encode())

    assert shown("Hastesaker") != shown("Nedetid")


def test_what_the_navigation_does_not_show_leaves_the_key_alone():
    def shown(description: str) -> str:
        return _shown_in_nav(f'---\ntitle: "T"\ndescription: "{description}"\n---\n'
                             "# Page\n".encode())

    assert shown("revisjon 1.00") == shown("revisjon 2.00")
