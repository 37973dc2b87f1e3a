"""Settings from an optional `hso.toml` in the working folder (beside input/).

Every key is optional; an unknown key is an error, so a misspelt setting never goes unnoticed.

    input = "input"            # where the newest workbook is taken from
    output = "output"          # where documents are written
    templates = "templates"
    facts = "input/Fakta.xlsx"         # the facts workbook (default: Fakta*.xlsx in the input folder)
    report_data = "input/Rapportdata.xlsx"  # the regional report's data (default: Rapportdata*.xlsx there)
    keep_archives = 10         # previous document sets kept in output/arkiv/
    strict = false             # true: warnings stop the build like errors

    [rounding]
    costs = "OH (indirekta kostnader)"   # overrides Parametrar's "Avrundning kostnader"
    financing = "Tillväxtverket"         # overrides "Avrundning finansiering"
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from .errors import SettingsError

FILE_NAME = "hso.toml"


@dataclass(frozen=True)
class Settings:
    input: Path = Path("input")
    output: Path = Path("output")
    templates: Path = Path("templates")
    facts: Path | None = None
    report_data: Path | None = None
    keep_archives: int = 10
    strict: bool = False
    rounding_costs: str | None = None
    rounding_financing: str | None = None
    source: Path | None = None


_TOP = {"input": str, "output": str, "templates": str, "facts": str, "report_data": str, "keep_archives": int,
        "strict": bool, "rounding": dict}
_ROUNDING = {"costs": str, "financing": str}


def load_settings(folder: Path = Path(".")) -> Settings:
    """Return the settings of `folder`/hso.toml, or the defaults when there is none."""
    path = Path(folder) / FILE_NAME
    if not path.exists():
        return Settings()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"the settings file cannot be read ({exc})", file=path) from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"the settings file is not valid TOML ({exc})", file=path,
                            hint="Write each setting as key = value; text in quotes") from None
    _check(path, data, _TOP, "")
    _check(path, data.get("rounding", {}), _ROUNDING, "rounding.")
    base = path.parent
    rounding = data.get("rounding", {})
    if data.get("keep_archives", 10) < 0:
        raise SettingsError("keep_archives must be 0 or more", file=path, location="keep_archives")
    return Settings(
        input=base / data.get("input", "input"),
        output=base / data.get("output", "output"),
        templates=base / data.get("templates", "templates"),
        facts=base / data["facts"] if "facts" in data else None,
        report_data=base / data["report_data"] if "report_data" in data else None,
        keep_archives=data.get("keep_archives", 10),
        strict=data.get("strict", False),
        rounding_costs=rounding.get("costs"),
        rounding_financing=rounding.get("financing"),
        source=path,
    )


def _check(path: Path, data: dict, allowed: dict, prefix: str) -> None:
    for key, value in data.items():
        if key not in allowed:
            raise SettingsError(
                f"unknown setting '{prefix}{key}'",
                file=path,
                hint=f"Known settings: {', '.join(prefix + k for k in allowed)} (see the README)",
            )
        expected = allowed[key]
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise SettingsError(f"'{prefix}{key}' should be {expected.__name__}, not {value!r}", file=path,
                                location=f"{prefix}{key}")
