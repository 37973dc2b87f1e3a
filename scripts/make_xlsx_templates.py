"""Write the shipped Excel templates in templates/ with openpyxl, so they can be regenerated and reviewed.

Usage: .venv/bin/python scripts/make_xlsx_templates.py [OUT_DIR]   (default: templates/)

Writes
  templates/projekt/Budgetbilaga Tillväxtverket.xlsx   budget appendix to the funding application, as a workbook

The template uses the cell tags of hso_xl/render/xlsx.py (see docs/templates.md): `{{ … }}` in a cell
of its own gives the typed value (amounts stay numbers in the `#,##0` format), `{%row for … %}` in
column A repeats a row per cost or financing row, `{%col for y in ar %}` in a header repeats the
year column once per project year, in every row. Every sum, the Totalt column, the summary by kind
of financing and the EU share are Excel formulas, which the renderer moves over the repeated rows
and columns and whose values it caches; an administrator can restyle the file in Excel.

Running the script again overwrites the file with identical bytes (fixed properties and zip
timestamps), so a change to the template shows up as a change to this script.
"""

from __future__ import annotations

import datetime as dt
import io
import sys
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.properties import PageSetupProperties

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from hso_xl.render.xlsx import fixed_package  # noqa: E402

FIXED_TIME = dt.datetime(2026, 1, 30, 8, 0, 0)
FONT = "Arial"
DARK = "1F3864"
GREY = "595959"
HEAD_FILL = "DCE6F1"
SUM_FILL = "F2F2F2"
AMOUNT = "#,##0"
SHEET = "Budgetbilaga"

THIN = Side(style="thin", color="8C8C8C")
DARK_LINE = Side(style="thin", color="000000")
DOUBLE = Side(style="double", color="000000")

YEAR_LOOP = "{%col for y in ar %}"
PERIOD = ("{% if projekt.projektstart is defined and projekt.projektslut is defined %}"
          "{{ projekt.projektstart|datum }} – {{ projekt.projektslut|datum }}{% else %}{{ period }}{% endif %}")
EU_NAMES = "{{ eu.finansiarer|join(' och ') }}"


def opt(expr: str, blank: str = "") -> str:
    """An optional workbook fact (a row of the Projekt sheet that may be missing), else `blank`."""
    otherwise = f"{{% else %}}{blank}" if blank else ""
    return f"{{% if {expr} is defined and {expr} %}}{{{{ {expr} }}}}{otherwise}{{% endif %}}"


def font(**kw) -> Font:
    return Font(name=FONT, size=kw.pop("size", 10), **kw)


STYLES = {
    "title": dict(font=font(size=15, bold=True, color=DARK), alignment=Alignment(vertical="center")),
    "subtitle": dict(font=font(size=11, color=GREY)),
    "fact_label": dict(font=font(bold=True)),
    "fact": dict(font=font(), alignment=Alignment(horizontal="left")),
    "fact_date": dict(font=font(), alignment=Alignment(horizontal="left"), number_format="yyyy-mm-dd"),
    "note": dict(font=font(size=9, italic=True, color=GREY), alignment=Alignment(wrap_text=True, vertical="top")),
    "heading": dict(font=font(size=12, bold=True, color=DARK)),
    "head": dict(font=font(bold=True), fill=PatternFill("solid", fgColor=HEAD_FILL),
                 border=Border(bottom=DARK_LINE), alignment=Alignment(vertical="bottom", wrap_text=True)),
    "head_num": dict(font=font(bold=True), fill=PatternFill("solid", fgColor=HEAD_FILL),
                     border=Border(bottom=DARK_LINE), number_format="0",
                     alignment=Alignment(horizontal="right", vertical="bottom", wrap_text=True)),
    "text": dict(font=font(), border=Border(bottom=THIN)),
    "amount": dict(font=font(), border=Border(bottom=THIN), number_format=AMOUNT),
    "section": dict(font=font(italic=True, bold=True, color=DARK), border=Border(bottom=THIN)),
    "sum": dict(font=font(bold=True), fill=PatternFill("solid", fgColor=SUM_FILL),
                border=Border(top=DARK_LINE, bottom=THIN)),
    "sum_amount": dict(font=font(bold=True), fill=PatternFill("solid", fgColor=SUM_FILL),
                       border=Border(top=DARK_LINE, bottom=THIN), number_format=AMOUNT),
    "grand": dict(font=font(bold=True), fill=PatternFill("solid", fgColor=HEAD_FILL),
                  border=Border(top=DARK_LINE, bottom=DOUBLE)),
    "grand_amount": dict(font=font(bold=True), fill=PatternFill("solid", fgColor=HEAD_FILL),
                         border=Border(top=DARK_LINE, bottom=DOUBLE), number_format=AMOUNT),
    "eu_label": dict(font=font(), border=Border(bottom=THIN)),
    "eu_amount": dict(font=font(), border=Border(bottom=THIN), number_format=AMOUNT),
    "eu_share": dict(font=font(bold=True), border=Border(top=DARK_LINE, bottom=THIN),
                     fill=PatternFill("solid", fgColor=SUM_FILL), number_format="0.00%"),
    "eu_share_label": dict(font=font(bold=True), border=Border(top=DARK_LINE, bottom=THIN),
                           fill=PatternFill("solid", fgColor=SUM_FILL)),
    "eu_cap": dict(font=font(), border=Border(bottom=THIN), number_format="0%"),
}


