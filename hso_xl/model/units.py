"""Amounts read in the unit their cells show: tkr and Mkr in the number format, and Excel's scaling commas.

The documents print kronor (docs/workbook.md, "Units"):
- a format that writes a unit after the number, `#,##0" tkr"`, says the value is in that unit: 454
  shown as `454 tkr` is 454 000 kr, so the whole table is read ×1 000;
- a scaling comma, `#,##0,` or `#,##0," tkr"`, divides the value for display only: 454 407 shown as
  `454` holds kronor and is read as it is (a note says the documents print 454 407);
- a format that is not certain (a unit other than kronor, a percentage, `#,##0," kr"` which divides
  by 1 000 yet says kr) stops the reading naming the cell and the format;
- one table in two units (rows in tkr, a total in kronor) stops the reading naming the cells;
- the words above a table ('Belopp i tkr', 'Kostnader (kr)') must agree with the cells' formats.
Whole tables are converted, their total rows and Totalt column with them, so every sum still adds up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal

from ..errors import ContractError
from ..findings import Finding, Severity, joined
from ..i18n import Message, _, n_
from ..swedish import group
from ..workbook.book import Workbook
from ..workbook.formats import shown, unit_text
from ..workbook.verify import listed
from .budget import BOOKED, DIRECT, PROJECT, Budget, Fact, Line, Place
from .sheets import norm, thousands_unit, to_decimal

KRONOR = {"kr", "kronor", "sek", "skr"}
THOUSANDS = {"tkr", "tkronor", "tsek", "ksek", "tusenkronor", "tusentalkronor", "tkrkronor"}
MILLIONS = {"mkr", "mnkr", "msek", "mnsek", "mkronor", "miljkr", "miljonerkronor", "miokr"}
UNIT_NAMES = {1: "kr", 1000: "tkr", 1_000_000: "Mkr"}
COST_ROLES = {BOOKED, DIRECT, PROJECT}
ROWS_ABOVE = 4  # a "Belopp i tkr" line stands just above the table, with the title
_KRONOR_WORD = re.compile(r"\b(kr|kronor|sek)\b")
FORMAT_HINT = _("Give every amount of the table one number format: in kronor (#,##0 or #,##0\" kr\"), or, for "
                "amounts typed in thousands, #,##0\" tkr\" (docs/workbook.md, \"Units\")")

FACT_HINT = _("Give the cell a number format in kronor (#,##0 or #,##0\" kr\"), or #,##0\" tkr\" for an amount typed in "
              "thousands (docs/workbook.md, \"Units\")")


@dataclass(frozen=True)
class CellUnit:
    cell: str
    factor: int  # value × factor = kronor
    shown_in: int | None  # the unit a reader of the workbook sees (1, 1 000, 1 000 000); None: the format says none
    code: str  # the number format
    value: object


def in_kronor(workbook: Workbook, budget: Budget, others: tuple[Workbook, ...] = ()) -> Budget:
    """Return `budget` with every amount in kronor, as its cells' number formats say; notes say what was converted.

    `others`: the companion workbooks facts may come from (a Fakta.xlsx).
    """
    budget = _facts_in_kronor([workbook, *others], budget)
    costs = [*budget.costs, *budget.direct_costs]
    cost_totals = {k: v for k, v in budget.workbook_totals.items() if k in COST_ROLES}
    fin_totals = {k: v for k, v in budget.workbook_totals.items() if k not in COST_ROLES}
    findings: list[Finding] = []
    places = {place.what: place for place in budget.places if place.workbook is None}
    cost_factor = _table_factor(workbook, "costs", [*costs, *cost_totals.values()], places.get("costs"), findings)
    fin_factor = _table_factor(workbook, "financing", [*budget.financing, *fin_totals.values()],
                               places.get("financing"), findings)
    if cost_factor == fin_factor == 1:
        return replace(budget, findings=[*budget.findings, *findings]) if findings else budget

    def scaled(lines, factor):
        return [_scaled(line, factor) for line in lines]

    totals = {k: _scaled(v, cost_factor if k in COST_ROLES else fin_factor) for k, v in budget.workbook_totals.items()}
    return replace(budget, costs=scaled(budget.costs, cost_factor), direct_costs=scaled(budget.direct_costs, cost_factor),
                   financing=scaled(budget.financing, fin_factor), workbook_totals=totals,
                   findings=[*budget.findings, *findings])


def _scaled(line: Line, factor: int) -> Line:
    if factor == 1:
        return line
    return replace(line, amounts=tuple(a * factor for a in line.amounts), unit=factor)


TABLE_WORDS = {"costs": _("costs"), "financing": _("financing")}


def _table_factor(workbook: Workbook, table: str, lines: list[Line], place: Place | None,
                  findings: list[Finding]) -> int:
    """Return what the table's values are multiplied by to be kronor, or raise ContractError when it is not certain."""
    units: list[CellUnit] = []
    for line in lines:
        for ref in [*line.cells, *([line.total_cell] if line.total_cell else [])]:
            unit = cell_unit(workbook, ref)
            if unit is not None:
                units.append(unit)
    by_factor: dict[int, list[CellUnit]] = {}
    for unit in units:
        by_factor.setdefault(unit.factor, []).append(unit)
    if len(by_factor) > 1:
        groups = sorted(by_factor.items(), key=lambda item: -len(item[1]))
        described = joined((_("{cells} in {unit} (number format '{code}')", cells=listed([u.cell for u in group_]),
                               unit=UNIT_NAMES[factor], code=_code(group_[0].code)) for factor, group_ in groups), "; ")
        raise ContractError(_("the {table} table mixes units: {groups}", table=TABLE_WORDS[table], groups=described),
                            file=workbook.path, location=groups[-1][1][0].cell, hint=FORMAT_HINT)
    _agree_with_header(workbook, units, place)
    factor = next(iter(by_factor), 1)
    if factor != 1:
        first = units[0]
        findings.append(Finding(
            Severity.INFO, "amount.unit",
            n_("the {table} table is in {unit} (number format '{code}'; {n} amount: {cells}): its amounts are read "
               "×{factor} as kronor, and the documents print kronor ({value} {unit} is {kronor} kr)",
               "the {table} table is in {unit} (number format '{code}'; {n} amounts: {cells}): its amounts are read "
               "×{factor} as kronor, and the documents print kronor ({value} {unit} is {kronor} kr)", len(units),
               table=TABLE_WORDS[table], unit=UNIT_NAMES[factor], code=_code(first.code), cells=listed(
                   [u.cell for u in units], 3), factor=group(factor), value=_number(first.value),
               kronor=_amount(Decimal(str(first.value)) * factor)),
            first.cell, {"factor": factor, "cells": [u.cell for u in units]}))
    scaled = [u for u in units if u.shown_in and u.shown_in > 1]
    if factor == 1 and scaled:
        first = scaled[0]
        findings.append(Finding(
            Severity.INFO, "amount.display_scaled",
            n_("{n} amount of the {table} table is shown in Excel in {unit} (number format '{code}': {cells}), but "
               "the cell holds kronor; the documents print the kronor it holds ({value} kr, which Excel shows as "
               "{displayed})",
               "{n} amounts of the {table} table are shown in Excel in {unit} (number format '{code}': {cells}), but "
               "the cells hold kronor; the documents print the kronor they hold ({value} kr, which Excel shows as "
               "{displayed})", len(scaled), table=TABLE_WORDS[table], unit=UNIT_NAMES[first.shown_in],
               code=_code(first.code), cells=listed([u.cell for u in scaled], 3), value=_number(first.value),
               displayed=group(Decimal(str(first.value)) / first.shown_in, _decimals(first.code))),
            first.cell, {"cells": [u.cell for u in scaled]}))
    return factor


