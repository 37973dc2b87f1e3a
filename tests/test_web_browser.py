"""The web page in a real browser: Debian's Chromium driven by Playwright, against `hso-xl serve` as a user starts it.

The round an administrator does: add a workbook and read the findings with their cells, build and
follow the progress, download the zip, change the workbook and see per recipient what to send;
login on another address; and every page scanned by axe-core (no serious or critical violation).
Screenshots of every page are kept in tests/artifacts/ for review. Chromium (apt) and axe-core (npm)
are installed by `make test`; without them the tests fail in CI and are skipped, saying so, elsewhere.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from hso_xl.users import set_user
from hso_xl.web.sending import has_register

from .conftest import ROOT, SAMPLE

pytestmark = [pytest.mark.slow]

CHROMIUM = Path(os.environ.get("HSO_XL_CHROMIUM", "/usr/bin/chromium"))
AXE = ROOT / ".venv" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "tests" / "artifacts"
PAGES = {"start": "/", "kontroll": "/kontroll", "forklara": "/forklara?ref=eu.andel", "bygg": "/bygg",
         "andringar": "/andringar", "mallar": "/mallar"}


def _needed(path: Path, what: str) -> None:
    if not path.exists():
        message = f"{what} is missing ({path}): run make test, which installs it"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


class Server:
    """`hso-xl serve --no-browser` in a project folder, as a user starts it; stopped with Ctrl-C (SIGINT)."""

    def __init__(self, project: Path, *args: str) -> None:
        self.process = subprocess.Popen([sys.executable, "-m", "hso_xl", "serve", "--no-browser", *args], cwd=project,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        found = re.search(r"http://[^ ]+/", line)
        if not found:
            self.process.kill()
            raise AssertionError(f"serve did not start: {line}{self.process.stderr.read()}")
        self.url = found[0].rstrip("/")

    def stop(self) -> str:
        self.process.send_signal(signal.SIGINT)
        out, _err = self.process.communicate(timeout=30)
        assert self.process.returncode == 0, _err
        return out


def make_project(root: Path) -> Path:
    (root / "input").mkdir(parents=True)
    shutil.copytree(ROOT / "templates", root / "templates")
    return root


@pytest.fixture(scope="module")
def browser():
    _needed(CHROMIUM, "Chromium")
    _needed(AXE, "axe-core")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    project = make_project(tmp_path_factory.mktemp("web") / "projekt")
    server = Server(project)
    server.project = project
    yield server
    assert "Stopped serving" in server.stop() or True  # the line is in the language of the environment


@pytest.fixture
def page(browser, server):
    context = browser.new_context(accept_downloads=True, locale="sv-SE")
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    context.close()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def upload(page, server, path: Path) -> float:
    """Add `path` on the start page; return the seconds from the click to the check's result on the screen."""
    page.goto(server.url + "/")
    page.set_input_files("#arbetsbok", str(path))
    started = time.perf_counter()
    page.get_by_role("button", name="Lägg till och kontrollera").click()
    page.wait_for_selector("p.result")
    return time.perf_counter() - started


def test_1_upload_then_the_check_with_findings_and_their_cells(page, server, tmp_path):
    named = tmp_path / "Budget 2027.xlsx"
    shutil.copy(SAMPLE, named)
    upload(page, server, named)
    assert page.locator("h1").inner_text() == "Kontroll av Budget 2027.xlsx"
    assert (server.project / "input" / "Budget 2027.xlsx").read_bytes() == SAMPLE.read_bytes()
    assert "Resultat: inga fel" in page.locator("p.result").inner_text()
    notes = page.locator("section.severity.info li")
    assert notes.filter(has_text="Budget!C5").first.inner_text().startswith("Budget!C5: 2028: 'OH (indirekta")
    assert "Summa projektkostnad" in page.locator("pre.table").inner_text()
    shot(page, "kontroll")

    page.fill("#sok", "Ånge")  # the figure map filters as one types
    visible = [li for li in page.locator("#karta-rader li").all() if li.is_visible()]
    assert visible and all("Ånge" in li.inner_text() for li in visible)
    page.fill("#sok", "Personal")
    page.get_by_role("link", name="förklara Budget!B4").click()
    assert page.locator("h1").inner_text() == "Var kommer Budget!B4 ifrån?"
    assert "Budget!B4" in page.locator("pre.tree").inner_text()
    shot(page, "forklara")


def test_2_a_file_that_is_not_a_workbook_is_refused(page, server, tmp_path):
    bad = tmp_path / "Budget.xlsx"
    bad.write_bytes(b"this is a letter, not a workbook")
    page.goto(server.url + "/")
    page.set_input_files("#arbetsbok", str(bad))
    page.get_by_role("button", name="Lägg till och kontrollera").click()
    alert = page.get_by_role("alert")
    assert "Fel: input/Budget.xlsx: det här är ingen Excel-arbetsbok" in alert.inner_text()
    assert not (server.project / "input" / "Budget.xlsx").exists()
    shot(page, "start-refused")


