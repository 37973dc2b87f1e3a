"""Charts: deterministic PNGs at print resolution, Swedish numbers, readable colours, alt text, and
native Excel charts over the rendered cells."""

from __future__ import annotations

import datetime as dt
import io
import re
import struct
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from hso_xl.errors import TemplateProblem
from hso_xl.render.charts import DPI, PALETTE, TEXT, Chart, alt_text, png, tick
from hso_xl.render.docx_charts import diagram
from hso_xl.render.xlsx import render_xlsx

CASES = Chart("liggande", "Företagsstöd – största ärenden, Ånge kommun",
              ("Extreme Medic Fastigheter AB", "Cygrids Communications AB"), (2_102_500, 516_425))


def chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    out, i = [], 8
    while i < len(data):
        (length,) = struct.unpack(">I", data[i:i + 4])
        kind = data[i + 4:i + 8]
        out.append((kind, data[i + 8:i + 8 + length]))
        i += 12 + length
    return out


def test_same_chart_same_bytes_even_in_another_process():
    code = ("import sys; from hso_xl.render.charts import Chart, png; "
            "sys.stdout.buffer.write(png(Chart('liggande', 'Företagsstöd – största ärenden, Ånge kommun', "
            "('Extreme Medic Fastigheter AB', 'Cygrids Communications AB'), (2102500, 516425))))")
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True).stdout
    assert png(CASES) == other


def test_png_carries_no_software_or_time_and_is_print_resolution():
    found = chunks(png(CASES))
    kinds = [k for k, _ in found]
    assert not {b"tEXt", b"iTXt", b"zTXt", b"tIME"} & set(kinds), kinds
    width, height = struct.unpack(">II", found[0][1][:8])
    assert abs(width - 16.0 / 2.54 * DPI) < 1  # 16 cm wide at 300 dpi
    phys = dict(found)[b"pHYs"]
    assert struct.unpack(">IIB", phys)[:2] == (round(DPI / 0.0254),) * 2


@pytest.mark.parametrize("value, largest, expected", [
    (0, 2_500_000, "0"), (500_000, 2_500_000, "0,5\u00a0Mkr"), (1_500_000, 2_500_000, "1,5\u00a0Mkr"),
    (2_000_000, 2_500_000, "2\u00a0Mkr"), (500_000, 900_000, "500\u00a0000"), (2_102_500, 900_000, "2\u00a0102\u00a0500"),
])
def test_axis_ticks_are_swedish(value, largest, expected):
    assert tick(value, "kr", largest) == expected


def contrast(colour: str, background: str = "#FFFFFF") -> float:
    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    a, b = sorted((luminance(colour), luminance(background)), reverse=True)
    return (a + 0.05) / (b + 0.05)


@pytest.mark.parametrize("colour", PALETTE + (TEXT,))
def test_colours_have_sufficient_contrast_on_white(colour):
    assert contrast(colour) >= 4.5


def test_the_drawn_bars_use_the_palette():
    from PIL import Image

    image = Image.open(io.BytesIO(png(CASES))).convert("RGB")
    colours = {c for _, c in image.getcolors(maxcolors=1 << 20)}
    assert tuple(int(PALETTE[0][i:i + 2], 16) for i in (1, 3, 5)) in colours


def test_alt_text_says_what_the_chart_shows():
    text = alt_text(CASES)
    assert text.startswith("Liggande stapeldiagram: Företagsstöd – största ärenden, Ånge kommun.")
    assert "Extreme Medic Fastigheter AB: 2\u00a0102\u00a0500\u00a0kr" in text and "516\u00a0425" in text


@pytest.mark.parametrize("kind", ["liggande", "stapel", "cirkel", "ring"])
def test_every_kind_draws(kind):
    chart = Chart(kind, "Finansiering per finansiär", ("Tillväxtverket", "Region Västernorrland", "Kommunerna"),
                  (16_078_500, 11_255_221, Decimal("10163136")))
    assert chunks(png(chart))[0][0] == b"IHDR"


