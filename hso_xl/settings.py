"""Settings from an optional `hso.toml` in the working folder (beside input/).

Every key is optional; an unknown key is an error, so a misspelt setting never goes unnoticed.

    input = "input"            # where the newest workbook is taken from
    output = "output"          # where documents are written
    templates = "templates"
    facts = "input/Fakta.xlsx"         # the facts workbook (default: Fakta*.xlsx in the input folder)
    report_data = "input/Rapportdata.xlsx"  # the regional report's data (default: Rapportdata*.xlsx there)
    keep_archives = 10         # previous document sets kept in output/arkiv/
    strict = false             # true: warnings stop the build like errors
    language = "sv"            # the language of messages: "sv" (the default) or "en"; --lang overrides
    layout = "tillvaxtverket"  # pin the layout ("hso" or "tillvaxtverket") when a workbook could be read both ways
    budget_sheet = "Budget"    # pin the sheet that holds the budget, when two sheets could
    libreoffice = 'C:\\Program Files\\LibreOffice\\program\\soffice.exe'  # when not in its usual place

    [rounding]
    costs = "OH (indirekta kostnader)"   # overrides Parametrar's "Avrundning kostnader"
    financing = "Tillväxtverket"         # overrides "Avrundning finansiering"

    [parameters]               # for workbooks without a Parametrar sheet (the workbook's own win)
    first_year = 2027          # År 1 of Tillväxtverket's form is this calendar year
    eu_cap = 0.40              # EU support at most this share of the total project cost
    eu_financier = "Tillväxtverket"

    [aliases]                  # short forms of financiers' names, beside organisations.toml's
    "Rvn" = "Region Västernorrland"

    [mottagare."Region Västernorrland"]   # the e-mail address of a recipient the workbook gives none
    epost = "registrator@rvn.se"         # (a financier that is not a municipality): hso-xl outbox's To
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import SettingsError
from .findings import either
from .i18n import _

FILE_NAME = "hso.toml"
LAYOUTS = ("hso", "tillvaxtverket")


@dataclass(frozen=True)
class Settings:
    input: Path = Path("input")
    output: Path = Path("output")
    templates: Path = Path("templates")
    facts: Path | None = None
    report_data: Path | None = None
    keep_archives: int = 10
    strict: bool = False
    layout: str | None = None
    budget_sheet: str | None = None
    rounding_costs: str | None = None
    rounding_financing: str | None = None
    first_year: int | None = None
    eu_cap: float | None = None
    eu_financier: str | None = None
    aliases: dict[str, str] = field(default_factory=dict)
    addresses: dict[str, str] = field(default_factory=dict)  # recipient -> e-mail, from [mottagare."NAME"] epost
    language: str | None = None
    libreoffice: Path | None = None
    source: Path | None = None

    def fingerprint(self) -> dict:
        """What of the settings changes documents (for the change report): every setting but the folders."""
        return {"strict": self.strict, "layout": self.layout, "budget_sheet": self.budget_sheet,
                "rounding_costs": self.rounding_costs, "rounding_financing": self.rounding_financing,
                "first_year": self.first_year, "eu_cap": self.eu_cap, "eu_financier": self.eu_financier,
                "aliases": dict(sorted(self.aliases.items()))}


_TOP = {"input": str, "output": str, "templates": str, "facts": str, "report_data": str, "keep_archives": int,
        "strict": bool, "layout": str, "budget_sheet": str, "rounding": dict, "parameters": dict, "aliases": dict,
        "language": str, "libreoffice": str, "mottagare": dict}
_PATHS = ("input", "output", "templates", "facts", "report_data", "libreoffice")
_ROUNDING = {"costs": str, "financing": str}
_PARAMETERS = {"first_year": int, "eu_cap": (int, float), "eu_financier": str}
# The kinds of value a setting takes, as messages name them (in English by their Python names).
_TYPE_WORDS = {str: _("str"), int: _("int"), float: _("float"), bool: _("bool"), dict: _("dict")}


# In double quotes a backslash starts an escape (\t a tab); in single quotes it is a backslash.
WINDOWS_PATH_HINT = _("Write a Windows path in single quotes: output = 'C:\\HSO\\dokument'")


def _toml_problem(text: str):
    """Where tomllib stopped, in the user's language ('rad 1, kolumn 10'); its own words are English only."""
    where = re.search(r"\(at line (\d+), column (\d+)\)\s*$", text)
    if where:
        return _("at line {line}, column {column}", line=where[1], column=where[2])
    if text.endswith("(at end of document)"):
        return _("at the end of the file")
    return text


