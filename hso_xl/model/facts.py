"""The facts documents use, each under a stable name, whatever a workbook's label says.

A template writes `projekt.halvtidsutvardering` or `kommun.beslut_senast`, never a name derived
from the wording of a label: the label "Halvtidsutvärdering (SWECO)", "Halvtidsutvärdering" and
"Halvtidsutvärdering 2026" are the same fact. Labels are compared after `norm` with anything in
parentheses and any year or span of years removed; each fact lists the labels it accepts.

A fact that is not in the workbook is missing in the template context (render/missing.py): false
in an `{% if %}`, so the sentence is left out, printed as a visible marker otherwise, and the check
says which documents lose which sentence (hso_xl/missing.py).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from .sheets import norm

_PARENTHESES = re.compile(r"\([^)]*\)")
_YEARS = re.compile(r"\b(19|20)\d{2}(\s*[–—-]\s*((19|20)\d{2}|\d{2}))?\b")
_PUNCTUATION = re.compile(r"[.:;,]+$")


@dataclass(frozen=True)
class FactSpec:
    key: str  # the stable name templates use
    title: str  # the label hso-xl's own sample and docs use
    labels: tuple[str, ...] = ()  # other labels that mean the same fact
    kind: str = "text"  # text | date | amount | rate
    required: bool = False

    def accepts(self, label_key: str) -> bool:
        return label_key in {fact_label_key(x) for x in (self.title, *self.labels)}


def fact_label_key(label) -> str:
    """Return a label as a fact key: 'Medfinansiering hittills 2024–2025' -> 'medfinansiering hittills'."""
    text = _PARENTHESES.sub(" ", str(label or ""))
    text = _YEARS.sub(" ", text)
    return _PUNCTUATION.sub("", norm(text)).strip()


PROJECT = (
    FactSpec("namn", "Projektnamn", ("Projektets namn", "Namn på projektet"), required=True),
    FactSpec("agare", "Projektägare", ("Ägare", "Huvudman", "Projektägande organisation"), required=True),
    FactSpec("kortnamn", "Kortnamn", ("Förkortning",)),
    FactSpec("program", "Program", ("EU-program", "Programområde")),
    FactSpec("ansoks_hos", "Ansöks hos", ("Söks hos", "Finansiärer som ansökan lämnas till")),
    FactSpec("diarienummer", "Diarienummer", ("Dnr", "Diarienummer projekt", "Ärendenummer")),
    FactSpec("projektstart", "Projektstart", ("Startdatum", "Projektets start", "Start"), "date"),
    FactSpec("projektslut", "Projektslut", ("Slutdatum", "Projektets slut", "Slut"), "date"),
    FactSpec("utkast_klart", "Utkast klart", ("Utkast", "Utkast att ta ställning till klart"), "date"),
    FactSpec("handslag", "Handslag", ("Handslag vilja fortsatt delta", "Besked om fortsatt deltagande"), "date"),
    FactSpec("ansokan_senast", "Ansökan senast", ("Deadline ansökan", "Sista ansökningsdag", "Ansökan lämnas senast"),
             "date"),
    FactSpec("beslut_ks_senast", "Beslut i kommunstyrelserna senast",
             ("Beslut från resp KS senast", "Beslut KS senast", "Kommunstyrelsernas beslut senast"), "date"),
    FactSpec("beslut_finansiarer", "Beslut Tillväxtverket och Region Västernorrland",
             ("Beslut från TVV och RVN", "Beslut TVV och RVN", "Finansiärernas beslut"), "date"),
    FactSpec("halvtidsutvardering", "Halvtidsutvärdering (SWECO)",
             ("Halvtidsutvärdering datum", "Datum för halvtidsutvärdering"), "date"),
    FactSpec("medfinansiering_hittills", "Medfinansiering hittills 2024–2025",
             ("Medfinansiering fram tills nu", "Medfinansiering hittills i projektet"), "amount"),
    FactSpec("dokumentdatum", "Dokumentdatum", ("Datum för dokumenten",), "date"),
)

MUNICIPALITY = (
    FactSpec("namn", "Officiellt namn", ("Namn", "Kommunens namn", "Officiell benämning"), required=True),
    FactSpec("kommunkod", "Kommunkod", ("Kod", "Kommunnummer")),
    FactSpec("organisationsnummer", "Organisationsnummer", ("Org.nr", "Orgnr", "Org nr", "Organisationsnr")),
    FactSpec("diarienummer", "Diarienummer KS", ("Diarienummer", "Dnr", "Dnr KS", "Ärendenummer")),
    FactSpec("kontakt", "Kontakt", ("Kontaktperson", "Handläggare")),
    FactSpec("epost", "E-post", ("E-postadress", "Epost", "Mejl", "Mejladress", "E-post registrator",
                                 "Registratorns e-post")),
    FactSpec("forvaltning", "Förvaltning", ("Kontor", "Förvaltning som skriver beslutsunderlaget")),
    FactSpec("beslut_senast", "Beslut senast", ("Sista beslutsdag", "Beslut KS senast", "Beslutsdag"), "date"),
    FactSpec("invanare", "Invånare 2023-12-31", ("Invånare", "Folkmängd", "Befolkning"), "amount"),
)

PARAMETERS = (
    FactSpec("eu_tak", "EU-stöd högst", ("EU-tak", "Högsta EU-stöd", "Max EU-stöd", "EU-stöd max"), "rate"),
    FactSpec("eu_finansiar", "EU-finansiär", ("EU-stöd söks hos", "EU-stödets finansiär")),
    FactSpec("startar", "Startår", ("Första år", "Projektets första år", "Första projektår")),
    FactSpec("avrundning_kostnader", "Avrundning kostnader", ("Avrundningsrad kostnader",)),
    FactSpec("avrundning_finansiering", "Avrundning finansiering", ("Avrundningsrad finansiering",)),
)

SCOPES = {"projekt": PROJECT, "kommun": MUNICIPALITY, "parametrar": PARAMETERS}
SCOPE_SHEETS = {"projekt": "Projekt", "kommun": "Kommuner", "parametrar": "Parametrar"}


def spec_for(scope: str, label) -> FactSpec | None:
    """Return the known fact a label names in `scope`, or None."""
    key = fact_label_key(label)
    return next((spec for spec in SCOPES[scope] if spec.accepts(key)), None)


def spec(scope: str, key: str) -> FactSpec:
    return next(s for s in SCOPES[scope] if s.key == key)


def suggestion(scope: str, label) -> str | None:
    """Return the known label closest to an unknown one ('did you mean …?'), or None."""
    titles = {fact_label_key(t): t for s in SCOPES[scope] for t in (s.title, *s.labels)}
    close = difflib.get_close_matches(fact_label_key(label), list(titles), n=1, cutoff=0.6)
    return titles[close[0]] if close else None


__all__ = ["FactSpec", "PARAMETERS", "PROJECT", "MUNICIPALITY", "SCOPES", "fact_label_key", "spec", "spec_for",
           "suggestion"]
