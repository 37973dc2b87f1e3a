"""hso_xl: reports from the HSO master financing workbook, with every formula recomputed."""

__version__ = "0.1.0"
