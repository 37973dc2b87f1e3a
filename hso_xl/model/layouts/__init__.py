"""The layouts a budget workbook may be in, recognised by what the workbook holds.

Each layout is one module beside this one, with its own labels: `NAME`, `TITLE`,
`recognise(workbook) -> [where its tables are]` and `read(workbook, facts, settings) -> Budget`.
A third layout is a third module added to LAYOUTS. When more than one layout fits, the reading
stops and names both places; hso.toml's `layout = "…"` pins the choice.
"""

from __future__ import annotations

from ...errors import ContractError
from ...settings import Settings
from ...workbook.book import Workbook
from ..budget import Budget
from ..factsheets import FactSources
from . import hso, tillvaxtverket

LAYOUTS = (hso, tillvaxtverket)


def read_budget(workbook: Workbook, facts: FactSources, settings: Settings) -> Budget:
    """Return the Budget of `workbook` in the layout it is in (or the one hso.toml pins)."""
    if settings.layout:
        layout = next(m for m in LAYOUTS if m.NAME == settings.layout)
        return layout.read(workbook, facts, settings)
    fits = [(layout, layout.recognise(workbook)) for layout in LAYOUTS]
    fits = [(layout, places) for layout, places in fits if places]
    if len(fits) > 1:
        described = "; ".join(f"{layout.TITLE} at {', '.join(places)}" for layout, places in fits)
        raise ContractError(
            f"the workbook can be read in two layouts: {described}",
            file=workbook.path,
            hint='Remove the tables you do not use, or choose one in hso.toml: layout = "hso" or '
                 'layout = "tillvaxtverket"',
        )
    if not fits:
        sheets = ", ".join(f"'{s.name}'" for s in workbook.sheets)
        raise ContractError(
            f"no budget was found in the workbook (it has the sheets {sheets})",
            file=workbook.path,
            hint="hso-xl reads two layouts: sheets 'Budget' and 'Finansiering' with the headers 'Kostnadsslag' and "
                 "'Finansiär', or Tillväxtverket's budget form with a table 'KOSTNAD | År 1 | År 2 … | TOTAL' ending "
                 "in 'SUMMA BOKFÖRD KOSTNAD'; docs/workbook.md shows both",
        )
    layout, _ = fits[0]
    return layout.read(workbook, facts, settings)


def title(name: str) -> str:
    return next(m.TITLE for m in LAYOUTS if m.NAME == name)