class Sheet:
    def __init__(self, ws):
        self.ws = ws
        self.row = 0

    def put(self, row: int, col: int, value, style: str):
        cell = self.ws.cell(row=row, column=col)
        if value is not None:
            cell.value = value
        for attr, setting in STYLES[style].items():
            setattr(cell, attr, setting)
        return cell

    def next(self, height: float | None = None) -> int:
        self.row += 1
        if height:
            self.ws.row_dimensions[self.row].height = height
        return self.row

    def line(self, label, label_style, values: dict[int, tuple], merge_label: bool = True, height=None) -> int:
        """One table row: the label in A (merged over A:C), then column -> (value, style)."""
        r = self.next(height)
        self.put(r, 1, label, label_style)
        for col in (2, 3):
            if col not in values:
                self.put(r, col, None, label_style)
        if merge_label and 2 not in values and 3 not in values:
            self.ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=3)
        for col, (value, style) in values.items():
            self.put(r, col, value, style)
        return r


def budgetbilaga(path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    s = Sheet(ws)
    D, E = "D", "E"  # the year column (repeated once per year) and the Totalt column

    # Title and project facts -------------------------------------------------------------------
    r = s.next(24)
    s.put(r, 1, "Budget och finansieringsplan {{ period }}", "title")
    ws.merge_cells("A1:E1")
    r = s.next()
    s.put(r, 1, "Bilaga till ansökan om stöd från Europeiska regionala utvecklingsfonden", "subtitle")
    ws.merge_cells("A2:E2")
    s.next()
    facts = [
        ("Projekt", "{{ projekt.namn }}", "fact"),
        ("Projektägare", "{{ projekt.agare }}", "fact"),
        ("Projektperiod", PERIOD, "fact"),
        ("Program", opt("projekt.program"), "fact"),
        ("Finansiering söks hos", opt("projekt.ansoks_hos", EU_NAMES), "fact"),
        ("Budgeten upprättad", "{{ dokument.datum }}", "fact_date"),
    ]
    for label, value, style in facts:
        r = s.next()
        s.put(r, 1, label, "fact_label")
        s.put(r, 2, value, style)
        ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=5)
    r = s.next()
    s.put(r, 1, "Belopp i hela kronor. Summor, totaler och stödandel är formler som räknas om i Excel.", "note")
    ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=5)
    s.next()

    # 1. Costs ------------------------------------------------------------------------------------
    s.put(s.next(20), 1, "1. Kostnader per kostnadsslag och år", "heading")
    s.line("Kostnadsslag (kr)", "head", {4: (YEAR_LOOP + "{{ y }}", "head_num"), 5: ("Totalt", "head_num")},
           height=18)
    cost = s.line("{%row for rad in budget.kostnader %}{{ rad.namn }}", "text",
                  {4: ("{{ rad.ar[y] }}", "amount"), 5: (f"=SUM({D}{s.row + 1})", "amount")})
    booked = s.line("Summa bokförd kostnad", "sum",
                    {4: (f"=SUM({D}{cost}:{D}{cost})", "sum_amount"), 5: (f"=SUM({E}{cost}:{E}{cost})", "sum_amount")})
    s.line("Direktfinansiering (i annat än pengar)", "section", {4: (None, "section"), 5: (None, "section")})
    direct = s.line("{%row for rad in budget.direktfinansiering %}{{ rad.namn }}", "text",
                    {4: ("{{ rad.ar[y] }}", "amount"), 5: (f"=SUM({D}{s.row + 1})", "amount")})
    direct_sum = s.line("Summa direktfinansiering", "sum",
                        {4: (f"=SUM({D}{direct}:{D}{direct})", "sum_amount"),
                         5: (f"=SUM({E}{direct}:{E}{direct})", "sum_amount")})
    project = s.line("Summa projektkostnad", "grand",
                     {4: (f"={D}{booked}+{D}{direct_sum}", "grand_amount"),
                      5: (f"={E}{booked}+{E}{direct_sum}", "grand_amount")})
    ws.row_breaks.append(Break(id=s.next()))  # the financing plan starts on a new page

    # 2. Financing ----------------------------------------------------------------------------------
    s.put(s.next(20), 1, "2. Finansiering per finansiär och år", "heading")
    s.line("Finansiär (kr)", "head", {2: ("Offentlig/ privat", "head"), 3: ("Kontant/ annat än pengar", "head"),
                                      4: (YEAR_LOOP + "{{ y }}", "head_num"), 5: ("Totalt", "head_num")},
           height=28)

    def financier_row(loop: str) -> int:
        return s.line(f"{{%row for rad in {loop} %}}{{{{ rad.namn }}}}", "text",
                      {2: ("{{ rad.offentlig_privat|capitalize }}", "text"),
                       3: ("{{ rad.kontant_annat|capitalize }}", "text"),
                       4: ("{{ rad.ar[y] }}", "amount"), 5: (f"=SUM({D}{s.row + 1})", "amount")})

    def sum_row(label: str, first: int, style: str = "sum") -> int:
        return s.line(label, style, {4: (f"=SUM({D}{first}:{D}{first})", f"{style}_amount"),
                                     5: (f"=SUM({E}{first}:{E}{first})", f"{style}_amount")})

    s.line("Kontant finansiering", "section", {4: (None, "section"), 5: (None, "section")})
    cash = financier_row("finansiering.kontant")
    cash_sum = sum_row("Summa kontant finansiering", cash)
    s.line("Direktfinansiering (i annat än pengar)", "section", {4: (None, "section"), 5: (None, "section")})
    in_kind = financier_row("finansiering.annat_an_pengar")
    in_kind_sum = sum_row("Summa direktfinansiering", in_kind)
    financing = s.line("Summa projektfinansiering", "grand",
                       {4: (f"={D}{cash_sum}+{D}{in_kind_sum}", "grand_amount"),
                        5: (f"={E}{cash_sum}+{E}{in_kind_sum}", "grand_amount")})
    s.next()

    # 3. Summary by kind of financing (live SUMIFS over the financing plan) ---------------------------
    s.put(s.next(20), 1, "3. Sammanställning av finansieringen", "heading")
    s.line("Slag av finansiering (kr)", "head", {4: (YEAR_LOOP + "{{ y }}", "head_num"), 5: ("Totalt", "head_num")},
           height=18)
    kinds = [
        ("Offentlig finansiering, kontanta medel", cash, "Offentlig"),
        ("Privat finansiering, kontanta medel", cash, "Privat"),
        ("Offentlig finansiering i annat än pengar", in_kind, "Offentlig"),
        ("Privat finansiering i annat än pengar", in_kind, "Privat"),
    ]
    first_kind = None
    for label, rows, sector in kinds:
        r = s.line(label, "text", {4: (f'=SUMIFS({D}{rows}:{D}{rows},$B{rows}:$B{rows},"{sector}")', "amount"),
                                   5: (f"=SUM({D}{s.row + 1})", "amount")})
        first_kind = first_kind or r
    s.line("Summa projektfinansiering", "grand", {4: (f"=SUM({D}{first_kind}:{D}{r})", "grand_amount"),
                                                  5: (f"=SUM({E}{first_kind}:{E}{r})", "grand_amount")})
    s.next()

    # 4. EU support -------------------------------------------------------------------------------------
    s.put(s.next(20), 1, "4. EU-stöd och stödandel", "heading")

    def eu_row(label, value, style, label_style="eu_label") -> int:
        r = s.next()
        s.put(r, 1, label, label_style)
        s.put(r, 2, value, style)
        return r

    total_cost = eu_row("Total projektkostnad {{ period }}", "=Summa_projektkostnad", "eu_amount")
    eu = eu_row("Sökt EU-stöd (" + EU_NAMES + ")", "{{ eu.belopp }}", "eu_amount")
    share = eu_row("Stödandel av total projektkostnad", f"=B{eu}/B{total_cost}", "eu_share", "eu_share_label")
    eu_row("Högsta tillåtna stödandel i programmet", "{{ eu.tak }}", "eu_cap")
    eu_row("Högsta möjliga EU-stöd vid denna projektkostnad", "{{ eu.tak_belopp }}", "eu_amount")
    eu_row("Skillnad mellan finansiering och kostnad (ska vara 0)",
           "=Summa_projektfinansiering-Summa_projektkostnad", "eu_amount")
    s.next()
    r = s.next(36)
    s.put(r, 1, "Stödandelen är EU-stödet i förhållande till den totala projektkostnaden för hela projektperioden, "
                "direktfinansieringen inräknad; taket gäller perioden som helhet och inte varje enskilt år. Beloppen "
                "är avrundade till hela kronor så att varje tabell summerar.", "note")
    ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=5)
    last = r

    # Names, so formulas and readers can refer to the totals wherever the loops put them.
    for name, ref in (("Summa_projektkostnad", f"${E}${project}"), ("Summa_projektfinansiering", f"${E}${financing}"),
                      ("EU_stodandel", f"$B${share}")):
        wb.defined_names[name] = DefinedName(name, attr_text=f"{SHEET}!{ref}")

    # Layout and print ------------------------------------------------------------------------------
    for col, width in {"A": 46, "B": 16, "C": 24, "D": 13, "E": 14}.items():
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "B3"
    ws.sheet_view.showGridLines = False
    ws.sheet_view.zoomScale = 100
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_margins.left = ws.page_margins.right = 0.6
    ws.page_margins.top = ws.page_margins.bottom = 0.7
    ws.print_options.horizontalCentered = True
    ws.print_area = f"A1:E{last}"
    ws.oddFooter.left.text = "Budget och finansieringsplan"
    ws.oddFooter.left.size = 8
    ws.oddFooter.right.text = "Sida &P av &N"
    ws.oddFooter.right.size = 8

    props = wb.properties
    props.title = "Budget och finansieringsplan"
    props.subject = "Bilaga till ansökan hos Tillväxtverket"
    props.creator = "hso-xl"
    props.lastModifiedBy = "hso-xl"
    props.language = "sv-SE"
    props.keywords = "HSO; mall; hso-xl"
    props.description = "Skapad av scripts/make_xlsx_templates.py. Taggar: se docs/templates.md."
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    wb.save(buffer)
    path.write_bytes(fixed_package(buffer.getvalue(), wb, FIXED_TIME))


def main(argv: list[str]) -> None:
    out = Path(argv[1]) if len(argv) > 1 else ROOT / "templates"
    for path, make in {out / "projekt" / "Budgetbilaga Tillväxtverket.xlsx": budgetbilaga}.items():
        make(path)
        print(path)


if __name__ == "__main__":
    main(sys.argv)
