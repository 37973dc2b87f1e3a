"""Build the Budget from a recomputed workbook, following the contract in docs/workbook.md.

Every sheet, header and row is found by its label, so rows and financiers can be inserted, years
added and sheets reordered without a code change. Each constant below is a label of the contract.
"""

from __future__ import annotations

from decimal import Decimal

from ..errors import ContractError
from ..workbook.book import Sheet, Workbook
from .budget import ANNAT_AN_PENGAR, KONTANT, OFFENTLIG, PRIVAT, Budget, CostLine, Fact, FinancingLine, Line, Municipality
from .dates import iso_date
from .sheets import Header, amount, find_header, find_sheet, is_blank, label_values, norm, to_decimal

PROJECT_SHEET, PROJECT_HEADER = "Projekt", "Uppgift"
PARAMETER_SHEET, PARAMETER_HEADER = "Parametrar", "Parameter"
BUDGET_SHEET, BUDGET_HEADER = "Budget", "Kostnadsslag"
FINANCING_SHEET, FINANCING_HEADER = "Finansiering", "Finansiär"
MUNICIPALITY_SHEET, MUNICIPALITY_HEADER = "Kommuner", "Kommun"
TABLE_HEADERS = (PROJECT_HEADER, PARAMETER_HEADER, BUDGET_HEADER, FINANCING_HEADER, MUNICIPALITY_HEADER)

BOOKED_TOTAL = "Summa bokförd kostnad"
DIRECT_TOTAL = "Summa direktfinansiering"
PROJECT_TOTAL = "Summa projektkostnad"
FINANCING_TOTAL = "Summa projektfinansiering"
DEDUCTED_PREFIXES = ("intäkt", "projektintäkt")

REQUIRED_PROJECT_FACTS = ("Projektnamn", "Projektägare")
EU_CAP = "EU-stöd högst"
EU_FINANCIER = "EU-finansiär"
COST_ROUNDING = "Avrundning kostnader"
FINANCING_ROUNDING = "Avrundning finansiering"
OFFICIAL_NAME = "Officiellt namn"


def read_budget(workbook: Workbook) -> Budget:
    """Return the Budget held by a recomputed `workbook`, or raise ContractError saying what is missing."""
    project = {key: _date_from_text(fact) for key, fact in
               _facts(workbook, PROJECT_SHEET, PROJECT_HEADER, REQUIRED_PROJECT_FACTS).items()}
    parameters = _facts(workbook, PARAMETER_SHEET, PARAMETER_HEADER, (EU_CAP, EU_FINANCIER))
    years, costs, direct_costs, totals = _read_costs(workbook)
    municipalities = _read_municipalities(workbook)
    financing, fin_totals = _read_financing(workbook, years, parameters, municipalities)
    totals.update(fin_totals)
    return Budget(
        years=years,
        costs=costs,
        direct_costs=direct_costs,
        financing=financing,
        municipalities=municipalities,
        project=project,
        parameters=parameters,
        eu_cap=_rate(workbook, parameters[norm(EU_CAP)]),
        workbook_totals=totals,
    )


def _facts(workbook: Workbook, sheet_name: str, header: str, required: tuple[str, ...]) -> dict[str, Fact]:
    sheet = find_sheet(workbook, sheet_name)
    facts = {key: Fact(label, value, cell) for key, (label, value, cell) in label_values(workbook, sheet, header).items()}
    for label in required:
        fact = facts.get(norm(label))
        if fact is None or is_blank(fact.value):
            raise ContractError(
                f"the required value '{label}' is missing",
                file=workbook.path,
                location=fact.cell if fact else sheet.name,
                hint=f"Add a row labelled '{label}' under the '{header}' header, with its value in the next column",
            )
    return facts


def _date_from_text(fact: Fact) -> Fact:
    """A project date typed as text in ISO form ('2029-12-31') is read as that date (check warns)."""
    if isinstance(fact.value, str):
        date = iso_date(fact.value)
        if date is not None:
            return Fact(fact.label, date, fact.cell, typed=fact.value)
    return fact


def _rate(workbook: Workbook, fact: Fact) -> Decimal:
    value = fact.value
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise ContractError(
            f"'{fact.label}' should be a percentage between 0 % and 100 %, but the cell holds {value!r}",
            file=workbook.path,
            location=fact.cell,
            hint="Type it as a percentage, for example 40 %",
        )
    return to_decimal(value)


