"""A project folder anywhere (hso-xl init, --project) and the parts of Windows and macOS that run on Linux:
LibreOffice in its usual places, UTF-8 output on a console that is not, paths too long for Windows."""

from __future__ import annotations

import io
import os
import tomllib
from pathlib import Path

import pytest

from click.testing import CliRunner

from hso_xl import libreoffice, project
from hso_xl.cli import main
from hso_xl.console import use_utf8
from hso_xl.errors import OutputProblem, ProjectProblem, SettingsError
from hso_xl.longpaths import MAX_PATH, check_lengths
from hso_xl.settings import load_settings

from .conftest import ROOT, sha256

SHIPPED = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "templates").rglob("*") if p.is_file()) + \
    list(project.SAMPLES)


def test_init_makes_a_project_folder_with_the_samples_templates_and_commented_settings(tmp_path):
    made = project.init(tmp_path / "HSO 2027")
    folder = tmp_path / "HSO 2027"
    assert {p.as_posix() for p in made} == set(SHIPPED) | {"hso.toml", "LÄSMIG.md"}
    assert all(sha256(folder / name) == sha256(ROOT / name) for name in SHIPPED)
    assert all((folder / name).stat().st_mtime == project.SAMPLE_TIME for name in project.SAMPLES)
    settings = load_settings(folder)  # every line commented: the defaults, inside the folder
    assert (settings.input, settings.templates, settings.output) == (folder / "input", folder / "templates",
                                                                      folder / "output")
    assert "hso-xl build" in (folder / "LÄSMIG.md").read_text(encoding="utf-8")
    assert [p.name for p in tmp_path.iterdir()] == ["HSO 2027"]  # no staging folder left beside it


def test_every_commented_setting_in_the_new_hso_toml_is_one_hso_xl_accepts(tmp_path):
    project.init(tmp_path / "p")
    lines = (tmp_path / "p" / "hso.toml").read_text(encoding="utf-8").splitlines()
    uncommented = [line[2:] for line in lines if line.startswith("# ") and ("=" in line or line[2:].startswith("["))]
    assert len(uncommented) > 15
    (tmp_path / "p" / "hso.toml").write_text("\n".join(uncommented) + "\n", encoding="utf-8")
    settings = load_settings(tmp_path / "p")
    assert str(settings.libreoffice).endswith(r"C:\Program Files\LibreOffice\program\soffice.exe")
    assert settings.eu_cap == 0.40 and settings.aliases == {"Rvn": "Region Västernorrland"}
    assert tomllib.loads("\n".join(uncommented))["output"] == "output"


