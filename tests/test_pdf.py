"""PDF conversion: every document gets its PDF, even when LibreOffice drops one in a batch."""

from __future__ import annotations

import subprocess
from pathlib import Path

from docx import Document

from hso_xl.render import pdf as pdf_module
import pytest
from hso_xl.render.pdf import convert_to_pdf

pytestmark = [pytest.mark.libreoffice, pytest.mark.slow]


def documents(folder: Path, names: list[str]) -> list[Path]:
    paths = []
    for name in names:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        document = Document()
        document.add_paragraph(f"Dokument {path.stem} i {path.parent.name}")
        document.save(path)
        paths.append(path)
    return paths


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_equal_names_in_different_folders_each_get_their_own_pdf(tmp_path):
    docs = documents(tmp_path, [f"{folder}/Ånge kommun.docx" for folder in ("kommuner", "finansiarer")]
                     + [f"kommuner/Timrå {i}.docx" for i in range(8)])
    pdfs = convert_to_pdf(docs, tmp_path)
    assert pdfs == [d.with_suffix(".pdf") for d in docs]
    assert "Dokument Ånge kommun i finansiarer" in pdf_text(tmp_path / "finansiarer" / "Ånge kommun.pdf")
    assert "Dokument Ånge kommun i kommuner" in pdf_text(tmp_path / "kommuner" / "Ånge kommun.pdf")


def test_a_document_libreoffice_dropped_is_converted_again(tmp_path, monkeypatch):
    docs = documents(tmp_path, [f"kommuner/Kommun {i}.docx" for i in range(8)])
    real = pdf_module._run_libreoffice
    calls = []

    def dropping_one(program, copies, folder):
        out, chunk, output = real(program, copies, folder)
        calls.append(len(copies))
        if len(calls) == 1:
            (out / f"{chunk[-1].stem}.pdf").unlink()  # as LibreOffice now and then does in a long batch
        return out, chunk, output

    monkeypatch.setattr(pdf_module, "_run_libreoffice", dropping_one)
    pdfs = convert_to_pdf(docs, tmp_path)
    assert calls[-1] == 1  # the retry converted just the dropped document
    assert len(pdfs) == 8
    for i, pdf in enumerate(pdfs):
        assert f"Dokument Kommun {i} i kommuner" in pdf_text(pdf)
