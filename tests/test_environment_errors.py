"""The computer's own faults (disk full, read-only, no permission, a file gone, memory) in the administrator's
words: one paragraph, exit 2, nothing half-written, and never called a bug of hso-xl."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess

import pytest
from click.testing import CliRunner

from hso_xl.cli import main
from hso_xl.errors import EXIT_UNUSABLE, EnvironmentProblem, environment_problem

from .conftest import SAMPLE
from .test_build import build, templates  # noqa: F401  (the fixture)

BUG = "This is a bug"


@pytest.mark.parametrize("code", sorted(errno.errorcode))
def test_every_error_the_system_can_give_is_said_without_calling_it_a_bug(code):
    problem = environment_problem(OSError(code, os.strerror(code), "output/kommuner/Ånge kommun – Beslut.docx"))
    assert isinstance(problem, EnvironmentProblem) and problem.exit_code == EXIT_UNUSABLE
    text = problem.paragraph()
    assert text.startswith("output/kommuner/Ånge kommun – Beslut.docx: ")
    assert BUG not in text and "Errno" not in text and "OSError" not in text
    assert "\n" not in text


@pytest.mark.parametrize("exc, words", [
    (OSError(errno.ENOSPC, "No space left on device"), "the disk is full"),
    (OSError(errno.EROFS, "Read-only file system"), "a disk that can only be read"),
    (PermissionError(errno.EACCES, "Permission denied"), "permission denied"),
    (FileNotFoundError(errno.ENOENT, "No such file or directory"), "moved or deleted while the command ran"),
    (MemoryError(), "ran out of memory"),
])
def test_each_fault_has_its_own_paragraph(exc, words):
    assert words in environment_problem(exc).paragraph()


def test_real_bugs_are_still_called_bugs():
    assert environment_problem(ValueError("x")) is None and environment_problem(KeyError("x")) is None


@pytest.mark.parametrize("code, words", [(errno.ENOSPC, "the disk is full"),
                                         (errno.EROFS, "a disk that can only be read"),
                                         (errno.EACCES, "permission denied")])
def test_a_build_stopped_by_the_disk_leaves_the_previous_documents(tmp_path, templates, monkeypatch,  # noqa: F811
                                                                   code, words):
    result, out = build(tmp_path, templates)
    assert result.exit_code == 0, result.output
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    written = []

    def failing(path, data):
        written.append(path)
        if len(written) == 3:
            raise OSError(code, os.strerror(code), str(path))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)

    monkeypatch.setattr("hso_xl.build.write_bytes", failing)
    result, out = build(tmp_path, templates)
    assert result.exit_code == 2, result.output
    assert words in result.output and BUG not in result.output
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert [p.name for p in tmp_path.iterdir() if ".new-" in p.name or ".previous" in p.name] == []


def test_a_template_deleted_during_the_build_is_said(tmp_path, templates, monkeypatch):  # noqa: F811
    import hso_xl.build_plan as build_module  # check_for_documents plans there

    plan = build_module.plan_build

    def plan_then_delete(*args, **kwargs):
        planned = plan(*args, **kwargs)
        (templates / "finansiar" / "Intyg.docx").unlink()  # someone tidies the templates folder meanwhile
        return planned

    monkeypatch.setattr(build_module, "plan_build", plan_then_delete)
    result, out = build(tmp_path, templates)
    assert result.exit_code == 2, result.output
    assert "Intyg.docx: the file or folder is gone: it was moved or deleted while the command ran" in result.output
    assert not out.exists()


def _tmpfs(folder, size: str, *options: str) -> bool:
    folder.mkdir()
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", ",".join([f"size={size}", *options]), "tmpfs", str(folder)],
                          capture_output=True)
    return done.returncode == 0


@pytest.fixture
def tiny_disk(tmp_path):
    disk = tmp_path / "disk"
    if not _tmpfs(disk, "4m"):
        pytest.skip("cannot mount a tmpfs here (the simulated ENOSPC test covers it)")
    yield disk
    subprocess.run(["umount", "-l", str(disk)], check=False)


def test_a_really_full_disk(tiny_disk, templates):  # noqa: F811
    out = tiny_disk / "output"
    runner = CliRunner()
    args = ["build", str(SAMPLE), "--templates", str(templates), "-o", str(out)]
    assert runner.invoke(main, args).exit_code == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    free = shutil.disk_usage(tiny_disk).free
    (tiny_disk / "fyllnad.bin").write_bytes(b"\0" * max(0, free - 16 * 1024))  # leave 16 KiB
    result = runner.invoke(main, args)
    assert result.exit_code == 2, result.output
    assert "the disk is full, so the command stopped and nothing was written" in result.output
    assert BUG not in result.output
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    # (.hso is the send register the first build made beside the output folder)
    assert sorted(p.name for p in tiny_disk.iterdir()) == [".hso", ".output.lock", "fyllnad.bin", "output"]


def test_a_read_only_disk(tiny_disk, templates):  # noqa: F811
    out = tiny_disk / "output"
    args = ["build", str(SAMPLE), "--templates", str(templates), "-o", str(out)]
    assert CliRunner().invoke(main, args).exit_code == 0
    if subprocess.run(["mount", "-o", "remount,ro", str(tiny_disk)], capture_output=True).returncode:
        pytest.skip("cannot remount read-only here")
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert "a disk that can only be read" in result.output and BUG not in result.output


def test_a_workbook_replaced_during_the_build_is_recorded_as_it_was_read(tmp_path, templates, monkeypatch):  # noqa: F811
    """The documents come from the bytes read, and manifest.json gives those bytes' sha256, not the new file's."""
    import hashlib
    import json

    import hso_xl.build as build_module

    workbook = tmp_path / "bok.xlsx"
    shutil.copy(SAMPLE, workbook)
    read = hashlib.sha256(workbook.read_bytes()).hexdigest()
    render = build_module.dated_documents

    def replace_then_render(*args, **kwargs):
        workbook.write_bytes(b"saved again from Excel meanwhile")
        return render(*args, **kwargs)

    monkeypatch.setattr(build_module, "dated_documents", replace_then_render)
    result, out = build(tmp_path, templates, workbook=workbook)
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["workbook"]["sha256"] == read
    assert not workbook.read_bytes().startswith(b"PK")  # it was replaced, and the record is still the bytes read


def test_a_workbook_deleted_after_it_was_read_still_builds_from_what_was_read(tmp_path, templates,  # noqa: F811
                                                                               monkeypatch):
    import hso_xl.build as build_module

    workbook = tmp_path / "bok.xlsx"
    shutil.copy(SAMPLE, workbook)
    render = build_module.dated_documents

    def delete_then_render(*args, **kwargs):
        workbook.unlink()
        return render(*args, **kwargs)

    monkeypatch.setattr(build_module, "dated_documents", delete_then_render)
    result, _out = build(tmp_path, templates, workbook=workbook)
    assert result.exit_code == 0, result.output
