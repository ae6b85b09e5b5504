"""Live preview: build into build/preview, serve it on localhost, rebuild on change."""

from __future__ import annotations

import logging

import click

from .build import build_site
from .errors import SopkitError
from .project import Project


def serve(project: Project, host: str, port: int) -> None:
    from mkdocs.livereload import LiveReloadServer

    target = (project.build / "preview").resolve()

    def rebuild() -> None:
        try:
            report = build_site(project, target=target)
        except SopkitError as exc:
            click.echo(f"{exc.format_message()}\nKeeping the last good preview.", err=True)
            return
        click.echo(f"Rebuilt in {report.total:.1f} s.", err=True)

    rebuild()
    if not target.is_dir():
        raise SopkitError("the first build failed; fix the problems above and run serve again")
    logging.getLogger("mkdocs.livereload").setLevel(logging.WARNING)
    server = LiveReloadServer(builder=rebuild, host=host, port=port, root=str(target))
    for path in (project.procedures, project.templates, project.mkdocs_yml):
        server.watch(str(path.resolve()))
    click.echo(f"Serving on http://{host}:{port}/ (Ctrl+C to stop); watching procedure/, "
               "templates/ and mkdocs.yml.", err=True)
    try:
        server.serve()
    except KeyboardInterrupt:
        click.echo("Stopped.", err=True)
    finally:
        server.shutdown()
