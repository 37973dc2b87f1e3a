"""The web page's application: routes, and what every request goes through (session, login, CSRF, language).

`create_app(project)` serves the project folder `project` (the one with input/, templates/, hso.toml):
the same folder and settings every command uses. The pages themselves are in py; they call
the library as the commands do.
"""

from __future__ import annotations

import functools
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..errors import HsoError
from ..i18n import speaking
from ..intake import MAX_UPLOAD_BYTES
from .guard import COOKIE, Headers, Sessions
from .runner import Runner

HERE = Path(__file__).parent
FORM_LIMIT = MAX_UPLOAD_BYTES + 1024 * 1024  # the workbook and the form's few fields


class Web:
    """What the pages share: the project folder, whether login is needed, sessions, the build runner."""

    def __init__(self, project: Path, login: bool) -> None:
        self.project = Path(project).resolve()
        self.login = login
        self.sessions = Sessions()
        self.runner = Runner()
        self.templates = Environment(loader=FileSystemLoader(HERE / "templates"),
                                     autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)

    def settings(self):
        """The project's settings (hso.toml), with its folders made absolute so no request depends on the cwd."""
        import dataclasses

        from ..settings import load_settings

        from .. import libreoffice

        if self.project == Path.cwd().resolve():  # as the commands see it: paths as the user types them
            settings = load_settings(Path("."))
        else:
            settings = load_settings(self.project)
            folders = {name: self.project / getattr(settings, name) for name in ("input", "output", "templates")
                       if not Path(getattr(settings, name)).is_absolute()}
            settings = dataclasses.replace(settings, **folders)
        libreoffice.use(settings)  # hso.toml may name LibreOffice, for --pdf
        return settings

    def language(self) -> str:
        try:
            return self.settings().language or "sv"
        except HsoError:
            return "sv"

    def render(self, request, name: str, status: int = 200, **values) -> HTMLResponse:
        session = request.state.session
        values.setdefault("page", name.removesuffix(".html"))
        html = self.templates.get_template(name).render(
            csrf=self.sessions.csrf(session), user=session.get("user"), login=self.login, **values)
        return HTMLResponse(html, status_code=status)


def handler(web: Web, function, public: bool = False):
    """Wrap a page: load the session, ask for login where needed, check the CSRF token of a form, save the session."""

    @functools.wraps(function)
    async def wrapped(request):
        session = web.sessions.load(request.cookies.get(COOKIE))
        request.state.session = session
        with speaking(web.language()):
            if web.login and not public and not session.get("user"):
                if request.method != "GET":
                    response = Response("Logga in först.", status_code=403, media_type="text/plain")
                else:
                    response = RedirectResponse("/logga-in", status_code=303)
            elif request.method == "POST" and not web.sessions.csrf_ok(session, await _token(request)):
                response = web.render(request, "fel.html", status=403, title="Formuläret gick inte att skicka",
                                      message="Sidan hade blivit gammal eller kom inte härifrån. Ladda om sidan "
                                              "och försök igen.")
            else:
                response = await function(web, request)
        form = getattr(request, "_form", None)  # starlette keeps the parsed form here; an upload's file is closed
        if form is not None:
            await form.close()
        if session.pop("new", False) or getattr(request.state, "session_changed", False):
            response.set_cookie(COOKIE, web.sessions.dump(session), httponly=True, samesite="strict", path="/")
        response.headers.setdefault("cache-control", "no-store")
        return response

    return wrapped


async def _token(request) -> str | None:
    header = request.headers.get("x-csrf-token")
    if header:
        return header
    form = await request.form(max_files=1, max_fields=20)
    value = form.get("csrf")
    return value if isinstance(value, str) else None


def warm_up() -> None:
    """Import what a check and a build use, so the first upload does not wait for it (run beside the server)."""
    from .. import build, explain, intake, report, template_list  # noqa: F401
    from ..workbook import recalc  # noqa: F401


def create_app(project: Path = Path("."), login: bool = False) -> Starlette:
    from .files import all_documents, output_file, preview, recipient_package
    from .pages import (build_page, build_start, build_status, changes, check, explain, login_page, logout, mark_sent,
                        start, templates, upload)
    from .pages import login as log_in

    web = Web(project, login)

    def route(path, function, methods=("GET",), public=False):
        return Route(path, handler(web, function, public), methods=list(methods))

    routes = [
        route("/", start),
        route("/ladda-upp", upload, ("POST",)),
        route("/kontroll", check),
        route("/forklara", explain),
        route("/bygg", build_page),
        route("/bygg", build_start, ("POST",)),
        route("/bygg/status", build_status),
        route("/filer/{path:path}", output_file),
        route("/alla-dokument.zip", all_documents),
        route("/forhandsvisa/{path:path}", preview),
        route("/andringar", changes),
        route("/andringar/skickat", mark_sent, ("POST",)),
        route("/andringar/paket.zip", recipient_package),
        route("/mallar", templates),
        route("/logga-in", login_page, public=True),
        route("/logga-in", log_in, ("POST",), public=True),
        route("/logga-ut", logout, ("POST",), public=True),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    wrapped = Headers(Starlette(routes=routes), FORM_LIMIT)
    wrapped.web = web  # for the tests and the serve command
    return wrapped
