"""hso_xl: reports from the HSO master financing workbook, with every formula recomputed.

Layers, each importing only those below it: cli -> commands (build, changes, explain, missing,
report, watch) -> output -> render -> model -> workbook -> the base modules. README.md, "How it
works", walks through them in the order the data flows.
"""

__version__ = "0.1.0"
