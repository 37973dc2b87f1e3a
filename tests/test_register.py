"""The send register (issue 20): each recipient gets what it lacks, until it is recorded as sent.

The three-build scenario of the issue runs through the command line as an administrator would:
build; change Kramfors's diarienummer and build; change Ånge's and build; Kramfors's documents stay
listed until `hso-xl sent Kramfors` records them. The register itself is tested below: append-only,
migrated, two processes at once, and a process killed with SIGKILL mid-write.
"""

from __future__ import annotations

import email
import multiprocessing
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from email import policy
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from hso_xl.changes.register import SCHEMA_VERSION, NewSent, open_register, register_path
from hso_xl.cli import main

from .conftest import ROOT, SAMPLE

REPORT_DATA = SAMPLE.with_name("Rapportdata_2025.xlsx")
KRAMFORS = ["finansiarer/Kramfors kommun – Medfinansieringsintyg.docx", "kommuner/Kramfors kommun – Beslutsunderlag.docx"]
ANGE = ["finansiarer/Ånge kommun – Medfinansieringsintyg.docx", "kommuner/Ånge kommun – Beslutsunderlag.docx"]


def variant(folder: Path, **cells) -> Path:
    """The sample with Kramfors's e-mail address in an 'E-post' column, and `cells` (Sheet_A1=value) typed in."""
    folder.mkdir(parents=True)
    shutil.copy(REPORT_DATA, folder / REPORT_DATA.name)
    wb = openpyxl.load_workbook(SAMPLE)
    wb["Kommuner"]["J3"] = "E-post"
    wb["Kommuner"]["J5"] = "registrator@kramfors.se"
    for reference, value in cells.items():
        sheet, cell = reference.split("_")
        wb[sheet][cell] = value
    path = folder / SAMPLE.name
    wb.save(path)
    return path


def run(*args: str) -> str:
    result = CliRunner().invoke(main, ["--lang", "sv", *args])
    assert result.exit_code == 0, result.output
    return result.output


def build(workbook: Path, out: Path) -> str:
    return run("build", str(workbook), "--out", str(out), "--templates", str(ROOT / "templates"))


def listed(out: Path) -> dict[str, dict[str, str]]:
    """ÄNDRINGAR.md's documents to send again, per recipient: {recipient: {path: why}}."""
    text = (out / "ÄNDRINGAR.md").read_text(encoding="utf-8")
    section = text.split("## Dokument att skicka igen", 1)[1].split("\n## ", 1)[0] if "## Dokument att" in text else ""
    found: dict[str, dict[str, str]] = {}
    recipient = None
    for line in section.splitlines():
        if line.startswith("### "):
            recipient = line[4:]
        match = re.match(r"- (\S.*?\.(?:docx|xlsx)) \((.*)\)$", line)
        if match:
            found.setdefault(recipient, {})[match[1]] = match[2]
    return found


