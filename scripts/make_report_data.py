"""Write the sample data workbook of the regional report: Ånge's records from S4, six invented.

Usage: python scripts/make_report_data.py [OUT.xlsx]   (default input/Rapportdata_2025.xlsx)
The content lives in hso_xl/report_sample.py; docs/templates.md says how templates read it.
"""

import sys
from pathlib import Path

from hso_xl.report_sample import build_report_data

out = Path(sys.argv[1] if len(sys.argv) > 1 else "input/Rapportdata_2025.xlsx")
build_report_data(out)
print(f"Wrote {out}")
