"""Templates get the workbook's zip-bomb and entity limits, and rendering is bounded in memory and size."""

from __future__ import annotations

import io
import zipfile

import pytest
from docx import Document

from hso_xl.errors import TemplateProblem
from hso_xl.render.template_safety import ensure_safe_template

from .test_build import build, templates  # noqa: F401  (the fixture)


def _docx(paragraph: str = "{{ projekt.namn }}") -> bytes:
    doc = Document()
    doc.add_paragraph(paragraph)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _repack(path, change=lambda name, data: data, extra: dict | None = None) -> None:
    source = zipfile.ZipFile(io.BytesIO(_docx()))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for info in source.infolist():
            package.writestr(info.filename, change(info.filename, source.read(info)))
        for name, data in (extra or {}).items():
            package.writestr(name, data)


def _lying(path, real: bytes, declared: int) -> None:
    """A package whose one big part declares `declared` bytes but inflates to len(real)."""
    _repack(path, extra={"word/media/x.xml": real})
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as package:
        info = package.getinfo("word/media/x.xml")
    for start in (info.header_offset + 22, _central_size_field(data, "word/media/x.xml")):  # uncompressed size
        data[start:start + 4] = declared.to_bytes(4, "little")
    path.write_bytes(bytes(data))


def _central_size_field(data: bytearray, name: str) -> int:
    index = data.find(b"PK\x01\x02")
    while index != -1:
        name_len = int.from_bytes(data[index + 28:index + 30], "little")
        if data[index + 46:index + 46 + name_len] == name.encode():
            return index + 24
        index = data.find(b"PK\x01\x02", index + 4)
    raise AssertionError(name)


def test_a_template_that_unpacks_to_hundreds_of_megabytes_is_refused(tmp_path):
    path = tmp_path / "Bomb.docx"
    _repack(path, extra={"word/media/x.xml": b"<a>" + b" " * (200 * 1024 * 1024) + b"</a>"})
    assert path.stat().st_size < 1024 * 1024
    with pytest.raises(TemplateProblem, match="far beyond any real template"):
        ensure_safe_template(path)


def test_a_template_part_that_inflates_past_what_it_declares_is_refused(tmp_path):
    path = tmp_path / "Bomb.docx"
    _lying(path, b"<a>" + b" " * (2 * 1024 * 1024) + b"</a>", 1000)
    with pytest.raises(TemplateProblem, match="a part unpacks to more than it declares"):
        ensure_safe_template(path)


@pytest.mark.parametrize("dtd", [b'<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>',
                                 b'<!doctype w SYSTEM "http://example.com/x.dtd">'])
def test_a_template_declaring_entities_is_refused_before_any_reader_sees_it(tmp_path, dtd):
    path = tmp_path / "Entiteter.docx"
    _repack(path, lambda name, data: data.replace(b"?>", b"?>" + dtd, 1) if name == "word/document.xml" else data)
    with pytest.raises(TemplateProblem) as refused:
        ensure_safe_template(path)
    assert "word/document.xml declares a DTD or XML entities" in refused.value.paragraph()


def test_a_real_template_passes(tmp_path):
    path = tmp_path / "Mall.docx"
    path.write_bytes(_docx())
    ensure_safe_template(path)


def test_a_bomb_in_the_templates_folder_stops_the_build_naming_it(tmp_path, templates):  # noqa: F811
    _repack(templates / "projekt" / "Bomb.docx", extra={"word/media/x.xml": b"<a>" + b" " * (200 << 20) + b"</a>"})
    result, out = build(tmp_path, templates)
    assert result.exit_code == 2
    assert f"{templates / 'projekt' / 'Bomb.docx'}: the template was refused because" in result.output
    assert not out.exists()


@pytest.mark.parametrize("tag, words", [
    ("{{ 'x' * 10**9 }}", "the expression would repeat a text or list into more than 1000000 characters or items"),
    ("{{ [1, 2] * 10**7 }}", "the expression would repeat a text or list into more than 1000000"),
    ("{{ 9 ** 1000000000 }}", "raises a number to the power 1000000000, beyond any amount"),
])
def test_an_expression_cannot_ask_for_gigabytes(tmp_path, templates, tag, words):  # noqa: F811
    (templates / "projekt" / "Stor.docx").write_bytes(_docx(tag))
    result, out = build(tmp_path, templates)
    assert result.exit_code == 2, result.output
    assert words in result.output and "This is a bug" not in result.output
    assert not out.exists()


def test_rendering_is_bounded_in_memory(tmp_path, templates, monkeypatch):  # noqa: F811
    from hso_xl.processes import _address_space

    if _address_space() is None:
        pytest.skip("the system cannot bound a process's memory here")
    monkeypatch.setattr("hso_xl.build_render.RENDER_MEMORY", 64 * 1024 * 1024)
    (templates / "projekt" / "Stor.docx").write_bytes(_docx("{% set a = 'x' * 999999 %}{{ [a] * 999999 }}"))
    result, out = build(tmp_path, templates, "--only", "Stor")
    assert result.exit_code == 2, result.output
    assert "the document for Stor.docx would be larger than " in result.output
    assert not out.exists()


def test_a_document_past_the_size_bound_is_not_written(tmp_path, templates, monkeypatch):  # noqa: F811
    monkeypatch.setattr("hso_xl.build_render.MAX_DOCUMENT_BYTES", 10_000)
    result, out = build(tmp_path, templates, "--only", "Bilaga")
    assert result.exit_code == 2, result.output
    assert "Bilaga.docx: the document for Bilaga.docx would be larger than " in result.output
    assert not out.exists()