def cell_unit(workbook: Workbook, ref: str) -> CellUnit | None:
    """Return the unit of the amount in `ref` ('Budget!B4'), None for an empty or zero cell, or raise ContractError."""
    sheet_name, _bang, coordinate = ref.rpartition("!")
    sheet = workbook.sheet(sheet_name.strip("'").replace("''", "'"))
    from ..workbook.cellnames import coordinate_to_tuple

    cell = sheet.get(*coordinate_to_tuple(coordinate))
    if cell is None or isinstance(cell.value, bool) or not isinstance(cell.value, (int, float)) or cell.value == 0:
        return None
    fmt = shown(cell.number_format)
    code = cell.number_format

    def unclear(how: Message) -> ContractError:
        return ContractError(_("the amount has the number format '{code}', which {how}, so its unit is not certain",
                               code=_code(code), how=how), file=workbook.path, location=ref, hint=FORMAT_HINT)

    # Each section (positive; negative; zero, or [>=1000000]-style conditions) must read the value the same way.
    read = [_section_unit(section, unclear) for section in fmt.sections or (fmt,)]
    if len({factor for factor, _shown in read}) > 1:
        raise unclear(_("shows positive and negative amounts in different units"))
    factor, shown_in = read[0]
    return CellUnit(ref, factor, shown_in, code, cell.value)


