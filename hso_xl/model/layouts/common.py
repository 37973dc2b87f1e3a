"""What every layout does the same way once it has found its rows: lines, names, municipalities, the EU row.

A layout module finds the cost table and the financing plan in its own way, with its own labels,
and hands the rows to `assemble`, which matches financiers to organisations and municipalities
(model/names.py), picks the EU support row and its cap, and returns the Budget.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace
from decimal import Decimal

from ...errors import ContractError
from ...findings import Finding, Severity
from ...i18n import Message, _, n_
from ...settings import Settings
from ...workbook.book import Workbook
from ..budget import KONTANT, Budget, CostLine, FinancingLine, Line, Municipality, Place
from ..factsheets import FactSources, MunicipalityRow
from ..invisible import visible
from ..names import Match, Names, Organisation, looks_like_municipality, name_key
from ..sheets import Header, amount, calendar_year, is_blank, to_decimal

DEDUCTED_PREFIXES = ("intäkt", "projektintäkt")


def is_deducted(label: str) -> bool:
    """Revenue rows (Intäkter, Projektintäkter) are typed positive and deducted from the cost."""
    return name_key(label).startswith(DEDUCTED_PREFIXES)


def row_line(cls, workbook: Workbook, header: Header, row: int, label: str, **extra):
    """Return the line of `row` under `header`: its amounts per year and the cells they came from."""
    sheet = header.sheet
    label = visible(label) if isinstance(label, str) else label  # a no-break or zero-width space pasted in
    amounts = tuple(amount(workbook, sheet, row, col, _("'{label}' {year}", label=label, year=year))
                    for col, year in zip(header.year_cols, header.years))
    return cls(
        label=label,
        amounts=amounts,
        cells=tuple(sheet.ref(row, col) for col in header.year_cols),
        label_cell=sheet.ref(row, header.label_col),
        total_cell=sheet.ref(row, header.total_col) if header.total_col else None,
        empty_cells=tuple(sheet.ref(row, col) for col in header.year_cols if is_blank(sheet.value(row, col))),
        **extra,
    )


def has_amounts(header: Header, row: int) -> bool:
    return any(not is_blank(header.sheet.value(row, col)) for col in header.year_cols)


def all_zero(line: Line) -> bool:
    return all(a == 0 for a in line.amounts)


def start_year(facts: FactSources, settings: Settings) -> tuple[int | None, str | None]:
    """Return the project's first calendar year and where it came from, or (None, None)."""
    start = facts.project.get("projektstart")
    if start is not None and calendar_year(start.value) is not None:  # a date, or the year alone
        return calendar_year(start.value), start.cell
    first = facts.parameters.get("startar")
    year = calendar_year(first.value) if first is not None else None  # 2027, "2027" typed as text, a date
    if year is not None:
        return year, first.cell
    if settings.first_year:
        return settings.first_year, "hso.toml parameters.first_year"
    return None, None


def names_for(facts: FactSources, settings: Settings, findings: list[Finding] | None = None) -> Names:
    """Return the organisations known for this workbook: shipped, the facts' municipalities, aliases.

    A Kommuner row written by its short name ('Sundsvall') is the municipality whose official name
    the organisation list gives, or '<name> kommun'; the row then carries the official name.
    """
    names = Names.shipped()
    for alias, official, cell in facts.aliases:
        names.add_alias(alias, official, cell)
    for alias, official in settings.aliases.items():
        names.add_alias(alias, official, "hso.toml [aliases]")
    for row in facts.municipalities:
        row.name = visible(row.name)
        known = names.match(row.name) or (names.match(f"{row.name} kommun")
                                          if not name_key(row.name).endswith(" kommun") else None)
        if known is not None and known.organisation.name != row.name:
            if findings is not None:
                findings.append(Finding(Severity.INFO, "name.official",
                                        _("'{name}' is read as {official}, the official name", name=row.name,
                                          official=known.organisation.name),
                                        row.name_cell))
            row.short_name = row.short_name or row.name
            row.name = known.organisation.name
        base = known.organisation if known else Organisation(row.name, kind="kommun", sector="offentlig")
        names.add(replace(base, name=row.name, kind="kommun", short=row.short_name or base.short))
    return names