@pytest.mark.slow
def test_three_builds_kramfors_stays_listed_until_sent_and_a_revert_lists_it_again(tmp_path):
    out = tmp_path / "project" / "output"
    build(variant(tmp_path / "1"), out)
    assert register_path(out) == tmp_path / "project" / ".hso" / "register.sqlite" and register_path(out).exists()
    build(variant(tmp_path / "2", Kommuner_E5="KS 2026/999"), out)
    assert sorted(listed(out)["Kramfors kommun"]) == KRAMFORS
    console = build(variant(tmp_path / "3", Kommuner_E5="KS 2026/999", Kommuner_E6="Dnr KS 2026/99"), out)
    now = listed(out)
    assert sorted(now) == ["Kramfors kommun", "Ånge kommun"]  # Kramfors is not forgotten by the second change
    assert now["Kramfors kommun"][KRAMFORS[1]] == \
        "visar ändrade uppgifter: Kommuner!E5 [Kramfors · Diarienummer KS] KS 2026/112 → KS 2026/999"
    shown = console.splitlines()  # per recipient, each compared with what it has
    header = next(i for i, line in enumerate(shown) if line.startswith("  skicka igen Kramfors kommun"))
    assert re.fullmatch(r"  skicka igen Kramfors kommun \(inget registrerat som skickat: jämfört med första bygget "
                        r"\d{4}-\d\d-\d\d \d\d:\d\d\):", shown[header]), shown[header]
    assert shown[header + 1].startswith(" " * 16 + "finansiarer/Kramfors kommun – Medfinansieringsintyg.docx")

    said = run("sent", "Kramfors", "--out", str(out), "--by", "Anna", "--how", "e-post")
    assert re.search(r"Registrerade 3 dokument som skickade till Kramfors kommun \(\S+ \S+, av Anna, e-post\)", said)
    build(variant(tmp_path / "4", Kommuner_E5="KS 2026/999", Kommuner_E6="Dnr KS 2026/99"), out)
    assert sorted(listed(out)) == ["Ånge kommun"]
    # Kramfors back to its old number after it received the new one: its documents differ from what it has
    build(variant(tmp_path / "5", Kommuner_E6="Dnr KS 2026/99"), out)
    now = listed(out)
    assert sorted(now["Kramfors kommun"]) == KRAMFORS
    assert now["Kramfors kommun"][KRAMFORS[0]].endswith("KS 2026/999 → KS 2026/112")
    assert "Senast registrerat som skickat" in (out / "ÄNDRINGAR.md").read_text(encoding="utf-8")
    # Ånge back to the first build's number before anything was sent to it: nothing to send it again
    build(variant(tmp_path / "6"), out)
    assert sorted(listed(out)) == ["Kramfors kommun"]
    with open_register(out) as register:
        rows = register.history("Kramfors kommun")
        assert {r.by for r in rows} == {"Anna"} and len(rows) == 3
        built = (out / KRAMFORS[1]).read_bytes()
        assert register.blob(rows[1].content) != built  # what was sent, kept: the 999 version, not today's


@pytest.mark.slow
def test_diff_lists_per_recipient_what_it_lacks_by_the_register(tmp_path):
    out = tmp_path / "project" / "output"
    build(variant(tmp_path / "1"), out)
    run("sent", "--all", "--out", str(out), "--by", "Anna")
    second = variant(tmp_path / "2", Kommuner_E5="KS 2026/999")  # built, never sent
    build(second, out)
    third = variant(tmp_path / "3", Kommuner_E5="KS 2026/999", Kommuner_E6="Dnr KS 2026/99")
    templates = ("--templates", str(ROOT / "templates"))
    alone = run("diff", str(second), str(third), *templates, "--out", str(tmp_path / "output"))  # no register
    assert "Kramfors kommun" not in alone and "  skicka igen Ånge kommun:" in alone
    said = run("diff", str(second), str(third), *templates, "--out", str(out)).splitlines()
    assert said[0] == (f"Dokument att skicka: det som läses annorlunda i {third} än det varje mottagare senast fick "
                       f"(utskicksregistret {register_path(out)}).")
    # the inputs are those from OLD to NEW; the documents are what each recipient lacks: Kramfors's too
    assert "  indata      Kommuner!E6 [Ånge · Diarienummer KS]: Dnr KS 2026/37 → Dnr KS 2026/99" in said
    assert not [line for line in said if line.startswith("  indata") and "Kommuner!E5" in line]
    headers = [line for line in said if line.startswith("  skicka igen ")]
    assert [re.sub(r" \(.*", "", h) for h in headers] == ["  skicka igen Kramfors kommun", "  skicka igen Ånge kommun"]
    assert re.fullmatch(r"  skicka igen Kramfors kommun \(jämfört med versionen registrerad som skickad "
                        r"\d{4}-\d\d-\d\d \d\d:\d\d\):", headers[0])
    kramfors = said.index(headers[0])
    assert said[kramfors + 1] == " " * 16 + KRAMFORS[0] and said[kramfors + 2] == " " * 16 + KRAMFORS[1]
    assert "KS 2026/112 → KS 2026/999" in said[kramfors + 3]
    english = CliRunner().invoke(main, ["--lang", "en", "diff", str(second), str(third), *templates, "--out",
                                        str(out)]).output
    assert "  resend Kramfors kommun (compared with the version recorded as sent " in english
    assert "(the send register " in english.splitlines()[0]


