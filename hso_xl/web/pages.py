"""The pages: each asks the library what the matching command asks it, and shows the answer in Swedish.

The library's work (a check, a render) runs in a worker thread, so the server goes on answering
meanwhile (the build's progress, another page).

Start (workbooks, last build, upload), Kontroll (check, --map, explain), Bygg (build, progress,
documents), Ändringar och utskick (what to send to whom), Mallar (templates --check). A file name
from the browser is only ever compared with names listed from the folder, never used as a path.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, RedirectResponse

from ..errors import HsoError
from ..findings import SEVERITY_WORDS, Severity
from ..i18n import _
from ..swedish import group
from .files import build_files, manifest

KIND_TITLES = {"kommuner": "Till kommunerna", "finansiarer": "Till medfinansiärerna", "projekt": "Projektet",
               "rapporter": "Rapporter"}


# -- shared ------------------------------------------------------------------------------------

def _workbooks(folder: Path) -> list[dict]:
    from ..discover import companion_kind, is_candidate

    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.iterdir(), key=lambda p: p.stat().st_mtime_ns, reverse=True):
        if is_candidate(path):
            stat = path.stat()
            found.append({"name": path.name, "companion": companion_kind(path.name),
                          "saved": dt.datetime.fromtimestamp(stat.st_mtime).strftime("%Y-%m-%d %H:%M"),
                          "size": _size(stat.st_size)})
    return found


def _size(n: int) -> str:
    return f"{group(max(1, round(n / 1024)))} kB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MB".replace(".", ",")


def _chosen(web, name: str | None) -> Path:
    """The workbook the page asks for, looked up among the input folder's names; else the newest, as `check` takes."""
    from ..discover import newest_workbook

    folder = web.settings().input
    if name:
        for entry in _workbooks(folder):
            if entry["name"] == name:
                return folder / entry["name"]
    return newest_workbook(folder)


def _key(web, path: Path) -> tuple:
    """What a check depends on besides the code: the workbook, the templates, hso.toml (their sizes and times)."""
    settings = web.settings()
    watched = [path, *(settings.source and [settings.source] or [])]
    if Path(settings.templates).is_dir():
        watched += sorted(p for p in Path(settings.templates).rglob("*") if p.is_file())
    return tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in watched if p.exists())


def _checked(web, path: Path):
    """The check of `path` as `check` makes it, kept while the file, templates and settings stay the same."""
    from ..build import check_for_documents

    key = _key(web, path)
    cache = getattr(web, "checked_cache", None)
    if cache is not None and cache[0] == key:
        return cache[1][0]
    prepared = check_for_documents(path, web.settings())
    web.checked_cache = (key, prepared)
    return prepared[0]


def _prepared(web, path: Path) -> tuple | None:
    """The kept check and plan of `path` for one build (taken, as a build changes the plan's jobs), or None."""
    cache = getattr(web, "checked_cache", None)
    if cache is not None and cache[0] == _key(web, path):
        web.checked_cache = None
        return cache[1]
    return None


def _last_build(web) -> dict | None:
    out = web.settings().output
    listed = manifest(out)
    if listed is None:
        return None
    built = dt.datetime.fromtimestamp((out / "manifest.json").stat().st_mtime).strftime("%Y-%m-%d %H:%M")
    return {"workbook": listed.get("workbook", {}).get("path"), "built": built,
            "documents": len(listed.get("documents", [])), "pdfs": len(listed.get("pdfs", []))}


# -- Start -------------------------------------------------------------------------------------

async def start(web, request, refused: str | None = None, status: int = 200):
    settings = web.settings()
    run = web.runner.last
    workbooks = _workbooks(settings.input)
    try:
        newest = _chosen(web, None).name  # the one `check` and `build` take
    except HsoError:
        newest = None
    return web.render(request, "start.html", status=status, workbooks=workbooks, newest=newest,
                      folder=settings.input.name, last=_last_build(web), refused=refused,
                      failed=run.error if run is not None and run.error else None)