@pytest.mark.parametrize("args, words", [
    (dict(kind="cirkel", etikett="namn", varde="belopp"), "negative"),
    (dict(kind="torta", etikett="namn", varde="belopp"), "not a kind of chart"),
    (dict(kind="stapel", etikett="namn"), "both etikett= and varde="),
    (dict(kind="stapel", etikett="namn", varde="saknas"), "has no 'saknas'"),
    (dict(kind="stapel", etikett="namn", varde="text"), "must be a number"),
])
def test_diagram_says_what_is_wrong(args, words):
    items = [{"namn": "A", "belopp": -1, "text": "x"}]
    kind = args.pop("kind")
    with pytest.raises(ValueError, match=words):
        diagram(items, kind, **args)


def test_diagram_outside_a_word_template_says_so():
    chart = diagram([{"namn": "A", "belopp": 1}], "stapel", etikett="namn", varde="belopp")
    with pytest.raises(ValueError, match="only be drawn in a Word template"):
        chart.__html__()


# ---------------------------------------------------------------------------------------------
# Excel: a native chart over the rendered cells
# ---------------------------------------------------------------------------------------------

def excel_template(path: Path, tag: str = '{%diagram liggande A3:B4 titel="Företagsstöd {{ kommun }}" %}') -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Företagsstöd"
    ws["D3"] = tag
    ws["A3"], ws["B3"] = "Företag", "Belopp"
    ws["A4"], ws["B4"] = "{%row for r in rader %}{{ r.namn }}", "{{ r.belopp }}"
    ws["A5"], ws["B5"] = "Summa", "=SUM(B4:B4)"
    wb.save(path)
    return path


CONTEXT = {"kommun": "Ånge kommun", "rader": [{"namn": "A AB", "belopp": 100}, {"namn": "B AB", "belopp": 250},
                                              {"namn": "C AB", "belopp": 50}]}


def test_an_excel_chart_covers_the_rows_the_loop_made(tmp_path):
    data = render_xlsx(excel_template(tmp_path / "t.xlsx"), CONTEXT, dt.datetime(2025, 1, 1))
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        chart = zf.read("xl/charts/chart1.xml").decode()
        drawing = zf.read("xl/drawings/drawing1.xml").decode()
    assert re.findall(r"<f>([^<]*)</f>", chart) == ["'Företagsstöd'!B3", "'Företagsstöd'!$A$4:$A$6",
                                                    "'Företagsstöd'!$B$4:$B$6"]
    assert "Företagsstöd Ånge kommun" in chart
    assert 'descr="Liggande stapeldiagram: Företagsstöd Ånge kommun (siffrorna i Företagsstöd!A3:B6)"' in drawing
    assert "<col>3</col>" in drawing and "<row>2</row>" in drawing  # anchored where the tag was (D3)
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book["Företagsstöd"]["D3"].value is None  # the tag is gone
    assert render_xlsx(tmp_path / "t.xlsx", CONTEXT, dt.datetime(2025, 1, 1)) == data


@pytest.mark.parametrize("tag, words", [
    ("{%diagram torta A3:B4 %}", "not a kind of chart"),
    ("{%diagram stapel A3 %}", "not a range"),
    ("{%diagram stapel A3:B4 farg=röd %}", "unknown chart option"),
    ("{%diagram stapel A3:A4 %}", "needs a row of titles and a column"),
    ("{%diagram stapel A3:B4 bredd=bred %}", "not a number of cm"),
])
def test_a_bad_chart_tag_names_the_cell(tmp_path, tag, words):
    with pytest.raises(TemplateProblem) as caught:
        render_xlsx(excel_template(tmp_path / "t.xlsx", tag), CONTEXT, dt.datetime(2025, 1, 1))
    assert "Företagsstöd!D3" in caught.value.paragraph() and words in caught.value.paragraph()


@pytest.mark.parametrize("tag, swedish", [
    ("{%diagram torta A3:B4 %}", "'torta' är ingen diagramtyp (använd liggande, stapel, cirkel, ring) i cellen "
                                 "\"{%diagram torta A3:B4 %}\". Skriv taggen som {%diagram stapel A5:D6 titel=\"…\" %}; "
                                 "i docs/templates.md står vilka diagramtyper och alternativ som finns."),
    ("{%diagram stapel A3:A4 %}", "diagrammets cellområde A3:A4 behöver en rad med rubriker och en kolumn med "
                                  "kategorier utöver talen."),
    ("{%diagram stapel A3:B4 hojd=90 %}", "diagrammets alternativ hojd=90 ska vara mellan 1 och 60 cm."),
])
def test_a_bad_chart_tag_is_explained_in_swedish(tmp_path, tag, swedish):
    from hso_xl.i18n import speaking

    template = excel_template(tmp_path / "t.xlsx", tag)
    with pytest.raises(TemplateProblem) as caught:
        render_xlsx(template, CONTEXT, dt.datetime(2025, 1, 1))
    with speaking("sv"):
        assert caught.value.paragraph() == f"{template}: Företagsstöd!D3: {swedish}"