@pytest.mark.slow
def test_a_deleted_output_folder_is_compared_with_the_register_not_called_a_first_build(tmp_path):
    out = tmp_path / "project" / "output"
    build(variant(tmp_path / "1"), out)
    run("sent", "--all", "--out", str(out))
    changed = variant(tmp_path / "2", Kommuner_E5="KS 2026/999")
    build(changed, out)  # Kramfors's revision, not yet sent
    shutil.rmtree(out)
    console = build(changed, out)
    text = (out / "ÄNDRINGAR.md").read_text(encoding="utf-8")
    said = ("Utdatamappen innehöll inget tidigare bygge (den är ny, tömd eller flyttad), men utskicksregistret känner "
            "till tidigare byggen: det här bygget jämförs med det senaste av dem (")
    assert said in console and said in text
    assert "Första bygget" not in text and "första bygget" not in console.lower()
    assert listed(out) == {"Kramfors kommun": {path: "visar ändrade uppgifter: Kommuner!E5 [Kramfors · Diarienummer "
                                               "KS] KS 2026/112 → KS 2026/999" for path in KRAMFORS}}
    assert "skrevs igen" not in text  # not 'written again' for every document of a new folder
    run("sent", "--all", "--out", str(out))
    shutil.rmtree(out)
    console = CliRunner().invoke(main, ["--lang", "en", "build", str(changed), "--out", str(out), "--templates",
                                        str(ROOT / "templates")]).output
    assert "The output folder held no earlier build (it is new, or was emptied or moved)" in console
    assert listed(out) == {}


@pytest.mark.slow
def test_outbox_writes_a_draft_per_recipient_that_email_reads_back(tmp_path):
    out = tmp_path / "output"
    build(variant(tmp_path / "1"), out)
    run("sent", "--all", "--out", str(out))
    build(variant(tmp_path / "2", Kommuner_E5="KS 2026/999", Kommuner_E6="Dnr KS 2026/99"), out)
    console = run("outbox", "--out", str(out))
    folders = sorted(p.name for p in (out / "utskick").iterdir())
    assert folders == ["Kramfors kommun", "Ånge kommun"]
    assert "ett utkast till registrator@kramfors.se" in console
    assert "uppgifterna har ingen e-postadress till Ånge kommun" in console and "'E-post'" in console

    raw = (out / "utskick" / "Kramfors kommun" / "Kramfors kommun.eml").read_bytes()
    message = email.message_from_bytes(raw, policy=policy.default)
    assert message["X-Unsent"] == "1"
    assert message["To"] == "registrator@kramfors.se"
    assert message["Subject"] == "HSO – Hållbar samhällsomställning: 2 dokument till Kramfors kommun"
    attachments = {part.get_filename(): part.get_content() for part in message.iter_attachments()}
    assert sorted(attachments) == sorted(Path(p).name for p in KRAMFORS)
    for path in KRAMFORS:
        assert attachments[Path(path).name] == (out / path).read_bytes()
        assert (out / "utskick" / "Kramfors kommun" / Path(path).name).read_bytes() == (out / path).read_bytes()
    body = message.get_body(("plain",)).get_content()
    assert "Kramfors kommun – Beslutsunderlag: ersätter versionen ni fick" in body
    assert "Diarienummer KS: KS 2026/112 → KS 2026/999" in body and "Kommuner!" not in body

    ange = email.message_from_bytes((out / "utskick" / "Ånge kommun" / "Ånge kommun.eml").read_bytes(),
                                    policy=policy.default)
    assert ange["To"] is None and ange["X-Unsent"] == "1"

    # a build drops the outbox (archived with the previous set): no stale draft, nothing earlier recorded as sent
    build(variant(tmp_path / "3", Kommuner_E5="KS 2026/999", Kommuner_E6="Dnr KS 2026/99"), out)
    assert not (out / "utskick").exists()
    run("outbox", "--out", str(out), "Kramfors", "Ånge")
    run("sent", "kramfors kommun", "Ånge", "--out", str(out))  # names as people write them
    assert run("outbox", "--out", str(out)).startswith("Inget att skicka")
    assert not (out / "utskick").exists()


