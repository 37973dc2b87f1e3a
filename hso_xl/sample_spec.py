"""What the sample master workbook holds: S0's cost rows, financiers and municipalities, and what varies
between variants of it (SampleSpec). sample.py writes a workbook from it."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Callable


@dataclass(frozen=True)
class CostRow:
    label: str
    amounts: tuple[float, ...] = ()  # typed-in per year; empty: computed (see `kind`)
    kind: str = "typed"  # typed | uprated (year 1 typed, then +Uppräkning) | overhead | deducted


@dataclass(frozen=True)
class Financier:
    name: str
    sector: str  # offentlig | privat
    amounts: tuple[float, ...] = ()  # typed-in per year; a single amount is repeated by formula
    balancing: bool = False


@dataclass(frozen=True)
class Municipality:
    short: str
    official: str
    code: str
    org_nr: str
    dnr: str
    contact: str
    population: int
    office: str = ""  # the förvaltning that issues the decision draft (its document author)


S0_COSTS = (
    CostRow("Personal", (6_428_829,), "uprated"),
    CostRow("OH (indirekta kostnader)", (), "overhead"),
    CostRow("Lönebikostnad", (2_868_707,), "uprated"),
    CostRow("Externa tjänster", (1_960_000, 930_000, 680_000)),
    CostRow("Investeringar, materiel och externa lokaler", (0, 0, 0)),
    CostRow("Resor och logi", (627_702, 223_331, 223_331)),
    CostRow("Projektintäkter", (0, 0, 0), "deducted"),
)
S0_DIRECT = (
    Financier("Region Västernorrland", "offentlig", (695_300,)),
    Financier("Länsstyrelsen Västernorrland", "offentlig", (204_500,)),
    Financier("Mittuniversitetet", "offentlig", (0,)),
    Financier("BizMaker", "offentlig", (0,)),
)
S0_MUNICIPALITIES = (
    Municipality("Härnösand", "Härnösands kommun", "2280", "", "KS 2026/000045", "Kommunledningskontoret", 24_654, "Kommunledningskontoret"),
    Municipality("Kramfors", "Kramfors kommun", "2282", "212000-2429", "KS 2026/112", "Kommunledningsförvaltningen", 17_631, "Kommunledningsförvaltningen"),
    Municipality("Ånge", "Ånge kommun", "2260", "212000-2387", "Dnr KS 2026/37", "Kommunstyrelsens förvaltning", 9_109, "Kommunstyrelsens förvaltning"),
    Municipality("Sollefteå", "Sollefteå kommun", "2283", "", "KS 26/58", "Kommunledningsförvaltningen", 18_523, "Kommunledningsförvaltningen"),
    Municipality("Sundsvall", "Sundsvalls kommun", "2281", "212000-2411", "KS-2026-00150", "Kommunstyrelsekontoret", 99_213, "Kommunstyrelsekontoret"),
    Municipality("Timrå", "Timrå kommun", "2262", "212000-2395", "2026/KS 0042", "Kommunledningsförvaltningen", 17_540, "Kommunledningsförvaltningen"),
    Municipality("Örnsköldsvik", "Örnsköldsviks kommun", "2284", "212000-2445", "KS 2026/0211", "Kommunledningsförvaltningen", 55_478, "Kommunledningsförvaltningen"),
)
MUNICIPAL_AMOUNT = {"Sundsvall": 661_270}
DEFAULT_MUNICIPAL_AMOUNT = 454_407
RVN_CASH = (3_970_576, 3_640_535, 3_644_110)


def s0_cash_financiers(municipalities=S0_MUNICIPALITIES) -> tuple[Financier, ...]:
    rows = [
        Financier("Region Västernorrland", "offentlig", RVN_CASH),
        Financier("Tillväxtverket", "offentlig", balancing=True),
    ]
    for m in municipalities:
        rows.append(Financier(m.official, "offentlig", (MUNICIPAL_AMOUNT.get(m.short, DEFAULT_MUNICIPAL_AMOUNT),)))
    return tuple(rows)


@dataclass(frozen=True)
class SampleSpec:
    """Everything that varies between sample workbooks."""

    first_year: int = 2027
    years: int = 3
    costs: tuple[CostRow, ...] = S0_COSTS
    direct: tuple[Financier, ...] = S0_DIRECT
    cash: tuple[Financier, ...] = field(default_factory=s0_cash_financiers)
    municipalities: tuple[Municipality, ...] = S0_MUNICIPALITIES
    sheet_order: tuple[str, ...] = ("Projekt", "Parametrar", "Budget", "Finansiering", "Kommuner")
    label: Callable[[str], str] = staticmethod(lambda text: text)  # how headers and labels are written
    uprating: float = 0.024
    overhead_rate: float = 0.15
    eu_cap: float = 0.40
    eu_financier: str = "Tillväxtverket"
    cost_rounding_row: str = "OH (indirekta kostnader)"
    financing_rounding_row: str = "Tillväxtverket"

    def with_(self, **changes) -> "SampleSpec":
        return replace(self, **changes)


def extend_amounts(amounts: tuple[float, ...], years: int) -> tuple[float, ...]:
    """Return `amounts` for `years` years, repeating the last one."""
    if not amounts:
        return ()
    return tuple(amounts[i] if i < len(amounts) else amounts[-1] for i in range(years))