@pytest.mark.parametrize("lang, labels, words", [
    ("en", ("A",), "the chart has 1 label but 2 values"),
    ("sv", ("A",), "diagrammet har 1 etikett men 2 värden"),
    ("sv", ("A", "B", "C"), "diagrammet har 3 etiketter men 2 värden"),
    ("sv", ("A", "B"), "ett cirkel- eller ringdiagram kan inte visa negativa värden"),
])
def test_a_chart_that_cannot_be_drawn_is_explained(lang, labels, words):
    from hso_xl.i18n import speaking
    from hso_xl.render.charts import check_chart

    with pytest.raises(ValueError) as caught:
        check_chart(Chart("ring", "Stöd", labels, (1, -1)))
    with speaking(lang):
        assert str(caught.value) == words


@pytest.mark.libreoffice
@pytest.mark.slow
def test_libreoffice_draws_the_excel_chart(tmp_path):
    from tests.helpers.libreoffice import soffice_path

    out = tmp_path / "Stöd.xlsx"
    out.write_bytes(render_xlsx(excel_template(tmp_path / "t.xlsx"), CONTEXT, dt.datetime(2025, 1, 1)))
    subprocess.run([soffice_path(), f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(out)], check=True, capture_output=True,
                   timeout=180)
    text = subprocess.run(["pdftotext", str(tmp_path / "Stöd.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Företagsstöd Ånge kommun" in text  # the chart's title, drawn by LibreOffice from the native chart


# ---------------------------------------------------------------------------------------------
# Word: charts of the financing plan in a hand-made template, through the reused template
# ---------------------------------------------------------------------------------------------

def test_financing_charts_in_a_word_template_and_the_reused_template_is_restored(tmp_path):
    from docx import Document

    from hso_xl.build import plan_jobs
    from hso_xl.model.checked import check_workbook
    from hso_xl.render.docx import render_docx

    from .conftest import ROOT, SAMPLE

    doc = Document()
    doc.add_paragraph("Finansiering {{ period }}")
    doc.add_paragraph("{{p finansiering.kontant|diagram('ring', etikett='namn', varde='totalt', "
                      "titel='Kontant finansiering ' ~ period) }}")
    doc.add_paragraph("{{p kommun.per_ar|diagram('stapel', etiketter=ar, titel='Medfinansiering per år', tabell=false) }}")
    template = tmp_path / "Diagram.docx"
    doc.save(template)
    job = next(j for j in plan_jobs(check_workbook(SAMPLE), ROOT / "templates") if j.kind == "kommun")
    when = dt.datetime(2027, 3, 1, 8)
    first = render_docx(template, job.context, when)
    again = render_docx(template, job.context, when)
    assert first == again  # the reused template gave back what the first render added
    out = tmp_path / "out.docx"
    out.write_bytes(first)
    result = Document(str(out))
    shapes = [s._inline.docPr.get("descr") for s in result.inline_shapes]
    assert len(shapes) == 2
    assert shapes[0].startswith("Ringdiagram: Kontant finansiering 2027–2029. ")
    cash = job.context["finansiering"]["kontant"]
    for row in cash:
        assert f"{row['namn']}: {row['totalt']:,}".replace(",", "\u00a0") in shapes[0]
    assert shapes[1].startswith("Stapeldiagram: Medfinansiering per år. 2027: ")
    table = result.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["Namn", "Totalt (kr)"]
    assert [(r.cells[0].text, int(r.cells[1].text.replace("\u00a0", ""))) for r in table.rows[1:]] == \
        [(r["namn"], r["totalt"]) for r in cash]
    assert len(result.tables) == 1  # tabell=false left out the second table
    with zipfile.ZipFile(io.BytesIO(first)) as zf:
        assert sorted(n for n in zf.namelist() if n.startswith("word/media/")) == ["word/media/image1.png",
                                                                                   "word/media/image2.png"]