@pytest.mark.slow
def test_hso_toml_addresses_the_drafts_of_financiers_that_are_not_municipalities(tmp_path, monkeypatch):
    project = tmp_path / "project"
    out = project / "output"
    build(variant(tmp_path / "1"), out)
    (project / "hso.toml").write_text('[mottagare."Region Västernorrland"]\nepost = "registrator@rvn.se"\n\n'
                                      '[mottagare.\"tillväxtverket\"]\nepost = "tillvaxtverket@tillvaxtverket.se"\n\n'
                                      '[mottagare.Kramfors]\nepost = "annan@kramfors.se"\n', encoding="utf-8")
    monkeypatch.chdir(project)
    console = run("outbox")
    assert "ett utkast till registrator@rvn.se" in console and "ett utkast till tillvaxtverket@tillvaxtverket.se" in console
    for folder, to in (("Region Västernorrland", "registrator@rvn.se"),
                       ("Tillväxtverket", "tillvaxtverket@tillvaxtverket.se"),
                       ("Kramfors kommun", "registrator@kramfors.se")):  # the facts' address wins
        message = email.message_from_bytes((out / "utskick" / folder / f"{folder}.eml").read_bytes(),
                                           policy=policy.default)
        assert message["To"] == to and message["X-Unsent"] == "1"
    ange = email.message_from_bytes((out / "utskick" / "Ånge kommun" / "Ånge kommun.eml").read_bytes(),
                                    policy=policy.default)
    assert ange["To"] is None
    (project / "hso.toml").write_text('[mottagare."Region Västernorrland"]\nepost = "registrator rvn.se"\n',
                                      encoding="utf-8")
    result = CliRunner().invoke(main, ["--lang", "sv", "outbox"])
    assert result.exit_code == 2 and "'mottagare.\"Region Västernorrland\".epost' är ingen e-postadress" in \
        result.output and "Traceback" not in result.output


def test_sent_names_an_unknown_recipient_and_records_nothing(tmp_path):
    out = tmp_path / "output"
    out.mkdir()
    result = CliRunner().invoke(main, ["--lang", "sv", "sent", "--all", "--out", str(out)])
    assert result.exit_code == 2 and "utdatamappen innehåller inget bygge" in result.output
    result = CliRunner().invoke(main, ["--lang", "sv", "sent", "--out", str(out)])
    assert result.exit_code == 2 and "--all" in result.output and "Traceback" not in result.output


# -- the register itself -------------------------------------------------------------------------------

def _rows(n: int, tag: str, size: int = 1000) -> list[NewSent]:
    return [NewSent(f"Mottagare {tag}", f"kommuner/{tag} {i}.docx", f"r:{tag}{i}", os.urandom(size) + tag.encode(),
                    {"version": 2, "tag": tag}) for i in range(n)]