@pytest.mark.parametrize("existing", ["folder with a file", "file"])
def test_init_refuses_an_existing_folder_or_file_and_changes_nothing(tmp_path, existing):
    target = tmp_path / "HSO"
    if existing == "file":
        target.write_text("mine", encoding="utf-8")
    else:
        target.mkdir()
        (target / "mine.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(ProjectProblem) as err:
        project.init(target)
    assert err.value.exit_code == 2 and err.value.file == target
    assert "already exists" in str(err.value) and f"--project {target}" in str(err.value)
    mine = target if existing == "file" else target / "mine.txt"
    assert mine.read_text(encoding="utf-8") == "mine" and sorted(tmp_path.iterdir()) == [target]


def test_the_projects_own_workbook_is_taken_before_the_samples_even_when_older(tmp_path):
    from hso_xl.discover import find_companion, newest_workbook

    project.init(tmp_path / "HSO")
    own = tmp_path / "HSO" / "input" / "Budget 2027.xlsx"
    own.write_bytes((ROOT / project.SAMPLES[0]).read_bytes())
    data = tmp_path / "HSO" / "input" / "Rapportdata_2026.xlsx"
    data.write_bytes((ROOT / project.SAMPLES[1]).read_bytes())
    saved = 1_600_000_000  # 2020: copied from a share, keeping when it was last saved
    for path in (own, data):
        os.utime(path, (saved, saved))
    assert newest_workbook(tmp_path / "HSO" / "input") == own
    assert find_companion(tmp_path / "HSO" / "input", "report_data") == data


def test_init_fills_an_empty_folder_made_beforehand(tmp_path):
    (tmp_path / "HSO").mkdir()
    project.init(tmp_path / "HSO")
    assert (tmp_path / "HSO" / "input" / "HSO_finansiering_2027-2029.xlsx").is_file()


def test_init_failing_half_way_says_so_and_leaves_nothing(tmp_path, monkeypatch):
    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(project.shutil, "copyfile", disk_full)
    with pytest.raises(ProjectProblem) as err:
        project.init(tmp_path / "HSO")
    assert "cannot be created (No space left on device)" in str(err.value) and list(tmp_path.iterdir()) == []


def test_project_folder_must_exist(tmp_path):
    assert project.folder(None) == Path(".") and project.folder(tmp_path) == tmp_path
    with pytest.raises(ProjectProblem) as err:
        project.folder(tmp_path / "saknas")
    assert "does not exist" in str(err.value) and "hso-xl init" in str(err.value)


# -- LibreOffice where its installers put it

@pytest.fixture
def no_soffice_on_path(monkeypatch):
    monkeypatch.setattr(libreoffice.shutil, "which", lambda name: None)
    monkeypatch.setattr(libreoffice, "_named", None)


def _fake_program(path: Path) -> Path:
    path.parent.mkdir(parents=True)
    path.write_text("", encoding="utf-8")
    return path


def test_libreoffice_found_in_program_files_on_windows(tmp_path, no_soffice_on_path):
    soffice = _fake_program(tmp_path / "Program Files" / "LibreOffice" / "program" / "soffice.exe")
    environ = {"PROGRAMFILES": str(tmp_path / "Program Files")}
    assert libreoffice.program("win32", environ) == str(soffice)
    assert libreoffice.program("linux", environ) is None
    places = [str(p) for p in libreoffice.usual_places("win32", {})]
    assert places[0].startswith("C:\\Program Files") and places[0].replace("/", "\\").endswith(
        r"LibreOffice\program\soffice.exe")


def test_libreoffice_found_in_applications_on_macos(tmp_path, monkeypatch, no_soffice_on_path):
    monkeypatch.setattr(Path, "home", lambda: tmp_path)
    soffice = _fake_program(tmp_path / "Applications" / "LibreOffice.app" / "Contents" / "MacOS" / "soffice")
    assert libreoffice.usual_places("darwin")[0] == Path("/Applications/LibreOffice.app/Contents/MacOS/soffice")
    assert libreoffice.program("darwin") == str(soffice)


def test_libreoffice_named_in_hso_toml_is_used_or_its_absence_said(tmp_path, no_soffice_on_path):
    soffice = _fake_program(tmp_path / "LO" / "soffice")
    (tmp_path / "hso.toml").write_text("libreoffice = 'LO/soffice'\n", encoding="utf-8")
    libreoffice.use(load_settings(tmp_path))
    assert libreoffice.program() == str(soffice)
    soffice.unlink()
    with pytest.raises(SettingsError) as err:
        libreoffice.program()
    assert err.value.file == tmp_path / "hso.toml" and err.value.location == "libreoffice"
    assert "not where the settings file says" in str(err.value)
    libreoffice.use(load_settings(tmp_path / "LO"))  # no hso.toml there: back to PATH and the usual places
    assert libreoffice._named is None


# -- UTF-8 output whatever the console's code page

def _stream(encoding: str) -> io.TextIOWrapper:
    return io.TextIOWrapper(io.BytesIO(), encoding=encoding)


def test_output_redirected_on_windows_is_utf8():
    out = _stream("cp1252")
    use_utf8([out], platform="win32")
    out.write("Ånge kommun – 1 363 221 kr → «klart»\n")
    out.flush()
    assert out.buffer.getvalue().decode("utf-8") == "Ånge kommun – 1 363 221 kr → «klart»\n"


def test_a_terminal_without_a_character_gets_a_question_mark_not_a_traceback():
    out = _stream("latin-1")
    use_utf8([out], platform="linux")
    out.write("Ånge → klart\n")
    out.flush()
    assert out.buffer.getvalue() == "Ånge ? klart\n".encode("latin-1")
    already = _stream("utf-8")
    use_utf8([already], platform="win32")
    assert already.encoding == "utf-8" and already.errors == "strict"


# -- paths Windows programs cannot open

def test_paths_past_windows_limit_are_refused_before_writing(tmp_path):
    document = Path("finansiarer", "Region Västernorrland – Medfinansieringsintyg.docx")
    deep = tmp_path / ("mapp" * 40)
    with pytest.raises(OutputProblem) as err:
        check_lengths(deep / "output", [document, Path("kort.docx")], platform="win32")
    assert f"at most {MAX_PATH}" in str(err.value) and "C:\\HSO" in str(err.value)
    assert err.value.file.name == document.name
    check_lengths(deep / "output", [document], platform="linux")  # elsewhere the limit is the file system's
    check_lengths(Path("C:/HSO/output"), [document], platform="win32")  # a short folder is fine


# -- the command line: hso-xl init, hso-xl --project

def test_cli_init_then_check_with_project_from_elsewhere(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    made = CliRunner().invoke(main, ["--lang", "sv", "init", "Mitt HSO"])
    assert made.exit_code == 0, made.output
    assert made.output.startswith("Skapade projektmappen Mitt HSO: input/ med 2 exempelarbetsböcker, templates/ med "
                                  "5 mallar")
    assert 'hso-xl --project "Mitt HSO" build' in made.output  # a name with a space, quoted to be copied
    checked = CliRunner().invoke(main, ["--lang", "sv", "--project", "Mitt HSO", "check"])
    assert checked.exit_code == 0 and "Arbetsbok: Mitt HSO/input/HSO_finansiering_2027-2029.xlsx" in checked.output
    assert "Resultat: OK" in checked.output
    alone = CliRunner().invoke(main, ["--lang", "sv", "check"])  # the next command without --project: the working folder again
    assert alone.exit_code == 2 and "indatamappen finns inte" in alone.output and "hso-xl init" in alone.output


def test_cli_init_refuses_an_existing_folder_in_one_paragraph(tmp_path):
    (tmp_path / "HSO").mkdir()
    (tmp_path / "HSO" / "budget.xlsx").write_bytes(b"mine")
    result = CliRunner().invoke(main, ["--lang", "en", "init", str(tmp_path / "HSO")])
    assert result.exit_code == 2 and result.output.count("\n") == 1
    assert "already exists and is not empty, so nothing was written" in result.output
    assert (tmp_path / "HSO" / "budget.xlsx").read_bytes() == b"mine"


def test_cli_project_that_does_not_exist(tmp_path):
    result = CliRunner().invoke(main, ["--lang", "sv", "--project", str(tmp_path / "saknas"), "build"])
    assert result.exit_code == 2 and "projektmappen finns inte" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "saknas").exists()


@pytest.mark.parametrize("line, says", [
    ('output = "C:\\HSO\\dokument"\n', "not valid TOML (at line 1, column 15)"),
    ('input = "C:\\Users\\anna\\input"\n', "not valid TOML"),
    ('output = "C:\\temp\\new"\n', "'output' holds a tab or a line break"),  # valid TOML: \t and \n
])
def test_a_windows_path_in_double_quotes_is_refused_with_how_to_write_it(tmp_path, line, says):
    (tmp_path / "hso.toml").write_text(line, encoding="utf-8")
    with pytest.raises(SettingsError) as err:
        load_settings(tmp_path)
    assert says in str(err.value) and "Write a Windows path in single quotes: output = 'C:\\HSO\\dokument'" in str(
        err.value)
    (tmp_path / "hso.toml").write_text(line.replace('"', "'"), encoding="utf-8")
    assert "\\" in str(load_settings(tmp_path).input) + str(load_settings(tmp_path).output)


@pytest.mark.parametrize("name, instead", [("HSO: 2027", '"HSO- 2027"'), ("CON", "CON_"), ("HSO.", "HSO")])
def test_cli_init_refuses_a_folder_name_windows_cannot_open(tmp_path, name, instead):
    result = CliRunner().invoke(main, ["--lang", "sv", "init", str(tmp_path / name)])
    assert result.exit_code == 2 and "mappnamnet går inte att öppna i Windows" in result.output
    assert f"Kalla den till exempel {instead}." in result.output and list(tmp_path.iterdir()) == []