def _row_amounts(workbook: Workbook, header: Header, row: int, label: str) -> tuple[Decimal, ...]:
    return tuple(amount(workbook, header.sheet, row, col, f"'{label}' {year}") for col, year in zip(header.year_cols, header.years))


def _row_cells(header: Header, row: int) -> tuple[str, ...]:
    return tuple(header.sheet.ref(row, col) for col in header.year_cols)


def _is_heading(header: Header, row: int, extra_cols: tuple[int | None, ...] = ()) -> bool:
    cols = [*header.year_cols, *(c for c in extra_cols if c)]
    return all(is_blank(header.sheet.value(row, col)) for col in cols)


def _labelled_rows(header: Header):
    """Yield (row, label) below the header for rows with a text label."""
    sheet = header.sheet
    for row in sheet.rows():
        if row <= header.row:
            continue
        label = sheet.value(row, header.label_col)
        if isinstance(label, str) and label.strip():
            yield row, label.strip()


def _line(cls, workbook: Workbook, header: Header, row: int, label: str, **extra):
    total_cell = header.sheet.ref(row, header.total_col) if header.total_col else None
    empty = tuple(header.sheet.ref(row, col) for col in header.year_cols if is_blank(header.sheet.value(row, col)))
    return cls(
        empty_cells=empty,
        label=label,
        amounts=_row_amounts(workbook, header, row, label),
        cells=_row_cells(header, row),
        label_cell=header.sheet.ref(row, header.label_col),
        total_cell=total_cell,
        **extra,
    )


def _read_costs(workbook: Workbook):
    sheet = find_sheet(workbook, BUDGET_SHEET)
    header = find_header(workbook, sheet, BUDGET_HEADER, with_years=True)
    costs: list[CostLine] = []
    direct: list[Line] = []
    totals: dict[str, Line] = {}
    section = "costs"
    for row, label in _labelled_rows(header):
        key = norm(label)
        if key in (norm(BOOKED_TOTAL), norm(DIRECT_TOTAL), norm(PROJECT_TOTAL)):
            totals[key] = _line(Line, workbook, header, row, label)
            section = "direct" if key == norm(BOOKED_TOTAL) else "done"
            if key == norm(PROJECT_TOTAL):
                break
            continue
        if key.startswith("summa") or section == "done" or _is_heading(header, row):
            continue
        if section == "costs":
            costs.append(_line(CostLine, workbook, header, row, label, deducted=key.startswith(DEDUCTED_PREFIXES)))
        else:
            direct.append(_line(Line, workbook, header, row, label))
    for required in (BOOKED_TOTAL, PROJECT_TOTAL):
        if norm(required) not in totals:
            raise ContractError(
                f"no row labelled '{required}' was found below the header",
                file=workbook.path,
                location=sheet.ref(header.row, header.label_col),
                hint=f"The cost table ends with a row '{BOOKED_TOTAL}'; direct financing follows, then '{PROJECT_TOTAL}'",
            )
    if not costs:
        raise ContractError("the cost table has no cost rows", file=workbook.path, location=sheet.name,
                            hint=f"List the cost categories between the header and '{BOOKED_TOTAL}'")
    return header.years, costs, direct, totals


