"""The checked workbook: recomputed, read into the budget, rounded for print, checked.

`check_workbook` is the one way every command (check, build, diff, explain, templates, watch)
gets from a workbook file to the figures it shows, with the same settings, so no two commands
can disagree about a figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..findings import Finding, Severity
from ..settings import Settings
from ..workbook.book import Workbook
from ..workbook.engine import EngineReport
from ..workbook.recalc import Recomputed, recompute_file
from ..workbook.verify import Verification
from .budget import Budget
from .checks import check_budget
from .contract import (BUDGET_SHEET, COST_ROUNDING, FINANCING_ROUNDING, FINANCING_SHEET, MUNICIPALITY_SHEET,
                       PARAMETER_SHEET, PROJECT_SHEET, read_budget)
from .rounding import PrintedBudget, printed_budget
from .sheets import find_sheet, norm


@dataclass
class Checked:
    workbook: Workbook
    engine: EngineReport
    verification: Verification
    budget: Budget
    printed: PrintedBudget
    findings: list[Finding]
    settings: Settings


def check_workbook(path: Path, settings: Settings = Settings()) -> Checked:
    """Return the checked budget of the workbook at `path`.

    The rounding rows default to the workbook's parameters; hso.toml's [rounding] overrides them.
    Raises an HsoError when the workbook cannot be used: unreadable, a formula that does not
    compute, or something docs/workbook.md requires is missing.
    """
    return check_recomputed(recompute_file(path), settings)


def check_recomputed(recomputed: Recomputed, settings: Settings = Settings()) -> Checked:
    """Return the checked budget of a workbook already recomputed (see check_workbook)."""
    workbook, verification = recomputed.workbook, recomputed.verification
    verification.raise_if_unusable(workbook)
    budget = read_budget(workbook)
    printed = printed_budget(budget, settings.rounding_costs or _parameter(budget, COST_ROUNDING),
                             settings.rounding_financing or _parameter(budget, FINANCING_ROUNDING))
    findings = verification.findings() + layout_findings(workbook) + check_budget(budget, printed)
    return Checked(workbook, recomputed.engine, verification, budget, printed, findings, settings)


def layout_findings(workbook: Workbook) -> list[Finding]:
    """Warn about what hides figures from a reader: hidden sheets, merged cells in the tables."""
    out = []
    for name in (PROJECT_SHEET, PARAMETER_SHEET, BUDGET_SHEET, FINANCING_SHEET, MUNICIPALITY_SHEET):
        sheet = find_sheet(workbook, name, required=False)
        if sheet is None:
            continue
        if sheet.state != "visible":
            out.append(Finding(Severity.WARNING, "sheet.hidden",
                               f"the sheet '{sheet.name}' is hidden; it is read like any other", sheet.name))
        for merged in sheet.merged:
            out.append(Finding(Severity.WARNING, "sheet.merged",
                               f"merged cells {merged}: only the top-left cell holds a value; the others read as empty",
                               f"{sheet.name}!{merged}"))
    return out


def _parameter(budget: Budget, label: str) -> str | None:
    fact = budget.parameters.get(norm(label))
    return str(fact.value) if fact and fact.value else None