@dataclass
class Financier:
    """A financing row as a layout found it, before its name is matched."""

    line: FinancingLine
    sector_given: bool = True  # False: the section says 'offentlig och privat'; the registry decides


def recognise_name(line: Line, names: Names, findings: list[Finding]) -> tuple[Line, Match | None]:
    """Return the line under the official name its label means, saying so when it was not written so.

    A label that means no known organisation but resembles a known one (a municipality, Tillväxtverket …)
    is an error naming the row and what it resembles: it is never read as a financier of its own, nor as it.
    """
    match = names.match(line.label)
    if match is None:
        like = names.resembles(line.label)
        if like is None:
            return line, None
        if like.short:
            message = _("'{name}' resembles {official} but is not written as its name, so it is taken neither for "
                        "{official} nor for a financier of its own. Write {official} (or '{short}'), or add '{name}' "
                        "to an Alias sheet or hso.toml [aliases]", name=line.label, official=like.name,
                        short=like.short)
        else:  # a financier known by its full name only (Tillväxtverket, Region Västernorrland)
            message = _("'{name}' resembles {official} but is not written as its name, so it is taken neither for "
                        "{official} nor for a financier of its own. Write {official}, or add '{name}' to an Alias "
                        "sheet or hso.toml [aliases]", name=line.label, official=like.name)
        findings.append(Finding(Severity.ERROR, "name.resembles", message, line.label_cell))
        return replace(line, reading="resembles", reading_from=like.name), None
    official = match.organisation.name
    line = replace(line, reading=match.how, reading_from=match.alias_source)
    if official == line.label:
        return line, match
    if match.how == "genitive":
        findings.append(Finding(Severity.WARNING, "name.genitive",
                                _("'{name}' is read as {official}, the official name; write it so in the workbook",
                                  name=line.label, official=official),
                                line.label_cell))
    elif match.how == "alias":
        findings.append(Finding(Severity.INFO, "name.alias",
                                _("'{name}' is read as {official} (alias from {source})", name=line.label,
                                  official=official, source=match.alias_source),
                                line.label_cell))
    elif match.how in ("abbreviation", "short"):
        findings.append(Finding(Severity.INFO, "name.short_form",
                                _("'{name}' is read as {official}", name=line.label, official=official),
                                line.label_cell))
    elif " ".join(unicodedata.normalize("NFC", line.label).split()) != official:
        # (A name that differs only in how its letters are encoded, Å as one or two code points, looks
        # the same in the workbook and in print: nothing to say.)
        findings.append(Finding(Severity.INFO, "name.official",
                                _("'{name}' is printed as {official}, the official name", name=line.label,
                                  official=official), line.label_cell))
    return replace(line, label=official, written=line.label), match


def assemble(workbook: Workbook, facts: FactSources, settings: Settings, *, layout: str, years: tuple,
             costs: list[CostLine], direct: list[Line], financing: list[Financier], totals: dict[str, Line],
             places: list[Place], findings: list[Finding], eu_hint: Message) -> Budget:
    """Return the Budget from a layout's rows, with financiers matched, municipalities linked and the EU row chosen."""
    names = names_for(facts, settings, findings)
    lines: list[FinancingLine] = []
    matches: list[Match | None] = []
    for financier in financing:
        line, match = recognise_name(financier.line, names, findings)
        if not financier.sector_given:
            line = _sector_from_registry(line, match, findings)
        lines.append(line)
        matches.append(match)
    direct = [recognise_name(line, names, findings)[0] for line in direct]
    municipalities, lines = _municipalities(workbook, facts, lines, matches, names, findings)
    lines = _mark_eu(workbook, facts, settings, names, lines, matches, findings, eu_hint)
    return Budget(
        years=years,
        costs=costs,
        direct_costs=direct,
        financing=lines,
        municipalities=municipalities,
        project=facts.project,
        parameters=facts.parameters,
        eu_cap=_eu_cap(workbook, facts, settings, findings),
        workbook_totals=totals,
        layout=layout,
        places=[*places, *facts.places],
        findings=[*facts.findings, *findings],
    )


