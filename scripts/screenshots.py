"""Screenshots of the handbook as staff meet it, for the README and for review.

    .venv/bin/python scripts/screenshots.py [OUT]      (default: docs/screenshots)

Builds the test fixture handbook (tests/fixtures/handbook: the seed D29653, the
long procedure D31044, D40210 with figures and an attachment, and the
never-approved draft D10001) in a temporary
folder, serves it, and saves with Debian's Chromium:

- the first screen of a 390 x 844 phone and of a 1280 x 800 desktop,
- the first two printed A4 pages (Chromium's print to PDF, drawn with poppler's
  pdftoppm when it is installed; otherwise the page in print media),

for D29653 and D31044, the composer on a phone after an empty submit, and with
pdftoppm the A5 wall cards of both.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
PAGES = {"D29653": "dokumenter/D29653.html", "D31044": "dokumenter/D31044.html",
         "D40210": "dokumenter/D40210.html"}


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1764028800")  # 25.11.2025
    from browser import chromium, serve, site_mount
    from conftest import copy_project
    from sopkit.pipeline import build_site
    from sopkit.source.project import Project

    with tempfile.TemporaryDirectory() as tmp:
        root = copy_project(Path(tmp) / "project")
        build_site(Project(root))
        with serve(root / "site", site_mount(root / "mkdocs.yml")) as base, chromium() as browser:
            for name, path in PAGES.items():
                for label, size in (("phone", PHONE), ("desktop", DESKTOP)):
                    page = browser.new_page(viewport=size)
                    page.goto(base + path)
                    settle(page)
                    page.screenshot(path=str(out / f"{name}-{label}.png"))
                    page.close()
                page = browser.new_page(viewport=DESKTOP)
                page.goto(base + path)
                printed(page, out / f"{name}-print")
                page.close()
            page = browser.new_page(viewport=PHONE)
            page.goto(base + "saksmelding/D29653.html")
            page.get_by_role("button", name="Lag saken").click()
            settle(page)
            page.screenshot(path=str(out / "composer-phone.png"))
            page.close()
        if shutil.which("pdftoppm"):
            for name in PAGES:
                card = root / "site" / "kort" / f"{name}-A5.pdf"
                subprocess.run(["pdftoppm", "-png", "-r", "80", "-singlefile", str(card),
                                str(out / f"{name}-card-A5")], check=True)
    print(f"Screenshots in {out}")


def settle(page: object) -> None:
    """Wait for Material's header and search animations to end."""
    page.wait_for_function(  # type: ignore[attr-defined]
        "document.getAnimations().every(a => a.playState !== 'running')")


def printed(page: object, stem: Path) -> None:
    if shutil.which("pdftoppm"):
        pdf = stem.with_suffix(".pdf")
        pdf.write_bytes(page.pdf(format="A4"))  # type: ignore[attr-defined]
        subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "2", str(pdf),
                        str(stem)], check=True)
        pdf.unlink()
    else:
        page.emulate_media(media="print")  # type: ignore[attr-defined]
        page.screenshot(path=f"{stem}.png", full_page=True)  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
