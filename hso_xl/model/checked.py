"""The checked workbook: recomputed, read into the budget, rounded for print, checked.

`check_workbook` is the one way every command (check, build, diff, explain, templates, watch)
gets from a workbook file to the figures it shows, with the same settings, so no two commands
can disagree about a figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..discover import find_companion
from ..errors import ContractError
from ..findings import Finding, Severity
from ..i18n import _
from ..settings import Settings
from ..workbook.book import Workbook
from ..workbook.cellnames import get_column_letter, range_boundaries
from ..workbook.engine import EngineReport
from ..workbook.figures import Figures
from ..workbook.recalc import Recomputed, recompute_file
from ..workbook.verify import Verification
from .budget import Budget
from .checks import check_budget
from .consistency import inconsistent_formulas
from .decided import decided_totals
from .factsheets import read_facts
from .invisible import invisible_findings
from .layouts import read_budget
from .rounding import PrintedBudget, printed_budget
from .sheets import is_blank
from .units import in_kronor
from .used import figure_cells, labeller, sheet_cells


@dataclass
class Checked:
    workbook: Workbook
    engine: EngineReport
    verification: Verification
    budget: Budget
    printed: PrintedBudget
    findings: list[Finding]
    settings: Settings
    facts_workbook: Workbook | None = None  # the companion facts workbook, when one was read

    @property
    def workbooks(self) -> list[Workbook]:
        return [self.workbook] + ([self.facts_workbook] if self.facts_workbook is not None else [])


def check_workbook(path: Path, settings: Settings = Settings()) -> Checked:
    """Return the checked budget of the workbook at `path`.

    The rounding rows default to the workbook's parameters; hso.toml's [rounding] overrides them.
    Raises an HsoError when the workbook cannot be used: unreadable, a figure the documents use
    resting on a formula that does not compute, or something docs/workbook.md requires is missing.
    """
    return check_recomputed(recompute_file(path), settings)


def check_recomputed(recomputed: Recomputed, settings: Settings = Settings()) -> Checked:
    """Return the checked budget of a workbook already recomputed (see check_workbook)."""
    workbook, verification = recomputed.workbook, recomputed.verification
    figures = Figures(workbook, verification, recomputed.graph, labeller(workbook))
    facts_file = find_companion(workbook.path.parent if settings.facts is None else settings.input, "facts",
                                settings.facts)
    companion = None
    if facts_file is not None and facts_file.resolve() != workbook.path.resolve():
        companion = recompute_file(facts_file)
        companion.verification.raise_if_unusable(companion.workbook)
    workbooks = [workbook] + ([companion.workbook] if companion else [])
    try:
        facts = read_facts(workbooks)
        budget = in_kronor(workbook, read_budget(workbook, facts, settings),
                           (companion.workbook,) if companion else ())
    except ContractError as exc:  # e.g. an amount that is #N/IMPL!: name the cell it comes from instead
        if exc.location and figures.blocking([exc.location]) is not None:
            figures.labeller = labeller(workbook, sheets={exc.location.rpartition("!")[0].strip("'").replace("''", "'")})
            # The chain from the cell of that sheet nearest to the cause (Ånge's amount, not the total reading it).
            figures.raise_if_blocked(sheet_cells(workbook, exc.location), behind=exc.location)
        raise
    used = figure_cells(workbook, budget)
    figures.labeller = labeller(workbook, budget)  # now known: only the sheets the tables were read from
    figures.raise_if_blocked(used)
    printed = printed_budget(budget, settings.rounding_costs or _parameter(budget, "avrundning_kostnader"),
                             settings.rounding_financing or _parameter(budget, "avrundning_finansiering"),
                             decided_totals(workbook, budget))
    findings = (figures.warnings(used) + verification.difference_findings()
                + (companion.verification.findings() if companion else [])
                + layout_findings(budget, workbooks) + _invisible(budget, workbooks) + check_budget(budget, printed, workbook)
                + inconsistent_formulas(budget, workbook))
    return Checked(workbook, recomputed.engine, verification, budget, printed, findings, settings,
                   companion.workbook if companion else None)


def layout_findings(budget: Budget, workbooks: list[Workbook]) -> list[Finding]:
    """Warn about what hides figures from a reader of the tables read: hidden sheets, rows and columns, merged cells.

    Merged cells outside the tables' rows (a title merged across the top, 'Belopp i kronor' over
    the years of the header) hide nothing that is read.
    """
    out = []
    seen = set()
    for place in budget.places:
        workbook = next((w for w in workbooks if (w.path.name if place.workbook else None) == place.workbook
                         or (place.workbook is None and w is workbooks[0])), workbooks[0])
        sheet = next((s for s in workbook.sheets if s.name == place.sheet), None)
        if sheet is None:
            continue
        prefix = f"[{place.workbook}]" if place.workbook else ""
        area = range_boundaries(place.range)  # (first col, first row, last col, last row)
        if (place.workbook, place.sheet) not in seen and sheet.state != "visible":
            out.append(Finding(Severity.WARNING, "sheet.hidden",
                               _("the sheet '{sheet}' is hidden; it is read like any other", sheet=sheet.name),
                               prefix + sheet.name))
        seen.add((place.workbook, place.sheet))
        body = (area[0], area[1] + 1, area[2], area[3])  # below the header row, whose merged titles hide no figure
        for merged in sheet.merged:
            if _overlaps(range_boundaries(merged), body) and (place.workbook, place.sheet, merged) not in seen:
                seen.add((place.workbook, place.sheet, merged))
                out.append(Finding(Severity.WARNING, "sheet.merged",
                                   _("merged cells {cells}: only the top-left cell holds a value; the others read as "
                                     "empty", cells=merged),
                                   f"{prefix}{sheet.name}!{merged}"))
        hidden_rows = {r for r in sheet.hidden_rows if area[1] <= r <= area[3]}
        filled = {r for (r, c) in sheet.cells if r in hidden_rows and area[0] <= c <= area[2]} if hidden_rows else set()
        for row in sorted(filled):
            label = sheet.value(row, area[0])
            out.append(Finding(Severity.WARNING, "sheet.hidden_row",
                               _("row {row} ('{label}') is hidden in Excel; its amounts are read like any other row",
                                 row=row, label=" ".join(str(label or "").split())),
                               f"{prefix}{sheet.ref(row, area[0])}"))
        hidden_cols = {c for c in sheet.hidden_cols if area[0] <= c <= area[2]}
        used_cols = {c for (r, c) in sheet.cells if c in hidden_cols and area[1] <= r <= area[3]} if hidden_cols else set()
        for col in sorted(used_cols):
            out.append(Finding(Severity.WARNING, "sheet.hidden_column",
                               _("column {column} is hidden in Excel; what it holds is read like any other column",
                                 column=get_column_letter(col)),
                               f"{prefix}{sheet.ref(area[1], col)}"))
    return out


def _invisible(budget: Budget, workbooks: list[Workbook]) -> list[Finding]:
    names = [m.facts["namn"].cell for m in budget.municipalities if "namn" in m.facts and m.facts["namn"].cell]
    return invisible_findings(budget.places, workbooks, names)


def _overlaps(a: tuple, b: tuple) -> bool:
    return not (a[2] < b[0] or b[2] < a[0] or a[3] < b[1] or b[3] < a[1])


def _parameter(budget: Budget, key: str) -> str | None:
    fact = budget.parameters.get(key)
    return str(fact.value) if fact and not is_blank(fact.value) else None