def test_a_new_register_is_migrated_in_wal_and_never_rewrites_a_row(tmp_path):
    out = tmp_path / "output"
    with open_register(out, create=False) as register:
        assert register is None  # no register yet: a first round, nothing created
    with open_register(out) as register:
        register.record_sent(_rows(2, "a"), "Anna", "e-post")
    db = sqlite3.connect(register_path(out))
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("UPDATE sent SET by = 'Bo'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("DELETE FROM sent")
    db.close()
    with open_register(out) as register:  # a correction is a new row; the newest is what the recipient has
        register.record_sent(_rows(1, "a")[:1], "Bo", "post")
        assert [r.by for r in register.history()] == ["Anna", "Anna", "Bo"]
        assert register.last_sent()[("Mottagare a", "kommuner/a 0.docx")].by == "Bo"


def test_a_register_of_a_newer_hso_xl_is_refused_with_a_paragraph(tmp_path):
    from hso_xl.errors import OutputProblem

    out = tmp_path / "output"
    with open_register(out):
        pass
    db = sqlite3.connect(register_path(out))
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.commit()
    db.close()
    with pytest.raises(OutputProblem, match="newer hso-xl"):
        with open_register(out):
            pass


def _mark(out: str, tag: str, n: int) -> None:
    for row in _rows(n, tag):
        with open_register(Path(out)) as register:
            register.record_sent([row], tag, "e-post")


@pytest.mark.slow
def test_two_processes_marking_at_once_lose_nothing(tmp_path):
    out = tmp_path / "output"
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_mark, args=(str(out), tag, 40)) for tag in ("a", "b")]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
        assert worker.exitcode == 0
    with open_register(out) as register:
        rows = register.history()
        assert len(rows) == 80 and {r.by for r in rows} == {"a", "b"}
        assert all(register.blob(r.content) is not None for r in rows)


KILLED_WRITER = """
import sys
from pathlib import Path
from tests.test_register import _rows
from hso_xl.changes.register import open_register
with open_register(Path(sys.argv[1])) as register:
    print("ready", flush=True)
    for i in range(100000):
        register.record_sent(_rows(5, f"k{i}", 20000), "killed", "e-post")
"""


@pytest.mark.slow
def test_a_process_killed_mid_write_leaves_every_row_whole(tmp_path):
    out = tmp_path / "output"
    writer = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, str(out)], cwd=ROOT, stdout=subprocess.PIPE)
    assert writer.stdout.readline().strip() == b"ready"
    time.sleep(1.5)
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    writer.stdout.close()
    with open_register(out) as register:
        assert register.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert register.db.execute("PRAGMA foreign_key_check").fetchall() == []
        rows = register.history()
        assert rows and len(rows) % 5 == 0  # whole transactions only: five rows each
        for row in rows:
            assert row.document.startswith("kommuner/") and register.blob(row.content) is not None
            assert register.snapshot(row.snapshot) is not None
        register.record_sent(_rows(1, "after"), "Anna", "e-post")  # and it takes the next write


# -- cause and effect -------------------------------------------------------------------------------

@pytest.mark.slow
def test_a_number_typed_over_a_formula_is_named_with_the_formula_and_check_flags_it(tmp_path):
    import json

    overwritten = variant(tmp_path / "typed", Finansiering_E9=500_000)  # Ånge 2028 was =D9 (454 407)
    result = CliRunner().invoke(main, ["diff", str(variant(tmp_path / "before")), str(overwritten), "--json",
                                       "--templates", str(ROOT / "templates")])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["inputs"] == [{"kind": "changed", "name": "Finansiering!E9", "label": "Ånge kommun · 2028",
                                 "old": 454407, "new": 500000, "formula": {"old": "=D9"}}]
    documents = {d["path"]: d for d in report["documents"]}
    ange = documents["kommuner/Ånge kommun – Beslutsunderlag.docx"]["reasons"]
    assert ange[0] == {"kind": "decision"}  # its att-clause names Ånge's amount: the proposed decision changed
    assert ange[1]["kind"] == "inputs" and ange[1]["inputs"][0]["cell"] == "Finansiering!E9"
    assert ange[1]["inputs"][0]["old"] == {"formula": "=D9", "value": 454407}
    # the effects follow from the cause: Ånge's 2029 (=E9) and the balancing Tillväxtverket are computed from it
    figures = {i["cell"] for i in ange[2]["inputs"]} if ange[2]["kind"] == "figures" else set()
    assert {"Finansiering!F9", "Finansiering!E6"} <= figures
    harnosand = documents["kommuner/Härnösands kommun – Beslutsunderlag.docx"]["reasons"]
    assert [r["kind"] for r in harnosand] == ["inputs", "figures"]  # only its table changed, not its decision

    text = CliRunner().invoke(main, ["--lang", "sv", "diff", str(variant(tmp_path / "b2")), str(overwritten),
                                     "--templates", str(ROOT / "templates")]).output
    assert ("indata      Finansiering!E9 [Ånge kommun · 2028]: =D9 (454 407) → 500 000 (ett tal inskrivet över "
            "formeln)") in text
    assert "kommuner/Ånge kommun – Beslutsunderlag.docx (förslaget till beslut har ändrats; visar ändrade" in text

    check = CliRunner().invoke(main, ["check", str(overwritten), "--json"])
    flagged = [f for f in json.loads(check.output)["findings"] if f["code"] == "workbook.inconsistent_formula"]
    assert [(f["location"], f["details"]["formula"]) for f in flagged] == [("Finansiering!E9", "=D9")]
    assert "500 000" in flagged[0]["message"] and "E8, E10" in flagged[0]["message"]
    clean = CliRunner().invoke(main, ["check", str(SAMPLE), "--json"])
    assert not [f for f in json.loads(clean.output)["findings"] if f["code"] == "workbook.inconsistent_formula"]