def _sector_from_registry(line: FinancingLine, match: Match | None, findings: list[Finding]) -> FinancingLine:
    if match is not None and match.organisation.sector:
        return replace(line, sector=match.organisation.sector)
    findings.append(Finding(
        Severity.WARNING, "financing.sector_unknown",
        _("'{label}' stands under '{section}' and is not a known organisation, so whether it is public or private is "
          "not known; it is counted as {sector}. Add it to the Alias sheet or give it a row of its own under a section "
          "that says {public} or {private}", label=line.label, section="offentlig och privat", sector=line.sector,
          public="offentlig", private="privat"), line.label_cell))
    return line


def _municipalities(workbook: Workbook, facts: FactSources, lines: list[FinancingLine], matches, names: Names,
                    findings: list[Finding]) -> tuple[list[Municipality], list[FinancingLine]]:
    """Link each municipality to its cash row; without a municipality table, the plan's municipalities are used."""
    cash = [(i, line) for i, line in enumerate(lines) if line.kind == KONTANT]
    out: list[Municipality] = []
    if facts.has_municipality_table:
        rows = facts.municipalities
    else:
        rows = []
        for i, line in cash:
            match = matches[i]
            organisation = match.organisation if match else None
            if (organisation and organisation.is_municipality) or (organisation is None and line.reading != "resembles"
                                                                  and looks_like_municipality(line.label)):
                rows.append(MunicipalityRow(organisation.short if organisation and organisation.short else
                                            _short_name(line.label), line.label, line.label_cell, {}, line.label_cell))
        if rows:
            findings.append(Finding(
                Severity.WARNING, "facts.no_municipality_table",
                n_("no Kommuner sheet (in the workbook or a facts workbook): the {n} municipality is taken from the "
                   "financing plan, without its facts (diarienummer, contact, decision date); add a Kommuner sheet or "
                   "a Fakta.xlsx in input/ (docs/workbook.md)",
                   "no Kommuner sheet (in the workbook or a facts workbook): the {n} municipalities are taken from the "
                   "financing plan, without their facts (diarienummer, contact, decision date); add a Kommuner sheet "
                   "or a Fakta.xlsx in input/ (docs/workbook.md)", len(rows)), None))
            findings.extend(_known_not_in_plan(names, rows, [line for _i, line in cash]))
    by_name = {name_key(row.name): row for row in rows}
    linked: dict[str, int] = {}
    for i, line in cash:
        row = by_name.get(name_key(line.label))
        if row is None:
            continue
        if row.name in linked:
            raise ContractError(
                _("'{name}' has two cash financing rows ({first} and {second})", name=row.name,
                  first=lines[linked[row.name]].label_cell, second=line.label_cell),
                file=workbook.path, location=line.label_cell,
                hint=_("Keep one cash row per municipality, or sum them in one row"))
        linked[row.name] = i
    for row in rows:
        municipality = Municipality(row.name, row.short_name or _short_name(row.name), row.facts, row.row_cell)
        out.append(municipality)
        if row.name in linked:
            lines[linked[row.name]] = replace(lines[linked[row.name]], municipality=municipality)
    return out, lines


def _known_not_in_plan(names: Names, rows: list[MunicipalityRow], cash: list[FinancingLine]) -> list[Finding]:
    """Without a Kommuner sheet, say which known municipality has no row in the financing plan (and so no documents).

    One resembled by a misspelt row is an error of its own already (name.resembles): not said twice.
    """
    present = {name_key(row.name) for row in rows}
    present |= {name_key(line.reading_from) for line in cash if line.reading == "resembles"}
    sheet = cash[0].label_cell.rpartition("!")[0] if cash and cash[0].label_cell else None
    return [Finding(Severity.WARNING, "municipality.not_in_plan",
                    _("{name} has no row in the financing plan, so no decision draft or co-financing certificate is "
                      "built for it. If it takes part, add its cash financing row (without a Kommuner sheet, the "
                      "municipalities are those the financing plan names)", name=m.name),
                    sheet, {"name": m.name})
            for m in names.municipalities if name_key(m.name) not in present]


def _short_name(official: str) -> str:
    words = official.split()
    return " ".join(words[:-1]) if len(words) > 1 and words[-1].casefold() == "kommun" else official