def _section_unit(fmt, unclear) -> tuple[int, int | None]:
    """Return (what the value is multiplied by to be kronor, the unit a reader sees) of one format section."""
    if fmt.percent:
        raise unclear(_("shows it as a percentage"))
    written = unit_of(fmt.text)
    if written == 0:
        raise unclear(_("writes '{text}' after it, not a unit of kronor", text=fmt.text))
    if written is None:
        return 1, fmt.scale if fmt.scale > 1 else None
    if fmt.scale == 1:
        return written, written
    if fmt.scale == written:
        return 1, written
    raise unclear(_("divides it by {scale} for display yet writes '{text}' after it", scale=group(fmt.scale),
                    text=fmt.text))


def unit_of(text: str) -> int | None:
    """Return the factor a unit written beside a number means (1, 1 000, 1 000 000), None for none, 0 for another."""
    key = unit_text(text)
    if not key:
        return None
    if key in KRONOR:
        return 1
    if key in THOUSANDS:
        return 1000
    if key in MILLIONS:
        return 1_000_000
    return 0


def _agree_with_header(workbook: Workbook, units: list[CellUnit], place: Place | None) -> None:
    """Refuse a table whose header or title says another unit than its cells show."""
    said = _header_unit(workbook, place)
    if said is None or not units:
        return
    factor, text, where = said
    if factor > 1 and all(u.shown_in is None for u in units):
        raise ContractError(
            _("the table says its amounts are in {unit} ('{text}'), and hso-xl reads every amount as kronor",
              unit=UNIT_NAMES[factor], text=text),
            file=workbook.path, location=where,
            hint=_("Type the amounts in whole kronor (Excel: multiply them by 1 000 with Paste Special > Multiply) and "
                   "change the text to say kr, or give the amounts the number format #,##0\" tkr\" so that the cells "
                   "say their unit too; documents print kronor"))
    for unit in units:
        if (unit.shown_in or (1 if factor == 1 else None)) != factor:
            shown_in = unit.shown_in or 1
            raise ContractError(
                _("the table says its amounts are in {unit} ('{text}', {where}), but this amount is shown in {shown} "
                  "(number format '{code}')", unit=UNIT_NAMES[factor], text=text, where=where,
                  shown=UNIT_NAMES[shown_in], code=_code(unit.code)),
                file=workbook.path, location=unit.cell, hint=FORMAT_HINT)


def _header_unit(workbook: Workbook, place: Place | None) -> tuple[int, str, str] | None:
    """Return (factor, text, cell) of the unit the table's header or the lines above it name, or None."""
    if place is None:
        return None
    from ..workbook.cellnames import range_boundaries

    sheet = workbook.sheet(place.sheet)
    first_col, first_row, _last_col, _last_row = range_boundaries(place.range)
    kronor = None
    for row in range(max(1, first_row - ROWS_ABOVE), first_row + 2):
        for col in range(1, sheet.max_col + 1):
            text = sheet.value(row, col)
            if not isinstance(text, str) or (row < first_row and col > first_col + 8):
                continue
            shown_text = " ".join(text.split())
            unit = thousands_unit(text)
            if unit is not None:
                return (1000 if unit_text(unit) in THOUSANDS or unit.startswith("tusen") else 1_000_000, shown_text,
                        sheet.ref(row, col))
            if kronor is None and _KRONOR_WORD.search(norm(text)):
                kronor = (1, shown_text, sheet.ref(row, col))
    return kronor