@pytest.mark.slow
def test_a_revised_document_that_keeps_its_date_says_which_rule_dated_it(tmp_path):
    out = tmp_path / "output"
    build(variant(tmp_path / "1"), out)
    console = build(variant(tmp_path / "2", Kommuner_E5="KS 2026/999"), out)
    assert ("2 dokument att skicka igen behåller datumet 2026-01-30: Dokumentdatum (Projekt!B18) daterar alla "
            "dokument.") in console


@pytest.mark.slow
def test_a_revised_document_that_keeps_its_dnr_says_so_and_where_the_dnr_comes_from(tmp_path):
    out = tmp_path / "output"
    build(variant(tmp_path / "1"), out)
    run("sent", "--all", "--out", str(out))
    # Kramfors gets a new Dnr; Ånge's amount changes, its Dnr does not
    console = build(variant(tmp_path / "2", Kommuner_E5="KS 2026/999", Finansiering_D9=500_000), out)
    text = (out / "ÄNDRINGAR.md").read_text(encoding="utf-8")
    note = next(line for line in text.splitlines() if "behåller diarienumren" in line)
    assert note.startswith("- 7 dokument att skicka igen behåller diarienumren från versionerna de ersätter: ")
    assert "Dnr KS 2026/37 (Kommuner!E6)" in note and "KS 2026/000045 (Kommuner!E4)" in note
    assert "KS 2026/112" not in note and "KS 2026/999" not in note  # Kramfors's Dnr changed: nothing to say
    assert "ändra det där och bygg igen" in note
    assert "7 dokument att skicka igen behåller diarienumren" in console and "… 2 till" in console
    english = CliRunner().invoke(main, ["--lang", "en", "build", str(variant(tmp_path / "3", Kommuner_E5="KS 2026/999",
                                        Finansiering_D9=500_000)), "--out", str(out), "--templates",
                                        str(ROOT / "templates")]).output
    assert "7 documents to send again keep the Dnr of the version they replace: KS 2026/000045 (Kommuner!E4)" in \
        english
    # once recorded as sent, a later revision compares its Dnr with that version
    run("sent", "--all", "--out", str(out))
    build(variant(tmp_path / "4", Kommuner_E5="KS 2026/1000", Finansiering_D9=500_000, Finansiering_D10=500_000), out)
    note = next(line for line in (out / "ÄNDRINGAR.md").read_text(encoding="utf-8").splitlines()
                if "behåller diarienumr" in line)
    assert "KS 2026/1000" not in note and "KS 2026/999" not in note and "Dnr KS 2026/37 (Kommuner!E6)" in note


