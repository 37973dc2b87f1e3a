"""The files of the last build, as the page offers them: one by one, as a PDF preview, all in a zip, per recipient.

Only a file the last build's manifest.json lists (and its rapport.txt and ÄNDRINGAR.md) is served:
the path in the address is looked up among those, never opened as it stands.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.responses import FileResponse, Response

from ..errors import HsoError


def manifest(out: Path) -> dict | None:
    """The last build's manifest.json in `out`, or None."""
    try:
        data = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def build_files(out: Path) -> dict[str, str]:
    """Every file the last build wrote that the page offers, by its path in the output folder: path -> kind."""
    listed = manifest(out) or {}
    files = {d["path"]: "document" for d in listed.get("documents", []) if isinstance(d.get("path"), str)}
    files.update({p["path"]: "pdf" for p in listed.get("pdfs", []) if isinstance(p.get("path"), str)})
    for extra in ("rapport.txt", "ÄNDRINGAR.md"):
        if (out / extra).is_file():
            files[extra] = "text"
    return files


async def output_file(web, request):
    out = web.settings().output
    wanted = request.path_params["path"]
    kind = build_files(out).get(wanted)
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

    from ..render.pdf import convert_to_pdf

    out = web.settings().output
    wanted = request.path_params["path"]
    if build_files(out).get(wanted) != "document":
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
    files = build_files(out)
    if not files:
        return Response("Inga dokument ännu: bygg först.", status_code=404, media_type="text/plain")
    members = [(path, (out / path).read_bytes()) for path in sorted(files) if (out / path).is_file()]
    return Response(write_package(members), media_type="application/zip",
                    headers={"content-disposition": 'attachment; filename="dokument.zip"'})


async def recipient_package(web, request):
    """One recipient's documents to send, as one zip named after the recipient."""
    from ..package import write_package
    from .sending import recipients

    out = web.settings().output
    run = web.runner.last
    last_changes = run.result.changes if run is not None and run.result is not None else None
    wanted = request.query_params.get("namn")
    files = build_files(out)
    for recipient in recipients(out, last_changes):
        if recipient.name == wanted:
            members = [(item.path, (out / item.path).read_bytes()) for item in recipient.items
                       if item.path in files and (out / item.path).is_file()]
            if members:
                from ..build import safe_name

                name = quote(f"{safe_name(recipient.name)}.zip")
                return Response(write_package(members), media_type="application/zip",
                                headers={"content-disposition": f"attachment; filename*=UTF-8''{name}"})
    return Response("Ingenting att skicka till den mottagaren.", status_code=404, media_type="text/plain")
