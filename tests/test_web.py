"""The web page's routes through Starlette's test client: what each page shows, and what it refuses.

The browser tests (test_web_browser.py) do the round as a person does; these check the rules one by
one: an upload is checked and never overwrites, a bad file gets check's own paragraph, a form without
its CSRF token is refused, a file outside the last build is never served, login on another address.
"""

from __future__ import annotations

import html
import re
import shutil
import zipfile
from io import BytesIO
from pathlib import Path
from urllib.parse import quote

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from hso_xl.cli import main
from hso_xl.users import read_users, set_user, verify_password
from hso_xl.web import create_app
from hso_xl.web.runner import Run

from .conftest import ROOT, SAMPLE


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> Path:
    """A project folder as an administrator has it: input/ with the sample, templates/."""
    (tmp_path / "input").mkdir()
    shutil.copy(SAMPLE, tmp_path / "input" / SAMPLE.name)
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def token(client: TestClient, path: str = "/") -> str:
    return re.search(r'name="csrf" value="([^"]+)"', client.get(path).text)[1]


def text(response) -> str:
    """The page's text as a reader sees it (tags out, entities decoded, spaces folded)."""
    inline = re.sub(r"</?(span|a|strong|code)\b[^>]*>", "", response.text)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", inline)).split())


def test_every_page_is_swedish_with_its_security_headers(project):
    client = TestClient(create_app(project))
    for path, heading in [("/", "Start"), ("/bygg", "Bygg dokumenten"), ("/andringar", "Ändringar och utskick"),
                          ("/forklara", "Var kommer en siffra ifrån?")]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert f"<h1>{heading}</h1>" in response.text
        assert '<html lang="sv">' in response.text
        csp = response.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "<script>" not in response.text  # every script is a file of ours (the CSP forbids inline ones)
    start = text(client.get("/"))
    assert f"{SAMPLE.name}" in start and "används: den senast sparade" in start


def test_upload_is_checked_and_never_overwrites(project):
    client = TestClient(create_app(project))
    data = SAMPLE.read_bytes()
    response = client.post("/ladda-upp", data={"csrf": token(client)}, follow_redirects=False,
                           files={"arbetsbok": (f"../../{SAMPLE.name}", data, "application/octet-stream")})
    assert response.status_code == 303
    copy = SAMPLE.stem + " (2).xlsx"  # its own name was taken: the first one is kept as it was
    assert response.headers["location"] == "/kontroll?fil=" + quote(copy)
    assert (project / "input" / copy).read_bytes() == data
    assert sorted(p.name for p in (project / "input").iterdir()) == sorted([SAMPLE.name, copy])  # nothing staged

    page = client.get(response.headers["location"])
    shown = text(page)
    assert f"Kontroll av {copy}" in shown
    assert "Resultat: inga fel" in shown
    assert "Budget!C5: 2028: 'OH (indirekta kostnader)' skrivs ut som 1 428 101" in shown  # a finding, its cell
    assert "Summa projektkostnad" in shown and "Tillväxtverket" in shown
    assert 'href="/forklara?fil=' in page.text and "ref=Budget%21B4" in page.text  # a figure opens its explanation


def test_a_file_that_is_not_a_workbook_is_refused_with_checks_own_paragraph(project):
    client = TestClient(create_app(project))
    response = client.post("/ladda-upp", data={"csrf": token(client)},
                           files={"arbetsbok": ("Budget.xlsx", b"not a zip at all", "application/octet-stream")})
    assert response.status_code == 400
    assert not (project / "input" / "Budget.xlsx").exists()
    assert sorted(p.name for p in (project / "input").iterdir()) == [SAMPLE.name]
    (project / "input" / "Budget.xlsx").write_bytes(b"not a zip at all")
    cli = CliRunner().invoke(main, ["--lang", "sv", "check", "input/Budget.xlsx"])
    paragraph = cli.output.strip().splitlines()[-1]
    assert paragraph.startswith("Fel: input/Budget.xlsx: ")
    assert paragraph in text(response)


def test_a_form_without_its_token_is_refused(project):
    client = TestClient(create_app(project))
    for form in ({}, {"csrf": "forged"}):
        response = client.post("/bygg", data=form)
        assert response.status_code == 403
        assert "Formuläret gick inte att skicka" in response.text
    other = TestClient(create_app(project))  # a token from another server (another key) is worth nothing
    assert client.post("/bygg", data={"csrf": token(other)}).status_code == 403


def test_an_upload_over_the_limit_is_refused_before_it_is_read(project):
    app = create_app(project)
    app.limit = 10_000
    client = TestClient(app)
    response = client.post("/ladda-upp", data={"csrf": token(client)},
                           files={"arbetsbok": ("Stor.xlsx", b"x" * 20_000, "application/octet-stream")})
    assert response.status_code == 413
    assert "för stor" in response.text
    assert not (project / "input" / "Stor.xlsx").exists()


def test_a_second_build_is_refused_while_one_runs(project):
    app = create_app(project)
    client = TestClient(app)
    app.web.runner.current = Run(project / "input" / SAMPLE.name, None)  # one is running
    response = client.post("/bygg", data={"csrf": token(client, "/bygg")})
    assert response.status_code == 409
    assert f"Ett bygge pågår redan (av {SAMPLE.name}" in text(response)


