"""Write the sample master workbook: S0's budget and financing with real formulas and cached values.

Usage: python scripts/make_sample_workbook.py [OUT.xlsx]   (default input/HSO_finansiering_2027-2029.xlsx)
The layout follows docs/workbook.md; the content lives in hso_xl/sample.py, where tests build variants.
"""

import sys
from pathlib import Path

from hso_xl.sample import build_sample

out = Path(sys.argv[1] if len(sys.argv) > 1 else "input/HSO_finansiering_2027-2029.xlsx")
build_sample(out)
print(f"Wrote {out}")
