"""The budget as a domain model, built from a recomputed workbook by the contract in docs/workbook.md."""
