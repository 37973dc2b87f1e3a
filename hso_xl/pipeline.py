"""The pipeline, top to bottom: load, recompute, verify, read the budget, round for print, check."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .findings import Finding
from .model.budget import Budget
from .model.checks import check_budget
from .model.contract import COST_ROUNDING, FINANCING_ROUNDING, read_budget
from .model.rounding import PrintedBudget, printed_budget
from .model.sheets import norm
from .workbook.book import Workbook
from .workbook.engine import EngineReport, recompute
from .workbook.load import load_workbook
from .workbook.verify import Verification, verify


@dataclass
class Checked:
    workbook: Workbook
    engine: EngineReport
    verification: Verification
    budget: Budget
    printed: PrintedBudget
    findings: list[Finding]


def recompute_workbook(path: Path) -> tuple[Workbook, EngineReport, Verification]:
    """Load `path`, recompute every formula and compare with the cached values."""
    workbook = load_workbook(path)
    engine = recompute(workbook)
    return workbook, engine, verify(workbook, engine)


def check_workbook(path: Path, cost_rounding: str | None = None, financing_rounding: str | None = None) -> Checked:
    """Return the checked budget of the workbook at `path`.

    The rounding rows default to the workbook's parameters (hso.toml may override them).
    Raises an HsoError when the workbook cannot be used: unreadable, a formula that does not
    compute, or something docs/workbook.md requires is missing.
    """
    return check_recomputed(*recompute_workbook(path), cost_rounding, financing_rounding)


def check_recomputed(workbook: Workbook, engine: EngineReport, verification: Verification,
                     cost_rounding: str | None = None, financing_rounding: str | None = None) -> Checked:
    """Return the checked budget of a workbook already recomputed (see check_workbook)."""
    verification.raise_if_unusable(workbook)
    budget = read_budget(workbook)
    printed = printed_budget(budget, cost_rounding or _parameter(budget, COST_ROUNDING),
                             financing_rounding or _parameter(budget, FINANCING_ROUNDING))
    findings = verification.findings() + layout_findings(workbook) + check_budget(budget, printed)
    return Checked(workbook, engine, verification, budget, printed, findings)


def layout_findings(workbook: Workbook) -> list[Finding]:
    """Warn about what hides figures from a reader: hidden sheets, merged cells in the tables."""
    from .findings import Severity
    from .model.contract import BUDGET_SHEET, FINANCING_SHEET, MUNICIPALITY_SHEET, PARAMETER_SHEET, PROJECT_SHEET
    from .model.sheets import find_sheet

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
