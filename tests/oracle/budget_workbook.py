"""A budget-style test workbook written with openpyxl (formulas only, no cached values).

It holds the formulas an economist's budget uses, on sheets and names with spaces and Å/Ä/Ö, so
the oracle tests can compare hso_xl's recomputed values with LibreOffice's.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
from openpyxl.styles import Font, PatternFill
from openpyxl.workbook.defined_name import DefinedName

PARAMS = "Parametrar"
BUDGET = "Budget Ö-vik"
KOMMUNER = "Kommuner Ä&Å"
CHAIN = "Uppräkning 10 år"
SUMMARY = "Sammanställning"

AMOUNT = "#,##0"
PERCENT = "0.0%"
DATE = "yyyy-mm-dd"
BOLD = Font(name="Calibri", size=11, bold=True)
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")

# Every function family the budget sheets are expected to use; test_libreoffice_oracle checks that
# the workbook really exercises each one.
FUNCTIONS = (
    "SUM", "ROUND", "ROUNDUP", "ROUNDDOWN", "IF", "AND", "OR", "NOT", "IFERROR", "SUMIF", "SUMIFS",
    "COUNTIF", "COUNTIFS", "COUNTA", "COUNT", "AVERAGE", "MIN", "MAX", "VLOOKUP", "HLOOKUP", "INDEX",
    "MATCH", "SUMPRODUCT", "MAXIFS", "IFS", "AVERAGEIF", "DATE", "YEAR", "MONTH", "DAY", "EDATE",
    "EOMONTH", "ABS", "INT", "MOD",
)


def _define(wb, name: str, target: str) -> None:
    wb.defined_names[name] = DefinedName(name, attr_text=target)


def build_budget_workbook(path: Path) -> Path:
    wb = openpyxl.Workbook()
    p = wb.active
    p.title = PARAMS
    b = wb.create_sheet(BUDGET)
    k = wb.create_sheet(KOMMUNER)
    u = wb.create_sheet(CHAIN)
    s = wb.create_sheet(SUMMARY)

    # -- Parametrar ------------------------------------------------------------------------------
    rows = [
        ("Parameter", "Värde"),
        ("Startår", 2027),
        ("Uppräkning per år", 0.024),
        ("OH-sats", 0.15),
        ("EU-stöd högst", 0.4),
        ("Projektstart", "=DATE(B2,1,1)"),
        ("Månader", 36),
        ("Projektslut", "=EDATE(B6,B7)-1"),
        ("Slutår", "=YEAR(B8)"),
        ("Moms", 0.25),
        ("Sociala avgifter", 0.3142),
        ("Belopp per kommun och år", 454_407),
    ]
    for r, (label, value) in enumerate(rows, start=1):
        p.cell(r, 1, label)
        p.cell(r, 2, value)
    p["A1"].font = p["B1"].font = BOLD
    for coord in ("B3", "B4", "B5", "B10", "B11"):
        p[coord].number_format = PERCENT
        p[coord].fill = INPUT_FILL
    for coord in ("B6", "B8"):
        p[coord].number_format = DATE
    p["B12"].number_format = AMOUNT
    _define(wb, "Startår", f"{PARAMS}!$B$2")
    _define(wb, "Uppräkning", f"{PARAMS}!$B$3")
    _define(wb, "OH_sats", f"{PARAMS}!$B$4")
    _define(wb, "EU_tak", f"{PARAMS}!$B$5")
    _define(wb, "Projektstart", f"{PARAMS}!$B$6")
    _define(wb, "Projektslut", f"{PARAMS}!$B$8")
    _define(wb, "Belopp_år", f"{PARAMS}!$B$12")  # IronCalc: a name may not START with Å/Ä/Ö

    # -- Budget Ö-vik: three years, uprated salaries, overhead, totals, roundings, flags ----------
    qb = "'Budget Ö-vik'"
    b["A2"], b["B2"], b["C2"], b["D2"], b["E2"] = "Kostnadsslag", "=Startår", "=B2+1", "=C2+1", "Totalt"
    b["A3"], b["B3"] = "Personal", 6_428_829
    b["A4"] = "Lönebikostnad"
    b["A5"] = "OH (indirekta kostnader)"
    b["A6"], b["B6"], b["C6"], b["D6"] = "Externa tjänster", 1_960_000, 930_000, 680_000
    b["A7"], b["B7"], b["C7"], b["D7"] = "Resor och logi", 627_702.5, 223_331.25, 223_331.75
    b["A8"], b["B8"], b["C8"], b["D8"] = "Projektintäkter", 1_000, 0, 500
    b["A9"] = "Summa bokförd kostnad"
    b["A10"], b["A11"], b["A12"] = "Avrundat (kr)", "Avrundat uppåt (tkr)", "Avrundat nedåt (hkr)"
    b["A13"], b["A14"], b["A15"] = "Personalandel", "Bedömning", "Intäkter eller tomt"
    b["A16"], b["A17"], b["A18"] = "Intäkt per intäkt", "Text", "Uppräknad personal som text"
    b["A19"], b["A20"] = "Moms på externa tjänster", "Ändring mot året innan"
    for col in "BCD":
        prev = chr(ord(col) - 1)
        if col != "B":
            b[f"{col}3"] = f"={prev}3*(1+Uppräkning)"  # uprating chain through a Swedish-named name
        b[f"{col}4"] = f"={col}$3*{PARAMS}!$B$11"  # mixed and absolute references
        b[f"{col}5"] = f"=OH_sats*({col}3+{col}4)"
        b[f"{col}9"] = f"=SUM({col}3:{col}7)-{col}8"
        b[f"{col}10"] = f"=ROUND({col}9,0)"
        b[f"{col}11"] = f"=ROUNDUP({col}9/1000,0)"
        b[f"{col}12"] = f"=ROUNDDOWN({col}9,-2)"
        b[f"{col}13"] = f"=({col}3+{col}4)/{col}9"
        b[f'{col}14'] = f'=IF(AND({col}13>0.5,{col}9>1E6),"Hög personalandel",IF(OR({col}8>0,{col}6=0),"Intäkter","OK"))'
        b[f"{col}15"] = f'=IF(NOT({col}8>0),"",{col}8)'
        b[f"{col}16"] = f"=IFERROR({col}8/{col}8,0)"
        b[f"{col}17"] = f'="År "&{col}2&": "&ROUND({col}9/1000,0)&" tkr"'
        b[f"{col}18"] = f'="Personal: "&ROUND({col}3,2)'
        b[f"{col}19"] = f"={col}6*25%"
        b[f"{col}20"] = "" if col == "B" else f"={col}9/{prev}9-1"
    for r in range(3, 13):
        b[f"E{r}"] = f"=SUM(B{r}:D{r})"
    for r in (9, 10):
        for col in "ABCDE":
            b[f"{col}{r}"].font = BOLD
    for r in range(3, 13):
        for col in "BCDE":
            b[f"{col}{r}"].number_format = AMOUNT
    for col in "BCD":
        b[f"{col}13"].number_format = "0.00%"
        b[f"{col}3" if col == "B" else f"{col}6"].fill = INPUT_FILL
    _define(wb, "Summa_bokförd", f"{qb}!$B$9:$D$9")
    _define(wb, "Total_kostnad", f"{qb}!$E$9")

    # -- Kommuner Ä&Å: a lookup table ----------------------------------------------------------
    k.append(["Kommun", "Kod", "Invånare", "Belopp", "Sektor"])
    table = [
        ("Härnösand", "2280", 24_654, "=Belopp_år", "offentlig"),
        ("Kramfors", "2282", 17_631, "=Belopp_år", "offentlig"),
        ("Ånge", "2260", 9_109, "=Belopp_år", "offentlig"),
        ("Sollefteå", "2283", 18_523, "=Belopp_år", "offentlig"),
        ("Sundsvall", "2281", 99_213, 661_270, "offentlig"),
        ("Timrå", "2262", 17_540, "=Belopp_år", "offentlig"),
        ("Örnsköldsvik", "2284", 55_478, "=Belopp_år", "privat"),
    ]
    for row in table:
        k.append(list(row))
    # an ascending bracket table for approximate lookups: population from -> rate
    for r, (lo, rate) in enumerate([(0, 0.5), (10_000, 0.6), (20_000, 0.75), (50_000, 1.0)], start=2):
        k[f"G{r}"], k[f"H{r}"] = lo, rate
    lookups = {
        "A11": '=VLOOKUP("Ånge",$A$2:$D$8,4,FALSE)',
        "A12": '=VLOOKUP("ÅNGE",$A$2:$D$8,2,FALSE)',  # case-insensitive match on Å
        "A13": "=VLOOKUP(C6,$G$2:$H$5,2,TRUE)",  # approximate: bracket of 18 523
        "A14": '=INDEX($D$2:$D$8,MATCH("Sundsvall",$A$2:$A$8,0))',
        "A15": "=MATCH(20000,$G$2:$G$5,1)",
        "A16": "=INDEX($A$2:$E$8,3,2)",
        "A17": '=SUMIF($C$2:$C$8,">20000",$D$2:$D$8)',
        "A18": '=SUMIFS($D$2:$D$8,$E$2:$E$8,"offentlig",$C$2:$C$8,"<20000")',
        "A19": "=COUNTIF($D$2:$D$8,Belopp_år)",
        "A20": '=COUNTIF($A$2:$A$8,"S*")',
        "A21": '=COUNTIFS($E$2:$E$8,"offentlig",$C$2:$C$8,">=17540")',
        "A22": "=AVERAGE($D$2:$D$8)",
        "A23": "=MIN($C$2:$C$8)",
        "A24": "=MAX($C$2:$C$8)",
        "A25": "=SUMPRODUCT($C$2:$C$8,$D$2:$D$8)/SUM($C$2:$C$8)",
        "A26": '=VLOOKUP("Saknas",$A$2:$D$8,2,FALSE)',  # #N/A, compared as an error
        "A27": '=IFERROR(VLOOKUP("Saknas",$A$2:$D$8,2,FALSE),"saknas")',
        "A28": "=COUNTA($A$2:$A$8)",
        "A29": "=COUNT($A$2:$D$8)",
        "A30": '=HLOOKUP("Invånare",$A$1:$E$8,4,FALSE)',
        "A31": "=SUM($D$2:$D$8)*3",
        "A32": "=SUM(A26,1)",  # an error propagates
        "A33": '=_xlfn.MAXIFS($C$2:$C$8,$E$2:$E$8,"offentlig")',  # stored with _xlfn. as Excel stores it
        "A34": '=_xlfn.IFS(A24>90000,"stor",A24>50000,"mellan",TRUE,"liten")',
        "A35": '=AVERAGEIF($E$2:$E$8,"offentlig",$D$2:$D$8)',
        "A36": '=SUMIF($A$2:$A$8,"<>Sundsvall",$D$2:$D$8)',
        "A37": '=SUMIF($C$2:$C$8,">"&$C$3,$D$2:$D$8)',
    }
    for coord, formula in lookups.items():
        k[coord] = formula
        k[coord.replace("A", "B")] = f"Formel {coord}"
    k["A1"].font = BOLD

    # -- Uppräkning 10 år: a year-on-year uprating chain -----------------------------------------
    u["A1"], u["A2"], u["A3"], u["A4"] = "År", "Lön", "Avrundad", "Ackumulerat"
    u["B1"], u["B2"] = "=Startår", 512_345.67
    for i in range(2, 12):  # columns B..K
        col = openpyxl.utils.get_column_letter(i)
        if i > 2:
            prev = openpyxl.utils.get_column_letter(i - 1)
            u[f"{col}1"] = f"={prev}1+1"
            u[f"{col}2"] = f"={prev}2*(1+Uppräkning)"
        u[f"{col}3"] = f"=ROUND({col}2,0)"
        u[f"{col}4"] = f"=SUM($B$2:{col}2)"
        u[f"{col}2"].number_format = AMOUNT
    u["L2"] = "=K2/B2-1"
    u["L3"] = "=(1+Uppräkning)^9-1"
    u["L4"] = "=ABS(L2-L3)<1E-12"

    # -- Sammanställning: cross-sheet, names, dates, nested and tricky rounding -------------------
    summary = [
        ("Total kostnad", f"={qb}!E9"),
        ("Summa via namn", "=SUM(Summa_bokförd)"),
        ("Kostnader år 1-3 (2D)", f"=SUM({qb}!B3:D7)-SUM({qb}!B8:D8)"),
        ("Två kommuner", f"='{KOMMUNER}'!D2+'{KOMMUNER}'!D3"),
        ("EU-stöd högst (kr)", "=ROUND(Total_kostnad*EU_tak,0)"),
        ("EU-stöd nästlat", f"=ROUND(MAX(0,MIN(EU_tak*Total_kostnad,SUM({qb}!B9:D9)-1E6)),-3)"),
        ("Över 30 Mkr", "=Total_kostnad>30000000"),
        ("Lokal moms", "=Lokal_moms*1000"),
        ("Månadsslut", "=EDATE(DATE(2027,1,31),1)"),
        ("Sista dag", "=EOMONTH(Projektstart,35)"),
        ("Slutår", "=YEAR(EDATE(Projektstart,36))"),
        ("Månad 13", "=DATE(Startår,13,1)"),
        ("Projektdagar", "=Projektslut-Projektstart+1"),
        ("Månad och dag", "=MONTH(Projektslut)*100+DAY(Projektslut)"),
        ("Hela tkr", "=INT(Total_kostnad/1000)"),
        ("Rest", "=MOD(Total_kostnad,1000)"),
        ("Minus upphöjt", "=-2^2"),
        ("Procent", "=1000*15%"),
        ("Division med noll", "=1/0"),
        ("ROUND 2,5", "=ROUND(2.5,0)"),
        ("ROUND -2,5", "=ROUND(-2.5,0)"),
        ("ROUND 1,005", "=ROUND(1.005,2)"),
        ("ROUND 0,285", "=ROUND(0.285,2)"),
        ("ROUNDUP 0,1+0,2", "=ROUNDUP(0.1+0.2,1)"),
        ("ROUNDDOWN negativ", "=ROUNDDOWN(-1234.567,-2)"),
        ("0,1+0,2=0,3", "=SUM(0.1,0.2)=0.3"),
        ("Tom cell", f"={PARAMS}!C99"),
        ("Tom cell som text", f'="x"&{PARAMS}!C99'),
        ("Andel av total", "=ROUND(Total_kostnad/SUM(Summa_bokförd)*100,2)&\" %\""),
    ]
    s["A1"], s["B1"] = "Post", "Värde"
    for r, (label, formula) in enumerate(summary, start=2):
        s.cell(r, 1, label)
        s.cell(r, 2, formula)
    # a small matrix filled with mixed references: =$A31*B$30
    s["A30"] = "Matris"
    for j, col in enumerate("BCD", start=1):
        s[f"{col}30"] = j * 10
    for i in range(31, 34):
        s[f"A{i}"] = i - 30
        for col in "BCD":
            s[f"{col}{i}"] = f"=$A{i}*{col}$30"
    s.defined_names["Lokal_moms"] = DefinedName("Lokal_moms", attr_text=f"{PARAMS}!$B$10")  # sheet-scoped
    s["B2"].number_format = AMOUNT
    s["B2"].font = BOLD

    wb.save(path)
    return path