async def upload(web, request):
    from ..intake import take_workbook

    form = await request.form(max_files=1, max_fields=20)
    upload = form.get("arbetsbok")
    if upload is None or isinstance(upload, str) or not upload.filename:
        return await start(web, request, refused="Välj en arbetsbok att lägga till.", status=400)
    data = await upload.read()
    try:
        taken = await run_in_threadpool(take_workbook, upload.filename, data, web.settings())
    except HsoError as exc:
        return await start(web, request, refused=str(_("Error: {paragraph}", paragraph=exc.paragraph())), status=400)
    if taken.checked is not None:
        web.checked_cache = (_key(web, taken.path), (taken.checked, taken.plan))
    return RedirectResponse(f"/kontroll?fil={_quote(taken.path.name)}", status_code=303)


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text)


# -- Kontroll ----------------------------------------------------------------------------------

async def check(web, request):
    from ..model.layouts import shown_title
    from ..report import check_json, check_text, findings_count_text, map_lines, place_text

    name = request.query_params.get("fil")
    query = request.query_params.get("sok", "").strip()
    try:
        path = _chosen(web, name)
        checked = await run_in_threadpool(_checked, web, path)
    except HsoError as exc:
        return web.render(request, "kontroll.html", status=400, error=exc.paragraph(), workbook=name,
                          workbooks=_workbooks(web.settings().input))
    data = check_json(checked, None)
    groups = []
    for severity in Severity:
        found = [f for f in checked.findings if f.severity is severity]
        groups.append({"severity": severity.value, "title": str(SEVERITY_WORDS[severity]).capitalize(),
                       "findings": [{"where": f.location, "message": str(f.message)} for f in found]})
    text = check_text(checked, None)
    budget = text.split("\n\n")[1] if text.count("\n\n") >= 2 else text
    lines = [{"text": t, "refs": refs} for t, refs in map_lines(checked) if t.strip()]
    if query:
        folded = query.casefold()
        lines = [line for line in lines if folded in line["text"].casefold()]
    eu = data["eu_support"]
    b = checked.budget
    return web.render(
        request, "kontroll.html", workbook=path.name, workbooks=_workbooks(web.settings().input),
        layout=shown_title(checked.budget.layout), summary=findings_count_text(checked.findings), places=[place_text(p) for p in b.places], budget=budget,
        eu={"names": ", ".join(eu["financiers"]), "rate": _percent(b.eu_rate), "cap": _percent(b.eu_cap),
            "over": b.eu_cap is not None and b.eu_rate > b.eu_cap},
        groups=groups, counts=data["counts"], ok=data["exit_code"] == 0, lines=lines, query=query,
        text=text)


def _percent(value) -> str | None:
    from ..swedish import percent

    return None if value is None else str(percent(value, 2))


async def explain(web, request):
    from ..explain import explain_workbook, render_text

    name = request.query_params.get("fil")
    ref = request.query_params.get("ref", "").strip()
    municipality = request.query_params.get("kommun") or None
    tree = error = None
    path = None
    if ref:
        try:
            path = _chosen(web, name)
            tree = render_text(await run_in_threadpool(explain_workbook, path, ref, web.settings(), municipality))
        except HsoError as exc:
            error = exc.paragraph()
    return web.render(request, "forklara.html", status=400 if error else 200, ref=ref, municipality=municipality,
                      workbook=path.name if path else name, tree=tree, error=error)


# -- Bygg --------------------------------------------------------------------------------------

async def build_page(web, request, refused: str | None = None, status: int = 200):
    out = web.settings().output
    files = build_files(out)
    pdfs = {Path(p).stem: p for p, kind in files.items() if kind == "pdf"}
    groups: dict[str, list[dict]] = {}
    for path, kind in files.items():
        if kind != "document":
            continue
        folder = Path(path).parts[0] if len(Path(path).parts) > 1 else "projekt"
        groups.setdefault(folder, []).append({"path": path, "name": Path(path).name, "pdf": pdfs.get(Path(path).stem)})
    kinds = [{"title": KIND_TITLES.get(k, k), "documents": docs} for k, docs in sorted(groups.items())]
    run = web.runner.current
    return web.render(request, "bygg.html", status=status, run=run.to_json() if run else None,
                      busy=web.runner.busy, kinds=kinds, last=_last_build(web), refused=refused,
                      extras=[p for p, kind in files.items() if kind == "text"])