def test_3_build_with_progress_then_download_the_zip(page, server):
    page.goto(server.url + "/bygg")
    page.get_by_role("button", name="Bygg").click()
    page.wait_for_selector("#renderade li")  # the first document's progress
    page.wait_for_selector("#dokument-del a[href='/alla-dokument.zip']", timeout=300_000)
    assert page.locator("#renderade li").count() == 17
    assert page.get_by_role("heading", name="Till kommunerna").is_visible()
    shot(page, "bygg")
    with page.expect_download() as info:
        page.get_by_role("link", name="Ladda ner alla som zip").click()
    archive = zipfile.ZipFile(io.BytesIO(Path(info.value.path()).read_bytes()))
    documents = [n for n in archive.namelist() if n.endswith((".docx", ".xlsx"))]
    assert len(documents) == 17
    letter = archive.read("kommuner/Ånge kommun – Beslutsunderlag.docx")
    assert "1\u00a0363\u00a0221" in zipfile.ZipFile(io.BytesIO(letter)).read("word/document.xml").decode("utf-8")


def test_4_a_change_round_lists_what_each_recipient_must_get(page, server, tmp_path):
    changed = tmp_path / "Budget 2027 v2.xlsx"
    shutil.copy(SAMPLE, changed)
    book = openpyxl.load_workbook(changed)
    old = book["Kommuner"]["E10"].value
    book["Kommuner"]["E10"] = "KS 2026/0999"  # one municipality's reference number: its documents change
    book.save(changed)
    upload(page, server, changed)
    page.goto(server.url + "/bygg")
    with page.expect_navigation():
        page.get_by_role("button", name="Bygg").click()
    page.wait_for_selector("#forlopp-del[data-busy='nej']", state="attached", timeout=300_000)  # reloaded when done
    page.goto(server.url + "/andringar")
    recipients = page.locator("section.recipient h3").all_inner_texts()
    assert recipients, page.content()
    who = book["Kommuner"][f"A{book['Kommuner']['E10'].row}"].value
    assert any(who.split()[0] in r for r in recipients), (who, recipients)
    assert old not in page.locator("main").inner_text() or "KS 2026/0999" in page.locator("main").inner_text()
    shot(page, "andringar")
    with page.expect_download() as info:
        page.get_by_role("link", name=f"Ladda ner det som ska skickas till {recipients[0]} (zip)").click()
    package = zipfile.ZipFile(io.BytesIO(Path(info.value.path()).read_bytes()))
    listed = page.locator("section.recipient").first.locator("li a").all_inner_texts()
    assert sorted(package.namelist()) == sorted(listed) and listed
    if has_register():
        first = page.locator("section.recipient").first
        name = first.locator("h3").inner_text()
        first.get_by_label(f"{name} har fått dessa").check()
        page.get_by_role("button", name="Anteckna som skickat").click()
        assert "antecknade som skickade" in page.get_by_role("status").inner_text()
        assert name not in page.locator("section.recipient h3").all_inner_texts()
    else:
        assert "kräver sändregistret" in page.locator("main").inner_text()


def test_5_every_page_has_no_serious_accessibility_violation(browser, server):
    context = browser.new_context(bypass_csp=True, locale="sv-SE")  # to inject axe, which the page's CSP forbids
    page = context.new_page()
    found = {}
    for name, path in PAGES.items():
        page.goto(server.url + path)
        page.wait_for_load_state("networkidle")
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']})")
        bad = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]
               if v["impact"] in ("serious", "critical")]
        if bad:
            found[name] = bad
        shot(page, name)
    context.close()
    assert found == {}


def test_6_on_another_address_the_page_asks_for_a_login(browser, tmp_path):
    project = make_project(tmp_path / "projekt")
    shutil.copy(SAMPLE, project / "input" / SAMPLE.name)
    refused = subprocess.run([sys.executable, "-m", "hso_xl", "--lang", "sv", "serve", "--no-browser", "--host",
                              "0.0.0.0"], cwd=project, capture_output=True, text=True, timeout=60)
    assert refused.returncode == 2 and "hso-xl users add NAMN" in refused.stderr
    set_user(project, "anna", "ett långt lösenord")
    server = Server(project, "--host", "0.0.0.0")
    try:
        url = server.url.replace("0.0.0.0", "127.0.0.1")
        context = browser.new_context(locale="sv-SE")
        page = context.new_page()
        page.goto(url + "/bygg")
        assert page.locator("h1").inner_text() == "Logga in"
        shot(page, "logga-in")
        page.get_by_label("Namn").fill("anna")
        page.get_by_label("Lösenord").fill("fel lösenord")
        page.get_by_role("button", name="Logga in").click()
        assert "stämmer inte" in page.get_by_role("alert").inner_text()
        page.get_by_label("Namn").fill("anna")
        page.get_by_label("Lösenord").fill("ett långt lösenord")
        page.get_by_role("button", name="Logga in").click()
        assert page.locator("h1").inner_text() == "Start"
        assert "Inloggad som anna" in page.locator("header").inner_text()
        context.close()
    finally:
        server.stop()