def _decimals(code: str) -> int:
    """The decimals the format's first section shows ('0.0,,' -> 1)."""
    match = re.search(r"\.([0#?]+)", code.split(";")[0])
    return len(match.group(1)) if match else 0


def _code(code: str) -> str:
    return code or "General"


def _number(value) -> str:
    return _amount(Decimal(str(value)) if isinstance(value, float) else Decimal(value))


def _amount(value: Decimal) -> str:
    """1363221 -> '1 363 221'; 454.407 -> '454,407' (the decimals the value has, up to three)."""
    decimals = min(3, max(0, -value.normalize().as_tuple().exponent))
    return group(value, decimals)


def _facts_in_kronor(workbooks: list[Workbook], budget: Budget) -> Budget:
    """Read a number fact formatted in tkr or Mkr ('Medfinansiering hittills' 685 shown '685 tkr') as kronor.

    A fact is not an amount by necessity (a rate in %, a count): only a unit of kronor in its format
    changes it, and a format dividing by one unit while naming another stops the reading.
    """
    findings: list[Finding] = []

    def convert(fact: Fact) -> Fact:
        if isinstance(fact.value, bool) or not isinstance(fact.value, (int, float)) or fact.value == 0:
            return fact
        cell = _fact_cell(workbooks, fact.cell)
        fmt = shown(cell.number_format if cell is not None else "")
        written = unit_of(fmt.text)
        if not written or fmt.percent or fmt.sections_differ or fmt.scale == written:
            return fact
        if fmt.scale != 1:
            raise ContractError(_("the amount has the number format '{code}', which {how}, so its unit is not certain",
                                  code=fmt.code, how=_("divides it by {scale} for display yet writes '{text}' after it",
                                                       scale=group(fmt.scale), text=fmt.text)),
                                file=workbooks[0].path, location=fact.cell, hint=FACT_HINT)
        if written == 1:
            return fact
        kronor = to_decimal(fact.value) * written
        findings.append(Finding(
            Severity.INFO, "fact.unit",
            _("'{label}' is in {unit} (number format '{code}'): {value} {unit} is read as {kronor} kr", label=fact.label,
              unit=UNIT_NAMES[written], code=fmt.code, value=_number(fact.value), kronor=_amount(kronor)), fact.cell))
        value = int(kronor) if kronor == kronor.to_integral_value() else float(kronor)
        return replace(fact, value=value)

    project = {key: convert(fact) for key, fact in budget.project.items()}
    parameters = {key: convert(fact) for key, fact in budget.parameters.items()}
    for municipality in budget.municipalities:  # in place: financing lines hold these very objects
        for key, fact in list(municipality.facts.items()):
            if isinstance(fact, Fact):
                municipality.facts[key] = convert(fact)
    if not findings:
        return budget
    return replace(budget, project=project, parameters=parameters, findings=[*budget.findings, *findings])


def _fact_cell(workbooks: list[Workbook], reference: str):
    """The cell of a fact's reference, 'Projekt!B8' or '[Fakta.xlsx]Projekt!B8', or None."""
    from ..workbook.cellnames import coordinate_to_tuple

    name = None
    if reference.startswith("["):
        name, _bracket, reference = reference[1:].partition("]")
    workbook = next((w for w in workbooks if name is None or w.path.name == name), None)
    sheet_name, _bang, coordinate = reference.rpartition("!")
    try:
        sheet = workbook.sheet(sheet_name.strip("'").replace("''", "'"))
        return sheet.get(*coordinate_to_tuple(coordinate))
    except (AttributeError, KeyError, ValueError, TypeError):
        return None
