"""Hostile Word templates: links to the outside world are never followed, files are never read.

A .docx can point outside itself: a picture linked from a web address instead of embedded, a
linked document template, an external data source. Word may fetch them when a person opens the
file; hso-xl must not, while rendering nor while LibreOffice converts the result to PDF. A local
HTTP server counts every request that reaches it: the count must stay 0.
"""

from __future__ import annotations

import http.server
import re
import subprocess
import threading
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from hso_xl.cli import main

from .conftest import ROOT, SAMPLE

INTYG = ROOT / "templates" / "finansiar" / "Medfinansieringsintyg.docx"
LINKED_PICTURE = (
    '<w:p><w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="952500" cy="952500"/>'
    '<wp:docPr id="901" name="Logotyp"/><a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
    '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
    '<pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture">'
    '<pic:nvPicPr><pic:cNvPr id="901" name="logo.png"/><pic:cNvPicPr/></pic:nvPicPr>'
    '<pic:blipFill><a:blip r:link="rIdRemotePicture"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
    '<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="952500" cy="952500"/></a:xfrm>'
    '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic>'
    '</wp:inline></w:drawing></w:r></w:p>'
)
LOCAL_PICTURE = LINKED_PICTURE.replace("rIdRemotePicture", "rIdLocalPicture").replace('id="901"', 'id="902"')
INCLUDED_PICTURE = '<w:p><w:r><w:fldSimple w:instr=\' INCLUDEPICTURE "{url}/falt.png" \\d \'/></w:r></w:p>'
REL = ('<Relationship Id="{id}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/{kind}" '
       'Target="{url}" TargetMode="External"/>')


class Counter(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self):  # noqa: N802 (http.server's naming)
        Counter.requests.append(self.path)
        self.send_response(404)
        self.end_headers()

    do_HEAD = do_POST = do_PROPFIND = do_OPTIONS = do_GET

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    Counter.requests = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Counter)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def hostile_template(path: Path, url: str, local_file: Path) -> Path:
    """The shipped certificate, with a picture linked from the web and one from a local file, an
    INCLUDEPICTURE field and a remote attached template."""
    with zipfile.ZipFile(INTYG) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "word/document.xml":
                text = data.decode("utf-8")
                text = text.replace("<w:body>", "<w:body>" + LINKED_PICTURE + LOCAL_PICTURE
                                    + INCLUDED_PICTURE.format(url=url), 1)
                data = text.encode("utf-8")
            elif info.filename == "word/_rels/document.xml.rels":
                links = (REL.format(id="rIdRemotePicture", kind="image", url=f"{url}/logo.png")
                         + REL.format(id="rIdLocalPicture", kind="image", url=local_file.as_uri()))
                data = data.replace(b"</Relationships>", links.encode() + b"</Relationships>")
            elif info.filename == "word/settings.xml":
                data = re.sub(rb"(<w:settings[^>]*>)", rb'\1<w:attachedTemplate r:id="rIdRemoteTemplate"/>', data, count=1)
                if b"xmlns:r=" not in data[:2000]:
                    data = data.replace(b"<w:settings ", b'<w:settings xmlns:r="http://schemas.openxmlformats.org/'
                                        b'officeDocument/2006/relationships" ', 1)
            zout.writestr(info, data)
        zout.writestr("word/_rels/settings.xml.rels",
                      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                      '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                      + REL.format(id="rIdRemoteTemplate", kind="attachedTemplate", url=f"{url}/mall.dotx")
                      + "</Relationships>")
    return path


def png(path: Path) -> Path:
    """A real 64x64 PNG: what a linked picture on the reader's disk would be."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\0" + b"\xff\x00\x00" * 64 for _ in range(64))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 64, 64, 8, 2, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
    return path


@pytest.mark.libreoffice
@pytest.mark.slow
def test_links_in_a_template_are_never_fetched(tmp_path, server):
    templates = tmp_path / "templates"
    (templates / "finansiar").mkdir(parents=True)
    secret = png(tmp_path / "hemlig.png")
    hostile_template(templates / "finansiar" / "Intyg.docx", server, secret)
    out = tmp_path / "output"

    result = CliRunner().invoke(main, ["build", str(SAMPLE), "--templates", str(templates), "--out", str(out),
                                       "--only", "Ånge", "--pdf"])

    assert result.exit_code == 0, result.output
    assert Counter.requests == []
    pdf = out / "finansiarer" / "Ånge kommun – Intyg.pdf"
    assert "Ånge kommun" in subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    images = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert len(images.strip().splitlines()) == 2, images  # the header lines only: the local picture was not read
    with zipfile.ZipFile(out / "finansiarer" / "Ånge kommun – Intyg.docx") as zf:
        rels = zf.read("word/_rels/document.xml.rels")
    assert f"{server}/logo.png".encode() in rels and secret.as_uri().encode() in rels  # the links really were there
    assert "warning: Intyg.docx: the template links a" in result.output
    for target in (f"{server}/logo.png", secret.as_uri(), f"{server}/mall.dotx"):
        assert target in result.output, target


@pytest.mark.libreoffice
@pytest.mark.slow
def test_the_control_picture_does_show_in_a_pdf(tmp_path):
    """The control for the test above: the same picture, embedded, does reach the PDF."""
    from docx import Document
    from docx.shared import Cm

    document = Document()
    document.add_paragraph("Bild")
    document.add_picture(str(png(tmp_path / "bild.png")), width=Cm(2))
    document.save(tmp_path / "bild.docx")
    from hso_xl.render.pdf import convert_to_pdf

    (pdf,) = convert_to_pdf([tmp_path / "bild.docx"], tmp_path)
    images = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert len(images.strip().splitlines()) == 3, images


@pytest.mark.parametrize("lang, picture, template", [
    ("en", "the template links a picture from http://127.0.0.1:9/logo.png instead of holding it; hso-xl never "
           "fetches it, so PDFs show an empty frame, and Word may fetch it when a reader opens the document. Insert it "
           "into the template instead (Insert > Pictures, without 'Link to File')",
     "the template links a document template from http://127.0.0.1:9/mall.dotx instead of holding it"),
    ("sv", "mallen länkar till en bild på http://127.0.0.1:9/logo.png i stället för att bädda in innehållet; hso-xl "
           "hämtar aldrig sådant, så PDF-filerna visar en tom ram, och Word kan hämta det när en läsare öppnar "
           "dokumentet. Infoga innehållet i mallen i stället (Infoga ▸ Bilder, utan 'Länka till fil')",
     "mallen länkar till en dokumentmall på http://127.0.0.1:9/mall.dotx i stället för att bädda in innehållet"),
])
def test_the_warning_about_links_names_what_is_linked(tmp_path, lang, picture, template):
    from types import SimpleNamespace

    from hso_xl.build import template_findings
    from hso_xl.i18n import speaking

    path = hostile_template(tmp_path / "Intyg.docx", "http://127.0.0.1:9", png(tmp_path / "hemlig.png"))
    findings = template_findings([SimpleNamespace(template=path)])
    with speaking(lang):
        messages = [str(f.message) for f in findings]
    assert picture in messages
    assert any(m.startswith(template) for m in messages)
    assert all(f.to_json()["message"].startswith("the template links ") for f in findings)  # JSON keeps English
