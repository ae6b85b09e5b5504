"""Live preview: build into build/preview, serve it on localhost, rebuild on change."""

from __future__ import annotations

import logging
from collections.abc import Callable

from sopkit.pipeline import build_site
from sopkit.source.errors import SopkitError
from sopkit.source.project import Project


def serve(project: Project, host: str, port: int, say: Callable[[str], None]) -> None:
    """Serve until Ctrl+C; ``say`` prints a line for the user (on standard error)."""
    from mkdocs.livereload import LiveReloadServer

    target = (project.build / "preview").resolve()

    def rebuild() -> None:
        try:
            report = build_site(project, target=target)
        except SopkitError as exc:
            say(f"{exc.message}\nKeeping the last good preview.")
            return
        say(f"Rebuilt in {report.total:.1f} s.")

    rebuild()
    if not target.is_dir():
        raise SopkitError("the first build failed; fix the problems above and run serve again")
    logging.getLogger("mkdocs.livereload").setLevel(logging.WARNING)
    server = LiveReloadServer(builder=rebuild, host=host, port=port, root=str(target))
    for path in (project.procedures, project.templates, project.mkdocs_yml):
        server.watch(str(path.resolve()))
    say(f"Serving on http://{host}:{port}/ (Ctrl+C to stop); watching procedure/, "
        "templates/ and mkdocs.yml.")
    try:
        server.serve()  # type: ignore[no-untyped-call]
    except KeyboardInterrupt:
        say("Stopped.")
    finally:
        server.shutdown()
