"""hso-xl serve: the web page for the whole round (upload, check, build, what to send), on this computer by default."""

from __future__ import annotations

import sys
import click

from ..errors import EXIT_UNUSABLE
from ..i18n import _
from .common import friendly_errors, main, project_folder
from .speak import NAME, option


def is_loopback(host: str) -> bool:
    import ipaddress

    if host.casefold() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@main.command(help=_('Serve a web page for the whole round: add a workbook, check it, build, download, see what to '
                     'send.\n\n'
                     'It listens on this computer only (127.0.0.1) and opens the browser. With --host another '
                     'address, every page asks for a login: add users first with hso-xl users add NAME. Ctrl-C '
                     'stops it.'))
@option("--host", default="127.0.0.1", show_default=True, metavar=NAME,
        help=_("The address to listen on; another than 127.0.0.1 makes every page ask for a login."))
@option("--port", type=int, default=0, metavar="PORT",
        help=_("The port to listen on [default: a free one]."))
@option("--no-browser", is_flag=True, help=_("Do not open the browser."))
def serve(host: str, port: int, no_browser: bool) -> None:
    with friendly_errors(False):
        import socket

        import uvicorn

        from ..users import FILE_NAME, read_users
        from ..web import create_app

        project = project_folder()
        login = not is_loopback(host)
        if login and not read_users(project):
            click.echo(_("Error: {paragraph}", paragraph=_(
                "hso-xl serve would listen on {host}, where anyone on the network can reach it, and no user is "
                "set up to log in. Add one with hso-xl users add NAME (the password hashes are kept in {file}), "
                "or leave out --host to serve this computer only.", host=host, file=FILE_NAME)), err=True)
            sys.exit(EXIT_UNUSABLE)
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host.strip("[]"), port))
        except OSError as exc:
            click.echo(_("Error: {paragraph}", paragraph=_(
                "cannot listen on {host} port {port} ({why}). Choose another --port, or leave it out to take a "
                "free one.", host=host, port=port, why=exc.strerror or exc)), err=True)
            sys.exit(EXIT_UNUSABLE)
        # Listening before the address is printed: a browser (or a script) that opens it at once waits in the
        # queue until the server accepts, where a socket only bound refused it (uvicorn listens when it starts).
        sock.listen(128)
        shown_host = f"[{host}]" if ":" in host else host
        url = f"http://{shown_host}:{sock.getsockname()[1]}/"
        app = create_app(project, login=login)
        config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
        server = uvicorn.Server(config)
        click.echo(_("Serving {folder} on {url} (Ctrl-C to stop) ...", folder=project.resolve(), url=url))
        sys.stdout.flush()
        import threading

        from ..web.app import warm_up

        threading.Thread(target=warm_up, daemon=True, name="warm-up").start()
        if not no_browser:
            import webbrowser

            threading.Timer(0.5, lambda: webbrowser.open(url)).start()
        try:
            server.run(sockets=[sock])  # uvicorn stops on Ctrl-C, lets requests finish, then raises it again
        except KeyboardInterrupt:
            pass
        app.web.runner.wait(timeout=60)  # a build under way finishes (or its output folder stays as it was)
        click.echo(_("Stopped serving."))