def test_only_files_of_the_last_build_are_served(project):
    client = TestClient(create_app(project))
    (project / "hso.toml").write_text("strict = false\n", encoding="utf-8")
    for path in ("/filer/../hso.toml", "/filer/hso.toml", "/filer/%2e%2e/hso.toml", "/filer/input/" + SAMPLE.name):
        assert client.get(path).status_code == 404, path
    assert client.get("/alla-dokument.zip").status_code == 404


@pytest.mark.slow
def test_build_then_download_every_document_in_one_zip(project):
    app = create_app(project)
    client = TestClient(app)
    response = client.post("/bygg", data={"csrf": token(client, "/bygg")}, follow_redirects=False)
    assert response.status_code == 303
    app.web.runner.wait(300)
    status = client.get("/bygg/status").json()
    assert status["ok"], status
    assert status["done"] == status["total"] == len(status["rendered"]) == 17  # 7 municipalities, 8 co-financiers, 2 project
    page = text(client.get("/bygg"))
    assert "Till kommunerna" in page and "Ånge kommun – Beslutsunderlag.docx" in page
    archive = zipfile.ZipFile(BytesIO(client.get("/alla-dokument.zip").content))
    names = archive.namelist()
    assert "kommuner/Ånge kommun – Beslutsunderlag.docx" in names and "rapport.txt" in names
    document = archive.read("kommuner/Ånge kommun – Beslutsunderlag.docx")
    assert "1\u00a0363\u00a0221" in zipfile.ZipFile(BytesIO(document)).read("word/document.xml").decode("utf-8")
    one = client.get("/filer/kommuner/Ånge kommun – Beslutsunderlag.docx")
    assert one.content == document and "attachment" in one.headers["content-disposition"]


def test_explain_shows_the_tree_of_a_cell(project):
    client = TestClient(create_app(project))
    shown = text(client.get("/forklara", params={"ref": "eu.andel"}))
    assert "Arbetsbok: " + SAMPLE.name in shown
    assert "Finansiering!" in shown
    bad = client.get("/forklara", params={"ref": "eu.nonsense"})
    assert bad.status_code == 400 and 'role="alert"' in bad.text


def test_templates_page_lists_the_facts_each_uses_and_checks_them(project):
    shown = text(TestClient(create_app(project)).get("/mallar"))
    assert "Beslutsunderlag.docx" in shown and "kommun.totalt" in shown
    assert f"Alla 5 mallar går att fylla i mot {SAMPLE.name}" in shown


def test_on_another_address_every_page_asks_for_a_login(project):
    set_user(project, "anna", "ett långt lösenord")
    client = TestClient(create_app(project, login=True))
    for path in ("/", "/kontroll", "/bygg", "/andringar", "/mallar", "/bygg/status", "/alla-dokument.zip"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/logga-in", path
    assert client.post("/bygg", data={"csrf": token(client, "/logga-in")}).status_code == 403
    wrong = client.post("/logga-in", data={"csrf": token(client, "/logga-in"), "namn": "anna", "losenord": "fel"})
    assert wrong.status_code == 401 and "stämmer inte" in wrong.text
    right = client.post("/logga-in", data={"csrf": token(client, "/logga-in"), "namn": "anna",
                                           "losenord": "ett långt lösenord"})
    assert right.status_code == 200 and "Inloggad som anna" in right.text


def test_serve_refuses_another_address_without_a_user(project):
    result = CliRunner().invoke(main, ["--lang", "sv", "serve", "--host", "0.0.0.0", "--no-browser"])
    assert result.exit_code == 2
    assert "ingen användare finns som kan logga in. Lägg till en med hso-xl users add NAMN" in result.output


def test_users_add_keeps_a_hash_never_the_password(project):
    result = CliRunner().invoke(main, ["--lang", "sv", "users", "add", "bertil"],
                                input="hemligt lösenord\nhemligt lösenord\n")
    assert result.exit_code == 0, result.output
    assert "Lade till bertil" in result.output
    stored = (project / "hso-users.txt").read_text(encoding="utf-8")
    assert "hemligt" not in stored and "bertil:scrypt$" in stored
    assert verify_password("hemligt lösenord", read_users(project)["bertil"])
    assert not verify_password("hemligt lösenord!", read_users(project)["bertil"])
    short = CliRunner().invoke(main, ["--lang", "sv", "users", "add", "cecilia"], input="kort\nkort\n")
    assert short.exit_code == 2 and "lösenordet är kortare än 10 tecken" in short.output


@pytest.mark.slow
@pytest.mark.libreoffice
def test_a_document_is_previewed_as_a_pdf_in_the_browser(project):
    app = create_app(project)
    client = TestClient(app)
    client.post("/bygg", data={"csrf": token(client, "/bygg")})
    app.web.runner.wait(300)
    assert "förhandsvisa som pdf" in client.get("/bygg").text
    response = client.get("/forhandsvisa/kommuner/Ånge kommun – Beslutsunderlag.docx")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf" and response.content.startswith(b"%PDF")
    assert "inline" in response.headers["content-disposition"]
    assert client.get("/forhandsvisa/../hso.toml").status_code == 404
