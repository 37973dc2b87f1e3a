"""The budget as a domain model: exact Decimal amounts per year, each traceable to its cell."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ..i18n import _

# Roles of the workbook's own total rows, whatever a layout calls them.
BOOKED, DIRECT, PROJECT, CASH, IN_KIND, FINANCING = "booked", "direct", "project", "cash", "in_kind", "financing"
PUBLIC_CASH, PRIVATE_CASH = "public_cash", "private_cash"

KONTANT = "kontant"
ANNAT_AN_PENGAR = "annat än pengar"
OFFENTLIG = "offentlig"
PRIVAT = "privat"
ZERO = Decimal(0)


@dataclass(frozen=True)
class Place:
    """Where a table was found: shown by `check` so the administrator can confirm the reading."""

    what: str  # "costs", "financing", "project facts", …
    sheet: str
    range: str  # "A3:G22"
    workbook: str | None = None  # the file, when it is not the master workbook

    def text(self) -> str:
        """Return 'costs: Budget!A3:G22' in the language shown now ('kostnader: …'); `what` stays English for JSON."""
        where = f"[{self.workbook}]" if self.workbook else ""
        return f"{PLACE_WORDS.get(self.what, self.what)}: {where}{self.sheet}!{self.range}"


# What each table read is, as `check` names it.
PLACE_WORDS = {"costs": _("costs"), "financing": _("financing"), "project facts": _("project facts"),
               "parameters": _("parameters"), "municipality facts": _("municipality facts")}


@dataclass(frozen=True)
class Line:
    """One row of a table: a label and an amount per year, with the cells they came from."""

    label: str
    amounts: tuple[Decimal, ...]
    cells: tuple[str, ...]  # "Budget!B4" per year
    label_cell: str
    total_cell: str | None = None  # the workbook's own row total, if the table has a Totalt column
    empty_cells: tuple[str, ...] = ()  # year cells left empty, counted as 0
    written: str | None = None  # the label as the workbook writes it, when `label` is the official name
    unit: int = 1  # the cells' values × unit = the amounts in kronor (1 000 for a table in tkr, model/units.py)
    # How the label was recognised (model/names.py): exact, genitive, abbreviation, short, alias, resembles;
    # "" for a name hso-xl does not know. `reading_from` is the alias's source or the name resembled.
    reading: str = ""
    reading_from: str = ""

    @property
    def total(self) -> Decimal:
        return sum(self.amounts, ZERO)


@dataclass(frozen=True)
class CostLine(Line):
    deducted: bool = False  # Projektintäkter: typed as positive, subtracted from the cost

    @property
    def signed(self) -> tuple[Decimal, ...]:
        return tuple(-a for a in self.amounts) if self.deducted else self.amounts


@dataclass(frozen=True)
class Municipality:
    official_name: str
    short_name: str
    facts: dict  # stable fact key (model/facts.py) or slug of an unknown column -> Fact
    row_cell: str


@dataclass(frozen=True)
class FinancingLine(Line):
    sector: str = OFFENTLIG  # offentlig | privat
    kind: str = KONTANT  # kontant | annat än pengar
    is_eu: bool = False
    municipality: Municipality | None = None


@dataclass(frozen=True)
class Fact:
    label: str
    value: object
    cell: str
    typed: object = None  # what the cell held when it was read differently (a date typed as text)
    label_cell: str | None = None


@dataclass
class Budget:
    years: tuple[int, ...]
    costs: list[CostLine]
    direct_costs: list[Line]
    financing: list[FinancingLine]
    municipalities: list[Municipality]
    project: dict[str, Fact]  # stable key (model/facts.py) or slug of an unknown label -> fact
    parameters: dict[str, Fact]  # the same, from Parametrar
    eu_cap: Decimal | None  # None: no cap given, so it is not checked
    # The workbook's own total rows by role (BOOKED, DIRECT, PROJECT, FINANCING, …), verified against their rows.
    workbook_totals: dict[str, Line] = field(default_factory=dict)
    layout: str = "hso"  # which layout the tables were read in (model/layouts/)
    places: list[Place] = field(default_factory=list)
    findings: list = field(default_factory=list)  # what reading found: names matched, labels not known, …

    def _sum(self, lines, index: int, signed: bool = False) -> Decimal:
        return sum(((line.signed if signed else line.amounts)[index] for line in lines), ZERO)

    def booked_cost(self, i: int) -> Decimal:
        return self._sum(self.costs, i, signed=True)

    def direct_cost(self, i: int) -> Decimal:
        return self._sum(self.direct_costs, i)

    def project_cost(self, i: int) -> Decimal:
        return self.booked_cost(i) + self.direct_cost(i)

    def cash_financing(self, i: int) -> Decimal:
        return self._sum(self.cash_lines, i)

    def in_kind_financing(self, i: int) -> Decimal:
        return self._sum(self.in_kind_lines, i)

    def total_financing(self, i: int) -> Decimal:
        return self._sum(self.financing, i)

    @property
    def cash_lines(self) -> list[FinancingLine]:
        return [f for f in self.financing if f.kind == KONTANT]

    @property
    def in_kind_lines(self) -> list[FinancingLine]:
        return [f for f in self.financing if f.kind == ANNAT_AN_PENGAR]

    @property
    def eu_lines(self) -> list[FinancingLine]:
        return [f for f in self.financing if f.is_eu]

    def over_period(self, per_year) -> Decimal:
        return sum((per_year(i) for i in range(len(self.years))), ZERO)

    @property
    def total_project_cost(self) -> Decimal:
        return self.over_period(self.project_cost)

    @property
    def eu_total(self) -> Decimal:
        return sum((line.total for line in self.eu_lines), ZERO)

    @property
    def eu_rate(self) -> Decimal:
        total = self.total_project_cost
        return self.eu_total / total if total else ZERO

    def municipality_line(self, m: Municipality) -> FinancingLine | None:
        return next((f for f in self.financing if f.municipality is m), None)

    def cells(self) -> list[str]:
        """Return every cell the budget was read from: each line's label, years and total, the
        workbook's total rows, every project fact and parameter with its label, each municipality's
        row cell and facts."""
        out: list[str] = []
        for line in [*self.costs, *self.direct_costs, *self.financing, *self.workbook_totals.values()]:
            out.append(line.label_cell)
            out.extend(line.cells)
            if line.total_cell:
                out.append(line.total_cell)
        for fact in [*self.project.values(), *self.parameters.values(),
                     *(f for m in self.municipalities for f in m.facts.values() if isinstance(f, Fact))]:
            out.append(fact.cell)
            if fact.label_cell:
                out.append(fact.label_cell)
        out.extend(m.row_cell for m in self.municipalities)
        return list(dict.fromkeys(c for c in out if c))