@pytest.mark.slow
def test_a_recipient_added_stays_listed_until_sent_and_a_recipient_removed_is_said_once(tmp_path):
    from .helpers.excel_rows import insert_row

    def with_financier(folder: Path) -> Path:
        path = variant(folder)
        wb = openpyxl.load_workbook(path)
        insert_row(wb, "Finansiering", 10, {"A": "Mittuniversitetet", "B": "offentlig", "C": "kontant", "D": 100_000,
                                            "E": "=D10", "F": "=E10", "G": "=SUM(D10:F10)"})
        wb.save(path)
        return path

    certificate = "finansiarer/Mittuniversitetet – Medfinansieringsintyg.docx"
    out = tmp_path / "output"
    build(variant(tmp_path / "1"), out)
    run("sent", "--all", "--out", str(out))
    build(with_financier(tmp_path / "2"), out)
    assert listed(out)["Mittuniversitetet"] == {certificate: "nytt dokument"}
    build(with_financier(tmp_path / "3"), out)  # built again, not yet sent: still listed
    assert listed(out)["Mittuniversitetet"] == {certificate: "nytt dokument"}
    run("sent", "Mittuniversitetet", "--out", str(out))
    build(with_financier(tmp_path / "4"), out)
    assert "Mittuniversitetet" not in listed(out)
    build(variant(tmp_path / "5"), out)  # the financier is gone: said once, with the documents it had
    assert listed(out)[None][certificate] == "skapas inte längre"
    build(variant(tmp_path / "6"), out)
    assert None not in listed(out)


@pytest.mark.slow
def test_a_template_edit_after_sending_lists_its_documents_until_reverted(tmp_path):
    from .test_field_changes import _split_first_run

    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    out = tmp_path / "output"
    workbook = variant(tmp_path / "1")

    def build_with(templates_dir: Path) -> None:
        run("build", str(workbook), "--out", str(out), "--templates", str(templates_dir))

    build_with(templates)
    run("sent", "--all", "--out", str(out))
    original = (templates / "finansiar" / "Medfinansieringsintyg.docx").read_bytes()
    _split_first_run(templates / "finansiar" / "Medfinansieringsintyg.docx", bold=True)  # a reader sees it
    build_with(templates)
    now = listed(out)
    assert sum(len(docs) for docs in now.values()) == 8
    assert {why for docs in now.values() for why in docs.values()} == {"mallen har ändrats"}
    build_with(templates)  # again, unsent: still the eight
    assert sum(len(docs) for docs in listed(out).values()) == 8
    (templates / "finansiar" / "Medfinansieringsintyg.docx").write_bytes(original)  # back to what they have
    build_with(templates)
    assert listed(out) == {}


def test_the_proposed_decision_is_its_section_its_att_clauses_or_what_a_bookmark_marks():
    import io

    from docx import Document
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    from hso_xl.output.decision import decision_text

    def saved(doc) -> bytes:
        buffer = io.BytesIO()
        doc.save(buffer)
        return buffer.getvalue()

    doc = Document()
    doc.add_heading("Förslag till beslut", 1)
    doc.add_paragraph("Kommunstyrelsen beslutar")
    doc.add_paragraph("att medfinansiera projektet med 100 kronor per år")
    doc.add_heading("Bakgrund", 1)
    doc.add_paragraph("Tabellen nedan visar kostnaderna.")
    doc.add_paragraph("att notera: en mening i bakgrunden som börjar med att")
    assert decision_text(saved(doc)) == ("Kommunstyrelsen beslutar\natt medfinansiera projektet med 100 kronor per år\n"
                                         "att notera: en mening i bakgrunden som börjar med att")

    marked = Document()
    marked.add_paragraph("Inledning")
    paragraph = marked.add_paragraph("Regionen föreslås bevilja 200 kronor.")
    start, end = OxmlElement("w:bookmarkStart"), OxmlElement("w:bookmarkEnd")
    start.set(qn("w:id"), "7")
    start.set(qn("w:name"), "Beslut")
    end.set(qn("w:id"), "7")
    paragraph._p.insert(0, start)
    paragraph._p.append(end)
    marked.add_paragraph("Övrigt om projektet.")
    assert decision_text(saved(marked)) == "Regionen föreslås bevilja 200 kronor."

    plain = Document()
    plain.add_paragraph("En rapport utan beslut.")
    assert decision_text(saved(plain)) is None
