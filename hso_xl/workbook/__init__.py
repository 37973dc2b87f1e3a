"""Reading a workbook: safety checks, cells and cached values, recomputation, verification, writing."""
