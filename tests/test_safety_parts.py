"""The parts safety.py keeps while it checks a package (`keep_parts`) are exactly what zipfile reads of them, and
are kept only when zipfile would open every part: the reader, which reads them instead, meets the same bytes
and the same refusals as before."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from hso_xl.errors import WorkbookUnusable
from hso_xl.workbook import safety
from hso_xl.workbook.load import load_workbook

SAMPLE = Path(__file__).resolve().parent.parent / "input" / "HSO_finansiering_2027-2029.xlsx"


def test_the_kept_parts_are_what_zipfile_reads(tmp_path):
    copy = tmp_path / "book.xlsx"
    with zipfile.ZipFile(SAMPLE) as source, zipfile.ZipFile(copy, "w") as target:
        for info in source.infolist():  # stored and deflated parts both
            kind = zipfile.ZIP_STORED if info.filename.endswith(".rels") else zipfile.ZIP_DEFLATED
            target.writestr(info.filename, source.read(info.filename), compress_type=kind)
    parts = safety.ensure_safe_workbook(copy, keep_parts=True)
    with zipfile.ZipFile(copy) as package:
        assert parts == {info.filename: package.read(info.filename) for info in package.infolist()}
    assert safety.ensure_safe_workbook(copy) is None  # (kept only when asked)


def test_no_part_is_kept_of_a_package_larger_than_the_limit(monkeypatch):
    monkeypatch.setattr(safety, "KEEP_PARTS_UP_TO", 1000)
    assert safety.ensure_safe_workbook(SAMPLE, keep_parts=True) is None


def test_a_part_whose_local_header_names_another_is_refused_as_before(tmp_path):
    """zipfile refuses to open a part whose local header names another part: nothing is kept, and the reader
    refuses the workbook as damaged, as it did when it read every part from the zip."""
    data = SAMPLE.read_bytes()
    name = b"xl/workbook.xml"
    with zipfile.ZipFile(SAMPLE) as package:
        at = package.getinfo(name.decode()).header_offset + 30  # the name in its local header
    assert data[at:at + len(name)] == name
    bad = data[:at] + b"xl/workbook.xmm" + data[at + len(name):]
    path = tmp_path / "bad.xlsx"
    path.write_bytes(bad)
    assert safety.ensure_safe_workbook(path, keep_parts=True) is None
    with pytest.raises(WorkbookUnusable) as refused:
        load_workbook(path)
    assert refused.value.args[0] == "the workbook is damaged: its structure cannot be read"  # (zipfile's refusal)