def load_settings(folder: Path = Path(".")) -> Settings:
    """Return the settings of the project folder `folder` (its hso.toml, or the defaults when there is none).

    Folders are relative to `folder`: input/, templates/ and output/ are its own wherever the command runs.
    """
    path = Path(folder) / FILE_NAME
    if not path.exists():
        base = Path(folder)
        return Settings(input=base / "input", output=base / "output", templates=base / "templates")
    import tomllib  # (only a project with an hso.toml pays for it)

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        why = (_("permission denied") if isinstance(exc, PermissionError) else
               getattr(exc, "strerror", None) or _("it is not UTF-8 text"))
        raise SettingsError(_("the settings file cannot be read ({why})", why=why), file=path,
                            hint=_("Save it as UTF-8 text")) from None
    except tomllib.TOMLDecodeError as exc:
        backslash = str(exc).startswith(("Unescaped '\\'", "Invalid hex value"))  # "C:\HSO": \H starts an escape
        raise SettingsError(_("the settings file is not valid TOML ({problem})", problem=_toml_problem(str(exc))),
                            file=path, hint=WINDOWS_PATH_HINT if backslash else
                            _("Write each setting as key = value; text in quotes")) from None
    _check(path, data, _TOP, "")
    for key in _PATHS:
        if any(ord(c) < 32 for c in data.get(key, "")):  # "C:\temp\new" is valid TOML: a tab and a line break
            raise SettingsError(_("'{key}' holds a tab or a line break, which no folder name has", key=key),
                                file=path, location=key, hint=WINDOWS_PATH_HINT)
    _check(path, data.get("rounding", {}), _ROUNDING, "rounding.")
    parameters = data.get("parameters", {})
    _check(path, parameters, _PARAMETERS, "parameters.")
    aliases = data.get("aliases", {})
    _check(path, aliases, {key: str for key in aliases}, "aliases.")
    addresses = _addresses(path, data.get("mottagare", {}))
    base = path.parent
    rounding = data.get("rounding", {})
    if data.get("keep_archives", 10) < 0:
        raise SettingsError(_("keep_archives must be 0 or more"), file=path, location="keep_archives")
    if data.get("layout") is not None and data["layout"] not in LAYOUTS:
        raise SettingsError(_("layout must be one of {layouts}, not {value}", layouts=", ".join(LAYOUTS),
                              value=repr(data["layout"])), file=path, location="layout")
    if data.get("language") is not None and data["language"] not in ("sv", "en"):
        raise SettingsError(_("language must be \"sv\" or \"en\", not {value}", value=repr(data["language"])),
                            file=path, location="language")
    eu_cap = parameters.get("eu_cap")
    if eu_cap is not None and not 0 <= eu_cap <= 1:
        raise SettingsError(_("parameters.eu_cap is a share between 0 and 1 (0.40 for 40 %)"), file=path,
                            location="parameters.eu_cap")
    return Settings(
        input=base / data.get("input", "input"),
        output=base / data.get("output", "output"),
        templates=base / data.get("templates", "templates"),
        facts=base / data["facts"] if "facts" in data else None,
        report_data=base / data["report_data"] if "report_data" in data else None,
        keep_archives=data.get("keep_archives", 10),
        strict=data.get("strict", False),
        layout=data.get("layout"),
        budget_sheet=data.get("budget_sheet"),
        rounding_costs=rounding.get("costs"),
        rounding_financing=rounding.get("financing"),
        first_year=parameters.get("first_year"),
        eu_cap=float(eu_cap) if eu_cap is not None else None,
        eu_financier=parameters.get("eu_financier"),
        aliases=dict(aliases),
        addresses=addresses,
        language=data.get("language"),
        libreoffice=base / data["libreoffice"] if "libreoffice" in data else None,
        source=path,
    )


def _addresses(path: Path, recipients: dict) -> dict[str, str]:
    """[mottagare."NAME"] epost = "..." as {NAME: address}: where a recipient's e-mail drafts go."""
    out = {}
    for name, table in recipients.items():
        where = f'mottagare."{name}"'
        if not isinstance(table, dict):
            raise SettingsError(_("'{key}' should be a table holding epost", key=where), file=path, location=where,
                                hint=_('Write it as [mottagare."{name}"] and, below it, epost = "registrator@example.se"',
                                       name=name))
        _check(path, table, {"epost": str}, f"{where}.")
        address = table.get("epost", "").strip()
        if address and ("@" not in address or any(c.isspace() for c in address)):
            raise SettingsError(_("'{key}' is not an e-mail address: {value}", key=f"{where}.epost",
                                  value=repr(address)), file=path, location=f"{where}.epost")
        if address:
            out[name] = address
    return out


def _check(path: Path, data: dict, allowed: dict, prefix: str) -> None:
    for key, value in data.items():
        if key not in allowed:
            raise SettingsError(
                _("unknown setting '{key}'", key=f"{prefix}{key}"),
                file=path,
                hint=_("Known settings: {known} (see the README)", known=", ".join(prefix + k for k in allowed)),
            )
        expected = allowed[key]
        types = expected if isinstance(expected, tuple) else (expected,)
        if not isinstance(value, types) or (int in types and isinstance(value, bool)):
            raise SettingsError(_("'{key}' should be {kind}, not {value}", key=f"{prefix}{key}",
                                  kind=either(_TYPE_WORDS[t] for t in types), value=repr(value)), file=path,
                                location=f"{prefix}{key}")