def _read_financing(workbook: Workbook, years, parameters: dict[str, Fact], municipalities: list[Municipality]):
    sheet = find_sheet(workbook, FINANCING_SHEET)
    header = find_header(workbook, sheet, FINANCING_HEADER, with_years=True)
    if header.years != years:
        raise ContractError(
            f"the years of the financing plan ({_span(header.years)}) differ from the budget's ({_span(years)})",
            file=workbook.path,
            location=sheet.ref(header.row, header.year_cols[0]),
            hint="Give both tables the same year columns",
        )
    sector_col = header.col("offentlig")
    kind_col = header.col("kontant")
    for col, title in ((sector_col, "Offentlig/privat"), (kind_col, "Kontant/annat än pengar")):
        if col is None:
            raise ContractError(
                f"the financing table has no column '{title}'",
                file=workbook.path,
                location=sheet.ref(header.row, header.label_col),
                hint=f"Add a column headed '{title}' to the header row",
            )
    eu_name = norm(parameters[norm(EU_FINANCIER)].value)
    by_name = {norm(m.official_name): m for m in municipalities}
    lines: list[FinancingLine] = []
    totals: dict[str, Line] = {}
    for row, label in _labelled_rows(header):
        key = norm(label)
        if key == norm(FINANCING_TOTAL):
            totals[key] = _line(Line, workbook, header, row, label)
            break
        if key.startswith("summa") or _is_heading(header, row, (sector_col, kind_col)):
            continue
        sector = _choice(workbook, sheet, row, sector_col, {"offentlig": OFFENTLIG, "privat": PRIVAT}, "Offentlig/privat")
        kind = _choice(
            workbook, sheet, row, kind_col,
            {"kontant": KONTANT, "kontanta medel": KONTANT, "annat än pengar": ANNAT_AN_PENGAR,
             "i annat än pengar": ANNAT_AN_PENGAR, "direktfinansiering": ANNAT_AN_PENGAR},
            "Kontant/annat än pengar",
        )
        municipality = by_name.get(key) if kind == KONTANT else None
        lines.append(
            _line(FinancingLine, workbook, header, row, label, sector=sector, kind=kind, is_eu=(key == eu_name),
                  municipality=municipality)
        )
    if norm(FINANCING_TOTAL) not in totals:
        raise ContractError(
            f"no row labelled '{FINANCING_TOTAL}' was found below the header",
            file=workbook.path,
            location=sheet.ref(header.row, header.label_col),
            hint=f"End the financing plan with a row '{FINANCING_TOTAL}'",
        )
    if not any(line.is_eu for line in lines):
        fact = parameters[norm(EU_FINANCIER)]
        raise ContractError(
            f"the EU financier '{fact.value}' named in {PARAMETER_SHEET} has no row in the financing plan",
            file=workbook.path,
            location=fact.cell,
            hint=f"Write the financier's name exactly as in column {sheet.name}!A, or correct the parameter",
        )
    return lines, totals


def _choice(workbook: Workbook, sheet: Sheet, row: int, col: int, allowed: dict[str, str], title: str) -> str:
    value = sheet.value(row, col)
    chosen = allowed.get(norm(value)) if isinstance(value, str) else None
    if chosen is None:
        options = " or ".join(sorted({f"'{v}'" for v in allowed.values()}))
        raise ContractError(
            f"'{title}' must be {options}, but the cell holds {value!r}",
            file=workbook.path,
            location=sheet.ref(row, col),
            hint=f"Type {options} in the '{title}' column",
        )
    return chosen


def _read_municipalities(workbook: Workbook) -> list[Municipality]:
    sheet = find_sheet(workbook, MUNICIPALITY_SHEET)
    header = find_header(workbook, sheet, MUNICIPALITY_HEADER)
    official_col = header.col(OFFICIAL_NAME)
    if official_col is None:
        raise ContractError(
            f"the municipality table has no column '{OFFICIAL_NAME}'",
            file=workbook.path,
            location=sheet.ref(header.row, header.label_col),
            hint=f"Add a column '{OFFICIAL_NAME}' with names as in the financing plan, e.g. 'Sundsvalls kommun'",
        )
    titles = {col: sheet.value(header.row, col) for col in sorted(header.columns.values())}
    out: list[Municipality] = []
    seen: dict[str, str] = {}
    for row, short in _labelled_rows(header):
        official = sheet.value(row, official_col)
        if is_blank(official):
            raise ContractError(
                f"the municipality '{short}' has no official name",
                file=workbook.path,
                location=sheet.ref(row, official_col),
                hint="Type the name as in the financing plan, for example 'Ånge kommun'",
            )
        official = " ".join(str(official).split())
        key = norm(official)
        if key in seen:
            raise ContractError(
                f"the municipality '{official}' is listed twice (also at {seen[key]})",
                file=workbook.path,
                location=sheet.ref(row, official_col),
                hint="Remove the duplicate row",
            )
        seen[key] = sheet.ref(row, official_col)
        facts = {str(title).strip(): sheet.value(row, col) for col, title in titles.items()}
        out.append(Municipality(official, short, facts, sheet.ref(row, header.label_col)))
    return out


def _span(years) -> str:
    return f"{years[0]}–{years[-1]}" if years else "none"
