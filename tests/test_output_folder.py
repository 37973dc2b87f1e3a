"""The output folder is hso-xl's own: a stranger's folder is refused untouched; the user's files in it stay."""

from __future__ import annotations

import os
import stat

import pytest
from click.testing import CliRunner

from hso_xl.cli import main

from .test_build import build, templates  # noqa: F401  (the fixture)


def _files(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_a_folder_of_the_users_own_is_refused_and_left_as_it_was(tmp_path, templates):  # noqa: F811
    out = tmp_path / "output"
    (out / "sub").mkdir(parents=True)
    (out / "viktigt.txt").write_text("mina anteckningar", encoding="utf-8")
    (out / "sub" / "protokoll.md").write_text("# protokoll", encoding="utf-8")
    (out / ".dold").write_text("x", encoding="utf-8")
    before = _files(out)
    result, _out = build(tmp_path, templates)
    assert result.exit_code == 2
    assert result.output.count("\n") == 1, result.output  # one paragraph
    assert "this folder holds files hso-xl did not write (.dold, sub/protokoll.md, viktigt.txt) and no manifest.json" \
        in result.output
    assert _files(out) == before
    assert not list(tmp_path.glob(".output.*"))  # not even a lock beside it


@pytest.mark.parametrize("target", ["input", "input/ut", "templates", "templates/kommun", ".", ".."])
def test_the_output_folder_is_never_the_input_templates_or_project_folder(tmp_path, templates, target,  # noqa: F811
                                                                           monkeypatch):
    project = tmp_path / "projekt"
    (project / "input").mkdir(parents=True)
    monkeypatch.chdir(project)
    (project / "input" / "bok.txt").write_text("x", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(SAMPLE_COPY(project)), "--templates", str(templates),
                                       "-o", str(target if not target.startswith("templates") else
                                                 templates / target.partition("/")[2])])
    assert result.exit_code == 2, result.output
    assert "the output folder would be" in result.output
    assert (project / "input" / "bok.txt").exists() and not (project / "input" / "arkiv").exists()
    assert sorted(p.name for p in (templates / "kommun").iterdir()) == ["Beslut.docx"]


def SAMPLE_COPY(project):
    import shutil

    from .conftest import SAMPLE

    target = project / "input" / SAMPLE.name
    shutil.copy(SAMPLE, target)
    return target


def test_the_users_files_in_its_own_folder_stay_in_place(tmp_path, templates):  # noqa: F811
    result, out = build(tmp_path, templates)
    assert result.exit_code == 0, result.output
    (out / "viktigt.txt").write_text("mina anteckningar", encoding="utf-8")
    (out / "egna").mkdir()
    (out / "egna" / "utkast.docx").write_bytes(b"mitt utkast")
    (out / "kommuner" / "~$nge kommun – Beslut.docx").write_bytes(b"Word's lock file")
    (out / "tom").mkdir()
    result, out = build(tmp_path, templates)
    assert result.exit_code == 0, result.output
    assert (out / "viktigt.txt").read_text(encoding="utf-8") == "mina anteckningar"
    assert (out / "egna" / "utkast.docx").read_bytes() == b"mitt utkast"
    assert (out / "kommuner" / "~$nge kommun – Beslut.docx").read_bytes() == b"Word's lock file"
    assert (out / "tom").is_dir()
    assert ("Kept 4 files hso-xl did not write where they were in " in result.output
            and "egna/utkast.docx, kommuner/~$nge kommun – Beslut.docx, tom …(+1)" in result.output), result.output
    assert not (out / "arkiv").exists()  # nothing changed, so no archive: the user's files were never moved


def test_a_users_file_where_a_document_now_goes_is_archived_and_said(tmp_path, templates):  # noqa: F811
    from docx import Document

    result, out = build(tmp_path, templates)
    (out / "projekt" / "Bilaga.docx").unlink()
    Document().save(out / "projekt" / "Bilaga.docx")  # not what hso-xl wrote there
    (out / "kommuner" / "Ånge kommun – Beslut.docx").write_bytes(b"edited by hand")
    result, out = build(tmp_path, templates)
    assert result.exit_code == 0, result.output
    assert "The previous documents were kept in " in result.output
    archived = next((out / "arkiv").iterdir())
    assert (archived / "kommuner" / "Ånge kommun – Beslut.docx").read_bytes() == b"edited by hand"
    assert (archived / "projekt" / "Bilaga.docx").exists()


@pytest.mark.skipif(os.name != "posix", reason="POSIX modes and symlinks")
def test_the_folders_mode_and_a_symlinked_output_folder_are_kept(tmp_path, templates):  # noqa: F811
    real = tmp_path / "delad" / "hso-dokument"
    real.mkdir(parents=True)
    real.chmod(0o2775)
    (tmp_path / "output").symlink_to(real)
    result, out = build(tmp_path, templates)
    assert result.exit_code == 0, result.output
    result, out = build(tmp_path, templates)
    assert result.exit_code == 0, result.output
    assert out.is_symlink() and out.resolve() == real
    assert stat.S_IMODE(real.stat().st_mode) == 0o2775
    assert (real / "kommuner" / "Ånge kommun – Beslut.docx").exists()
    assert f"  {out}/kommuner/Ånge kommun – Beslut.docx" in result.output
