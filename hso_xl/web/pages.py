"""The pages: each asks the library what the matching command asks it, and shows the answer in Swedish.

Start (workbooks, last build, upload), Kontroll (check, --map, explain), Bygg (build, progress,
documents), Ändringar och utskick (what to send to whom), Mallar (templates --check). A file name
from the browser is only ever compared with names listed from the folder, never used as a path.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response

from ..errors import HsoError
from ..findings import SEVERITY_WORDS, Severity
from ..i18n import _
from ..swedish import group

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


def _manifest(out: Path) -> dict | None:
    try:
        data = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _last_build(web) -> dict | None:
    out = web.settings().output
    manifest = _manifest(out)
    if manifest is None:
        return None
    built = dt.datetime.fromtimestamp((out / "manifest.json").stat().st_mtime).strftime("%Y-%m-%d %H:%M")
    return {"workbook": manifest.get("workbook", {}).get("path"), "built": built,
            "documents": len(manifest.get("documents", [])), "pdfs": len(manifest.get("pdfs", []))}


def _files(out: Path) -> dict[str, str]:
    """Every file the last build wrote that the page offers, by its path in the output folder: path -> kind."""
    manifest = _manifest(out) or {}
    files = {d["path"]: "document" for d in manifest.get("documents", []) if isinstance(d.get("path"), str)}
    files.update({p["path"]: "pdf" for p in manifest.get("pdfs", []) if isinstance(p.get("path"), str)})
    for extra in ("rapport.txt", "ÄNDRINGAR.md"):
        if (out / extra).is_file():
            files[extra] = "text"
    return files


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
        taken = take_workbook(upload.filename, data, web.settings())
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
        checked = _checked(web, path)
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
            tree = render_text(explain_workbook(path, ref, web.settings(), municipality))
        except HsoError as exc:
            error = exc.paragraph()
    return web.render(request, "forklara.html", status=400 if error else 200, ref=ref, municipality=municipality,
                      workbook=path.name if path else name, tree=tree, error=error)


# -- Bygg --------------------------------------------------------------------------------------

async def build_page(web, request, refused: str | None = None, status: int = 200):
    out = web.settings().output
    files = _files(out)
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


async def output_file(web, request):
    out = web.settings().output
    wanted = request.path_params["path"]
    kind = _files(out).get(wanted)
    if kind is None:
        return Response("Filen finns inte i det senaste bygget.", status_code=404, media_type="text/plain")
    inline = kind in ("pdf", "text")
    media = {"pdf": "application/pdf", "text": "text/plain; charset=utf-8"}.get(kind)
    return FileResponse(out / wanted, filename=Path(wanted).name, media_type=media,
                        content_disposition_type="inline" if inline else "attachment")


async def preview(web, request):
    """A document of the last build as a PDF in the browser: converted by LibreOffice as --pdf does, kept by content."""
    import hashlib
    import shutil
    import tempfile

    from starlette.concurrency import run_in_threadpool

    from ..render.pdf import convert_to_pdf

    out = web.settings().output
    wanted = request.path_params["path"]
    if _files(out).get(wanted) != "document":
        return Response("Filen finns inte i det senaste bygget.", status_code=404, media_type="text/plain")
    data = (out / wanted).read_bytes()
    cache = Path(tempfile.gettempdir()) / "hso-xl-preview"
    pdf = cache / f"{hashlib.sha256(data).hexdigest()}.pdf"
    if not pdf.is_file():
        try:
            with tempfile.TemporaryDirectory(prefix="hso-xl-preview-") as work:
                copy = Path(work) / f"dokument{Path(wanted).suffix.lower()}"
                copy.write_bytes(data)
                made = (await run_in_threadpool(convert_to_pdf, [copy], Path(work)))[0]
                cache.mkdir(exist_ok=True)
                shutil.copyfile(made, pdf.with_suffix(".new"))
                pdf.with_suffix(".new").replace(pdf)
        except HsoError as exc:
            return web.render(request, "fel.html", status=503, title="Förhandsvisningen gick inte att göra",
                              message=exc.paragraph())
    return FileResponse(pdf, filename=Path(wanted).with_suffix(".pdf").name, media_type="application/pdf",
                        content_disposition_type="inline")


async def all_documents(web, request):
    from ..package import write_package

    out = web.settings().output
    files = _files(out)
    if not files:
        return Response("Inga dokument ännu: bygg först.", status_code=404, media_type="text/plain")
    members = [(path, (out / path).read_bytes()) for path in sorted(files) if (out / path).is_file()]
    return Response(write_package(members), media_type="application/zip",
                    headers={"content-disposition": 'attachment; filename="dokument.zip"'})


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


async def recipient_package(web, request):
    """One recipient's documents to send, as one zip named after the recipient."""
    from ..package import write_package
    from .sending import recipients

    out = web.settings().output
    run = web.runner.last
    last_changes = run.result.changes if run is not None and run.result is not None else None
    wanted = request.query_params.get("namn")
    files = _files(out)
    for recipient in recipients(out, last_changes):
        if recipient.name == wanted:
            members = [(item.path, (out / item.path).read_bytes()) for item in recipient.items
                       if item.path in files and (out / item.path).is_file()]
            if members:
                from ..build import safe_name

                name = _quote(f"{safe_name(recipient.name)}.zip")
                return Response(write_package(members), media_type="application/zip",
                                headers={"content-disposition": f"attachment; filename*=UTF-8''{name}"})
    return Response("Ingenting att skicka till den mottagaren.", status_code=404, media_type="text/plain")


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
            documents = render_all(path, settings, settings.templates)
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
