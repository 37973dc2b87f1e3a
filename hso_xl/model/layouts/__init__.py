"""The layouts a budget workbook may be in, recognised by what the workbook holds.

Each layout is one module beside this one, with its own labels: `NAME`, `TITLE`,
`HEADERS` (the words its tables are headed with), `recognise(workbook) -> [where its tables are]`,
`complete(workbook) -> bool` (every table it needs is there) and `read(workbook, facts, settings)
-> Budget`. A third layout is a third module added to LAYOUTS. When more than one layout fits, the
one that finds all its tables is read (hso-xl's own cost table, with the Finansiering sheet beside
it, is not also read as the form); the same table that no layout can read whole is read in the
first (its message says what is missing); otherwise the reading stops and names both places; hso.toml's `layout = "…"` pins the choice.
"""

from __future__ import annotations

from ...errors import ContractError
from ...findings import joined
from ...i18n import SOURCE, Message, _
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
        whole = [(layout, places) for layout, places in fits if layout.complete(workbook)]
        if len(whole) == 1:
            fits = whole
        elif not whole and len({tuple(places) for _layout, places in fits}) == 1:
            # One table that each layout could start from and none can finish: read it in the first
            # layout (hso-xl's own), whose message says what is missing.
            fits = fits[:1]
    if len(fits) > 1:
        described = joined((_("{layout} at {places}", layout=layout.TITLE, places=", ".join(places))
                            for layout, places in fits), "; ")
        raise ContractError(
            _("the workbook can be read in two layouts: {layouts}", layouts=described),
            file=workbook.path,
            hint=_('Remove the tables you do not use, or choose one in hso.toml: layout = "hso" or '
                   'layout = "tillvaxtverket"'),
        )
    if not fits:
        sheets = ", ".join(f"'{s.name}'" for s in workbook.sheets)
        raise ContractError(
            _("no budget was found in the workbook (it has the sheets {sheets})", sheets=sheets),
            file=workbook.path,
            hint=_("hso-xl reads two layouts: sheets '{budget}' and '{financing}' with the headers '{costs}' and "
                   "'{financiers}', or Tillväxtverket's budget form with a table '{form}' ending in '{form_total}'; "
                   "docs/workbook.md shows both", budget=hso.BUDGET_SHEET, financing=hso.FINANCING_SHEET,
                   costs=hso.BUDGET_HEADER, financiers=hso.FINANCING_HEADER, form=tillvaxtverket.FORM_TABLE,
                   form_total=tillvaxtverket.BOOKED_TOTAL),
        )
    layout = fits[0][0]
    return layout.read(workbook, facts, settings)


def title(name: str) -> str:
    """The layout's title in English, as `--json` gives it ("hso-xl's layout (sheets Budget and Finansiering)")."""
    return shown_title(name).render(SOURCE)


def shown_title(name: str) -> Message:
    """The layout's title in the reader's language, for text on the screen."""
    return next(m.TITLE for m in LAYOUTS if m.NAME == name)