def _mark_eu(workbook: Workbook, facts: FactSources, settings: Settings, names: Names, lines: list[FinancingLine],
             matches, findings: list[Finding], hint: Message) -> list[FinancingLine]:
    """Mark the EU support row: the one Parametrar (or hso.toml) names, else the managing authority's."""
    named = facts.parameters.get("eu_finansiar")
    wanted = named.value if named is not None and not is_blank(named.value) else settings.eu_financier
    if wanted:
        match = names.match(wanted)
        target = {name_key(wanted)} | ({name_key(match.organisation.name)} if match else set())
        chosen = [i for i, line in enumerate(lines) if line.kind == KONTANT and
                  (name_key(line.label) in target or name_key(line.written or "") in target)]
        resembling = [line for line in lines if line.kind == KONTANT and line.reading == "resembles"
                      and name_key(line.reading_from or "") in target]
        if not chosen and resembling:  # 'Tillväxtverk': said as the misspelling it is, at its row
            raise ContractError(
                _("the EU financier '{name}' has no cash row in the financing plan: '{label}' resembles it but is not "
                  "written as its name, so it is not taken for it", name=wanted, label=resembling[0].label),
                file=workbook.path, location=resembling[0].label_cell,
                hint=_("Write {official} in {cell}, or add '{label}' to an Alias sheet or hso.toml [aliases]",
                       official=resembling[0].reading_from, cell=resembling[0].label_cell,
                       label=resembling[0].label))
        if not chosen:
            where = named.cell if named is not None and not is_blank(named.value) else "hso.toml parameters.eu_financier"
            raise ContractError(
                _("the EU financier '{name}' has no cash row in the financing plan", name=wanted),
                file=workbook.path, location=where,
                hint=_("Write the financier's name exactly as in the financing plan, or correct the parameter. {hint}",
                       hint=hint))
    else:
        chosen = [i for i, (line, match) in enumerate(zip(lines, matches)) if line.kind == KONTANT
                  and match is not None and match.organisation.eu_managing_authority]
        if len(chosen) != 1:
            authorities = [name_key(o.name) for o in names.organisations if o.eu_managing_authority]
            near = [line for line in lines if line.kind == KONTANT and not chosen
                    and any(key in name_key(line.label) for key in authorities)]
            if near:  # 'Tillväxtverket (ERUF)': the managing authority's name with more to it, never guessed
                raise ContractError(
                    _("the workbook does not say which financier gives the EU support: '{label}' is not written as "
                      "the managing authority's name, so it is not taken for it", label=near[0].label),
                    file=workbook.path, location=near[0].label_cell,
                    hint=_("Name it in Parametrar '{parameter}' ('{label}'), or add the alias in an Alias sheet or "
                           "hso.toml [aliases]. {hint}", parameter="EU-finansiär", label=near[0].label, hint=hint))
            raise ContractError(
                _("the workbook does not say which financier gives the EU support"),
                file=workbook.path,
                hint=_("Add '{parameter}' to a Parametrar sheet, or parameters.eu_financier to hso.toml. {hint}",
                       parameter="EU-finansiär", hint=hint))
        findings.append(Finding(Severity.INFO, "eu.financier_assumed",
                                _("'{name}' is taken as the EU support (the programme's managing authority); name it "
                                  "in Parametrar '{parameter}' to make it explicit", name=lines[chosen[0]].label,
                                  parameter="EU-finansiär"),
                                lines[chosen[0]].label_cell))
    return [replace(line, is_eu=True) if i in chosen else line for i, line in enumerate(lines)]


def _eu_cap(workbook: Workbook, facts: FactSources, settings: Settings, findings: list[Finding]) -> Decimal | None:
    fact = facts.parameters.get("eu_tak")
    if fact is not None and not is_blank(fact.value):
        value = fact.value
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
            raise ContractError(
                _("'{label}' should be a percentage between 0 % and 100 %, but the cell holds {value}",
                  label=fact.label, value=repr(value)),
                file=workbook.path, location=fact.cell, hint=_("Type it as a percentage, for example 40 %"))
        return to_decimal(value)
    if settings.eu_cap is not None:
        return to_decimal(settings.eu_cap)
    findings.append(Finding(Severity.WARNING, "eu.cap_unknown",
                            _("the workbook gives no cap on EU support, so the EU share is not checked against one; "
                              "add '{parameter}' (for example 40 %) to a Parametrar sheet, or parameters.eu_cap to "
                              "hso.toml", parameter="EU-stöd högst"),
                            None))
    return None
