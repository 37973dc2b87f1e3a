"""The domain model: the budget, the facts and their checks, read from a recomputed workbook.

In the order the data flows: factsheets.py (facts by stable names, facts.py) -> layouts/ (the
budget in whichever layout the workbook is in; names.py matches financiers) -> rounding.py ->
checks.py -> checked.py (`check_workbook`, the one entry point every command uses).
"""
