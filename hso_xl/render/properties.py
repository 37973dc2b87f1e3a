"""The document properties a registrar sees (diariet): who issues the document, its title, project and Dnr.

Word and Excel show them under File > Info, archives and document systems index them, and
LibreOffice copies them into the PDF (Info and XMP). They are the document's own, never the
template's notes:

- author (and company): the organisation issuing the document: for a municipality's decision
  draft its förvaltning and the municipality (`Kommunledningsförvaltningen, Timrå kommun`), or the
  municipality alone when the Kommuner sheet has no Förvaltning column; for a co-financing
  certificate the financier; for anything else (the Tillväxtverket appendix) the project owner;
- title: who the document is about, then its own heading (`Timrå kommun: Medfinansiering av
  projektet HSO – Hållbar samhällsomställning 2027–2029`);
- subject: the template's subject, then the project and its period;
- keywords: the project's short name and name, the Dnr (of the municipality or financier, and the
  project's when the Projekt sheet has one), the subject's name and the period;
- description: how the document was made, in one sentence; language sv-SE.

A regional report (a context with `rapportdata`) is about a municipality but issued by whoever
publishes the report, which its data does not name: its author is the template's own (File >
Info > Author in the template), its keywords the municipality and the report's Dnr and date.
"""

from __future__ import annotations

from dataclasses import dataclass

from jinja2 import Undefined

from ..model.characters import UNPRINTABLE, printable

LANGUAGE = "sv-SE"
APPLICATION = "hso-xl"
DESCRIPTION = "Framtagen med hso-xl ur projektets finansieringsplan."
APP_XML = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
           'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
           "<Application>{application}</Application><DocSecurity>0</DocSecurity>"
           "<Company>{company}</Company></Properties>")


@dataclass(frozen=True)
class Properties:
    author: str
    company: str
    title: str
    subject: str
    keywords: str
    description: str = DESCRIPTION
    language: str = LANGUAGE

    def __post_init__(self) -> None:
        for name, value in list(vars(self).items()):  # a NUL pasted into a name cannot go into the document's XML
            if isinstance(value, str) and UNPRINTABLE.search(value):
                object.__setattr__(self, name, printable(value))


def _text(value) -> str:
    return "" if value is None else " ".join(str(value).split())


def _get(mapping, *keys: str) -> str:
    """Return the first of `keys` that `mapping` holds as text; '' when none (a missing fact is falsy)."""
    for key in keys:
        try:
            value = mapping.get(key) if mapping is not None else None
        except (AttributeError, TypeError):
            return ""
        if value is not None and not isinstance(value, Undefined) and _text(value):
            return _text(value)
    return ""


def _dnr(value: str) -> str:
    """'Dnr KS 2026/37' and 'KS 2026/37' both as 'Dnr KS 2026/37'."""
    value = _text(value)
    if not value:
        return ""
    return value if value.casefold().startswith("dnr") else f"Dnr {value}"


def issuer(context: dict) -> tuple[str, str]:
    """Return (author, organisation): who issues the document this context renders."""
    project = context.get("projekt") or {}
    if context.get("kommun"):
        kommun = context["kommun"]
        name = _get(kommun, "namn")
        office = _get(kommun, "forvaltning")
        return (f"{office}, {name}" if office else name), name
    if context.get("finansiar"):
        name = _get(context["finansiar"], "namn")
        return name, name
    owner = _get(project, "agare")
    return owner, owner


def _first(rows) -> dict:
    try:
        return rows[0] if rows else {}
    except (IndexError, KeyError, TypeError):
        return {}


def report_properties(context: dict, heading: str, template_subject: str, template_author: str) -> Properties:
    """Return the properties of a regional report: about a municipality, issued by the template's author."""
    about = _get(context.get("kommun"), "namn")
    data = context.get("rapportdata") or {}
    report = _first(data.get("rapport"))
    heading = _text(heading)
    title = heading if not about or about in heading else (f"{about}: {heading}" if heading else about)
    subject = _text(template_subject)
    # a dash, not a colon: a template's subject often has its own ("Rapport per kommun: nyckeltal …")
    subject = f"{subject} – {about}" if subject and about and about not in subject else subject or about
    keywords = [about, _dnr(_get(report, "dnr")), _get(report, "datum")[:10]]
    author = _text(template_author)
    # made from the data workbook, not from the financing plan the other documents come from
    source = getattr(getattr(data, "_origin", data), "_file", None)  # the tables, or render/tracking's copy
    description = f"Framtagen med hso-xl ur {source}." if source else DESCRIPTION
    return Properties(author=author or APPLICATION, company=author, title=title, subject=subject,
                      keywords="; ".join(dict.fromkeys(k for k in keywords if k)), description=description)


def document_properties(context: dict, heading: str, template_subject: str = "",
                        template_author: str = "") -> Properties:
    """Return the properties of the document rendered from `context`, whose own title is `heading`."""
    if context.get("rapportdata") is not None:
        return report_properties(context, heading, template_subject, template_author)
    project = context.get("projekt") or {}
    author, organisation = issuer(context)
    period = _text(context.get("period"))
    project_name = _get(project, "namn")
    if context.get("kommun"):
        about, dnr = _get(context["kommun"], "namn"), _get(context["kommun"], "diarienummer", "diarienummer_ks")
    elif context.get("finansiar"):
        financier = context["finansiar"]
        about = _get(financier, "namn")
        dnr = _get(financier.get("kommun") if hasattr(financier, "get") else None, "diarienummer", "diarienummer_ks")
    else:
        about, dnr = project_name, ""
    heading = _text(heading)
    title = heading if not about or about in heading else (f"{about}: {heading}" if heading else about)
    project_part = " ".join(p for p in (project_name, period) if p)
    template_subject = _text(template_subject)
    subject = (f"{template_subject}: {project_part}" if template_subject and project_part
               else template_subject or (f"Projektet {project_part}" if project_part else ""))
    keywords = [_get(project, "kortnamn"), project_name, _dnr(dnr), _dnr(_get(project, "diarienummer")),
                about if about != project_name else "", period]
    return Properties(
        author=author or APPLICATION,
        company=organisation,
        title=title,
        subject=subject,
        keywords="; ".join(dict.fromkeys(k for k in keywords if k)),
    )


def app_xml(props: Properties) -> bytes:
    """Return docProps/app.xml that claims nothing false: the program that wrote it and the organisation
    (no page, word or line counts: nothing here has laid the document out)."""
    from xml.sax.saxutils import escape

    return APP_XML.format(application=APPLICATION, company=escape(props.company)).encode("utf-8")