async def build_start(web, request):
    form = await request.form(max_fields=20)
    try:
        path = _chosen(web, form.get("fil") if isinstance(form.get("fil"), str) else None)
    except HsoError as exc:
        return await build_page(web, request, refused=exc.paragraph(), status=400)
    started = web.runner.start(path, web.settings(), pdf=form.get("pdf") == "ja",
                               by=request.state.session.get("user"), prepared=_prepared(web, path))
    if isinstance(started, str):
        return await build_page(web, request, refused=started, status=409)
    return RedirectResponse("/bygg", status_code=303)


async def build_status(web, request):
    run = web.runner.current
    return JSONResponse(run.to_json() if run else {"finished": True, "stage": "", "rendered": [], "done": 0,
                                                   "total": 0, "error": None, "ok": False})


# -- Ändringar och utskick ---------------------------------------------------------------------

async def changes(web, request, message: str | None = None, status: int = 200):
    from .sending import has_register, recipients

    out = web.settings().output
    run = web.runner.last
    last_changes = run.result.changes if run is not None and run.result is not None else None
    try:
        listed = recipients(out, last_changes)
        error = None
    except HsoError as exc:
        listed, error = [], exc.paragraph()
    try:
        summary = (out / "ÄNDRINGAR.md").read_text(encoding="utf-8")
    except OSError:
        summary = None
    return web.render(request, "andringar.html", status=status, recipients=listed, summary=summary,
                      register=has_register(), message=message, error=error, last=_last_build(web))


async def mark_sent(web, request):
    from .sending import mark_sent as record

    form = await request.form(max_fields=200)
    names = [n for n in form.getlist("mottagare") if isinstance(n, str)]
    everyone = form.get("alla") == "ja"
    how = form.get("hur") if isinstance(form.get("hur"), str) and form.get("hur") else "e-post"
    if not names and not everyone:
        return await changes(web, request, message="Välj minst en mottagare.", status=400)
    try:
        count = record(web.settings().output, None if everyone else names, request.state.session.get("user"), how)
    except HsoError as exc:
        return await changes(web, request, message=exc.paragraph(), status=400)
    return await changes(web, request, message=f"{count} dokument antecknade som skickade.")


# -- Mallar ------------------------------------------------------------------------------------

async def templates(web, request):
    from ..template_list import list_templates, render_all

    settings = web.settings()
    listed, error, result = [], None, None
    try:
        listed = list_templates(settings.templates)
        if listed and request.query_params.get("kontrollera") != "nej":
            path = _chosen(web, request.query_params.get("fil"))
            documents = await run_in_threadpool(render_all, path, settings, settings.templates)
            result = f"Alla {len(listed)} mallar går att fylla i mot {path.name} ({len(documents)} dokument)."
    except HsoError as exc:
        error = exc.paragraph()
    return web.render(request, "mallar.html", status=400 if error else 200, error=error, result=result,
                      templates=[{"name": t.path.name, "kind": t.kind, "once": str(t.once), "names": t.names}
                                 for t in listed], folder=settings.templates.name)


# -- login -------------------------------------------------------------------------------------

async def login_page(web, request, failed: bool = False):
    return web.render(request, "logga-in.html", status=401 if failed else 200, failed=failed)


async def login(web, request):
    import secrets

    from ..users import read_users, verify_password

    form = await request.form(max_fields=10)
    name, password = form.get("namn"), form.get("losenord")
    users = read_users(web.project)
    if not isinstance(name, str) or not isinstance(password, str) or name not in users \
            or not verify_password(password, users[name]):
        return await login_page(web, request, failed=True)
    session = request.state.session
    session.clear()
    session.update({"id": secrets.token_urlsafe(16), "user": name})  # a new id: a planted cookie is worth nothing
    request.state.session_changed = True
    return RedirectResponse("/", status_code=303)


async def logout(web, request):
    import secrets

    session = request.state.session
    session.clear()
    session["id"] = secrets.token_urlsafe(16)
    request.state.session_changed = True
    return RedirectResponse("/logga-in" if web.login else "/", status_code=303)
