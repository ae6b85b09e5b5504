"""Live preview: build into build/preview, serve it on localhost, rebuild on change.

The server is MkDocs' live-reload server with four guards:

* a failed rebuild, whatever the error, keeps the last good preview and is
  shown on every page (a box at the top) and in the terminal, without a
  traceback; the server never waits for a build that will not come;
* a request whose ``Host`` is not the server's own address is refused (400), so
  that a web page elsewhere cannot read the preview through DNS rebinding;
* a path with control characters (``/%00``) is a 400, not a crash;
* any other failure to answer is a plain 500, logged in one line.
"""

from __future__ import annotations

import html
import ipaddress
import logging
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from sopkit.pipeline import build_site, removals_done
from sopkit.source.errors import SopkitError
from sopkit.source.project import Project

log = logging.getLogger("sopkit.preview")


def serve(project: Project, host: str, port: int, say: Callable[[str], None]) -> None:
    """Serve until Ctrl+C; ``say`` prints a line for the user (on standard error)."""
    target = (project.build / "preview").resolve()
    state: dict[str, str | None] = {"problem": None}
    rebuild = rebuilder(project, target, say, state)
    rebuild()
    if not target.is_dir():
        raise SopkitError("the first build failed; fix the problems above and run serve again")
    logging.getLogger("mkdocs.livereload").setLevel(logging.WARNING)
    server = _server(rebuild, host, port, str(target), lambda: state["problem"])
    for path in (project.procedures, project.templates, project.mkdocs_yml):
        server.watch(str(path.resolve()))
    shown = f"[{host}]" if ":" in host else host  # an IPv6 address, in a URL
    say(f"Serving on http://{shown}:{port}/ (Ctrl+C to stop); watching procedure/, "
        "templates/ and mkdocs.yml.")
    try:
        server.serve()
    except KeyboardInterrupt:
        say("Stopped.")
    finally:
        server.shutdown()
        removals_done()  # the preview the last rebuild replaced


def rebuilder(project: Project, target: Path, say: Callable[[str], None],
              state: dict[str, str | None]) -> Callable[[], None]:
    """The preview's rebuild: it never raises (a raising rebuild leaves MkDocs' server
    waiting for ever); ``state["problem"]`` holds the last failure, or None."""

    def rebuild() -> None:
        try:
            report = build_site(project, target=target, again=True)
        except SopkitError as exc:
            state["problem"] = exc.message
            say(f"{exc.message}\nKeeping the last good preview.")
            return
        except Exception as exc:  # whatever it is, the preview must keep answering
            state["problem"] = f"{type(exc).__name__}: {exc}"
            say(f"the build failed unexpectedly ({type(exc).__name__}: {exc}); this is a bug "
                "in sopkit, please report it with the input that caused it.\n"
                "Keeping the last good preview.")
            return
        state["problem"] = None
        say(f"Rebuilt in {report.total:.1f} s.")

    return rebuild


def allowed_hosts(host: str, port: int) -> set[str] | None:
    """The ``Host`` headers the preview answers: its own address, and ``localhost``
    when it listens on the loopback. None (any) when it listens on every address
    (``0.0.0.0``, ``::``): then it is meant to be reached by names it cannot know."""
    names = {host.lower()}
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if address is not None and address.is_unspecified:
        return None
    if host == "localhost" or (address is not None and address.is_loopback):
        names |= {"localhost", "127.0.0.1", "[::1]"}
    if address is not None and address.version == 6:
        names.add(f"[{host.lower()}]")
    return {f"{name}:{port}" for name in names} | ({*names} if port == 80 else set())


def _server(rebuild: Callable[[], None], host: str, port: int, root: str,
            problem: Callable[[], str | None]) -> Any:
    from mkdocs.livereload import LiveReloadServer

    class PreviewServer(LiveReloadServer):
        """MkDocs' live-reload server with sopkit's guards (see the module)."""

        hosts = allowed_hosts(host, port)

        def serve_request(self, environ: dict[str, Any],
                          start_response: Callable[..., Any]) -> Iterable[bytes]:
            if self.hosts is not None and environ.get("HTTP_HOST", "").lower() not in self.hosts:
                return _plain(start_response, "400 Bad Request",
                              "This preview answers only to its own address.")
            path = environ.get("PATH_INFO", "")
            if not _well_formed(path):
                return _plain(start_response, "400 Bad Request", "Malformed path.")
            try:
                result = self._serve_request(environ, start_response)
            except Exception as exc:  # one line in the log, not a traceback
                log.warning("could not answer %s: %s: %s", path, type(exc).__name__, exc)
                return _plain(start_response, "500 Internal Server Error", "Server error.")
            if result is None:
                return _plain(start_response, "404 Not Found", "Not found.")
            return result

        def _inject_js_into_html(self, content: bytes, epoch: int) -> bytes:
            content = super()._inject_js_into_html(content, epoch)  # type: ignore[no-untyped-call]
            message = problem()
            if message is None:
                return content
            box = ('<div role="alert" style="position:sticky;top:0;z-index:10;background:#fbe3e3;'
                   'color:#000;border:3px solid #7a0019;padding:0.6em 1em;font:14px/1.4 '
                   'sans-serif;white-space:pre-wrap">'
                   "<strong>Siste bygging feilet. Du ser siste vellykkede forhåndsvisning."
                   "</strong>\n"
                   f"{html.escape(message)}</div>").encode()
            at = content.find(b"<body")
            end = content.find(b">", at) + 1 if at >= 0 else 0
            return content[:end] + box + content[end:]

    # Files are polled (MkDocs' choice: it works on every file system); every quarter
    # of a second instead of its half, as a save should show soon (a poll of 1000
    # procedure files takes about 10 ms).
    return PreviewServer(builder=rebuild, host=host, port=port, root=root,
                         polling_interval=POLL_SECONDS)


POLL_SECONDS = 0.25


def _well_formed(path: str) -> bool:
    """UTF-8 (as WSGI gives it, in Latin-1) without control characters."""
    try:
        text = path.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return False
    return not any(ord(char) < 32 or ord(char) == 127 for char in text)


def _plain(start_response: Callable[..., Any], status: str, text: str) -> list[bytes]:
    body = text.encode()
    start_response(status, [("Content-Type", "text/plain; charset=utf-8"),
                            ("Content-Length", str(len(body)))])
    return [body]
