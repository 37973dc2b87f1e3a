"""A template's inspection is kept by its bytes' sha256 (render/inspected.py): a changed template is read again,
an unchanged one is not, and a cache that cannot be used changes nothing."""

from __future__ import annotations

import docx
import pytest

from hso_xl.render import inspect, inspected


def _letter(path, *paragraphs):
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    document.save(path)
    return path


def _texts(template):
    """The template's texts without the empty paragraphs of the headers and footers python-docx adds."""
    return [text for text in inspect.template_texts(template) if text]


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("HSO_XL_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache" / "templates"  # beside the chart pictures (render/chart_cache.py)


@pytest.fixture
def reads(monkeypatch):
    """The number of times a template is opened by the real reader."""
    count = []
    real = inspect._read_texts
    monkeypatch.setattr(inspect, "_read_texts", lambda path: count.append(path) or real(path))
    return count


def test_an_unchanged_template_is_not_read_again(tmp_path, cache, reads):
    letter = _letter(tmp_path / "Brev.docx", "Hej {{ kommun.namn }}", "Slut")
    assert _texts(letter) == ["Hej {{ kommun.namn }}", "Slut"]
    assert _texts(letter) == ["Hej {{ kommun.namn }}", "Slut"]
    assert len(reads) == 1
    assert len(list(cache.glob("*-texts-*.json"))) == 1


def test_a_changed_template_is_read_again(tmp_path, cache, reads):
    letter = _letter(tmp_path / "Brev.docx", "Hej {{ kommun.namn }}")
    first = letter.read_bytes()
    assert _texts(letter) == ["Hej {{ kommun.namn }}"]
    _letter(letter, "Hej {{ kommun.officiellt_namn }}", "Ny mening")
    assert _texts(letter) == ["Hej {{ kommun.officiellt_namn }}", "Ny mening"]
    assert len(reads) == 2
    letter.write_bytes(first)  # back to the first bytes: the first answer, kept, is right again
    assert _texts(letter) == ["Hej {{ kommun.namn }}"]
    assert len(reads) == 2


def test_a_damaged_cache_entry_is_read_past(tmp_path, cache, reads):
    letter = _letter(tmp_path / "Brev.docx", "Hej")
    _texts(letter)
    for entry in cache.glob("*.json"):
        entry.write_text("{not json", encoding="utf-8")
    assert _texts(letter) == ["Hej"]
    assert len(reads) == 2


def test_the_source_is_kept_apart_from_the_texts(tmp_path, cache):
    letter = _letter(tmp_path / "Brev.docx", "{% if projekt.namn %}Hej{% endif %}")
    assert _texts(letter) == ["{% if projekt.namn %}Hej{% endif %}"]
    assert "{% if projekt.namn %}Hej{% endif %}" in inspect.template_source(letter)
    assert inspect.used_variables(inspect.template_source(letter)) == ["projekt.namn"]


def test_an_unwritable_cache_or_none_gives_the_same_answer(tmp_path, monkeypatch, reads):
    letter = _letter(tmp_path / "Brev.docx", "Hej")
    blocked = tmp_path / "fil"
    blocked.write_text("a file where the folder would be")
    monkeypatch.setenv("HSO_XL_CACHE", str(blocked / "cache"))
    assert _texts(letter) == ["Hej"]
    monkeypatch.setenv("HSO_XL_CACHE", "off")
    assert _texts(letter) == ["Hej"]
    assert len(reads) == 2


def test_a_broken_template_is_never_kept(tmp_path, cache):
    broken = tmp_path / "Trasig.docx"
    broken.write_bytes(b"PK\x03\x04 not a Word file")
    for _ in range(2):
        with pytest.raises(Exception):
            _texts(broken)
    assert not list(cache.glob("*.json"))


def test_the_oldest_entries_go_beyond_the_limit(tmp_path, cache, monkeypatch):
    monkeypatch.setattr(inspected, "KEPT", 2)
    letters = [_letter(tmp_path / f"Brev{i}.docx", f"Text {i}") for i in range(4)]
    for letter in letters:
        _texts(letter)
    assert len(list(cache.glob("*.json"))) == 2
    assert _texts(letters[-1]) == ["Text 3"]


def test_an_entry_of_the_wrong_shape_is_read_past(tmp_path, cache, reads):
    letter = _letter(tmp_path / "Brev.docx", "Hej")
    inspect.template_texts(letter)
    for entry in cache.glob("*.json"):
        entry.write_text('{"answer": 5}', encoding="utf-8")
    assert _texts(letter) == ["Hej"]
    assert len(reads) == 2


def test_without_a_home_folder_nothing_is_kept(tmp_path, monkeypatch, reads):
    letter = _letter(tmp_path / "Brev.docx", "Hej")
    monkeypatch.delenv("HSO_XL_CACHE", raising=False)
    monkeypatch.setattr(inspected, "folder", lambda: (_ for _ in ()).throw(RuntimeError("no home")))
    assert _texts(letter) == ["Hej"]
    assert _texts(letter) == ["Hej"]
    assert len(reads) == 2


def test_an_edited_module_of_the_reading_code_is_told_apart(tmp_path):
    package = tmp_path / "hso_xl"
    (package / "render" / "__pycache__").mkdir(parents=True)
    (package / "render" / "docx.py").write_text("READ = 1\n")
    (package / "render" / "__pycache__" / "docx.cpython-311.py").write_text("not a module\n")
    before = inspected._modules(package)
    assert len(before) == 1
    (package / "render" / "docx.py").write_text("READ = 22\n")  # another size: another stamp
    assert inspected._modules(package) != before
