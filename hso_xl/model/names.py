"""Names of organisations as people write them, matched to the official ones without guessing.

Two names are the same when they agree up to case, spacing, invisible characters, Unicode form and
a genitive s on a word before "kommun" ("Sundsvall kommun" is "Sundsvalls kommun"). A known
municipality is also certain by its short name ("Härnösand", "Härnösands") and with "kommun"
abbreviated ("Kramfors kn", "Kramfors k:n"). Other short forms ("Rvn", "Länsstyrelsen") are
matched only through the explicit alias list: `organisations.toml` shipped with hso-xl, an `Alias`
sheet in the workbook, and `[aliases]` in hso.toml.

A name that is none of these but *resembles* a known municipality (a letter off, "Sundsvals
kommun"; the municipality's name beside a word like "kommunförvaltning") or another known financier
("Tillväxtverk", "Region Västernorland") is never guessed either way: `resembles` finds the
organisation, and the reading stops on it.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .sheets import norm

_REGISTRY = Path(__file__).with_name("organisations.toml")


@dataclass(frozen=True)
class Organisation:
    name: str  # the official name, as documents print it
    short: str = ""  # "Sundsvall" for Sundsvalls kommun
    kind: str = ""  # kommun, region, myndighet, lärosäte, bolag
    sector: str | None = None  # offentlig | privat, when known
    eu_managing_authority: bool = False
    facts: dict = field(default_factory=dict)  # kommunkod, organisationsnummer, ...

    @property
    def is_municipality(self) -> bool:
        return self.kind == "kommun"


@dataclass(frozen=True)
class Match:
    organisation: Organisation
    how: str  # "exact" | "genitive" | "abbreviation" | "short" | "alias"
    alias_source: str = ""  # where the alias came from, for messages


def name_key(text) -> str:
    """Return a name as a key: normalised like labels, and 'söks från X' read as X."""
    key = norm(text)
    for prefix in ("söks från ", "sökes från ", "söks hos "):
        if key.startswith(prefix):
            key = key[len(prefix):].strip()
    return key


def genitive_variants(key: str) -> set[str]:
    """Return `key` with and without a genitive s on the word before 'kommun'."""
    words = key.split(" ")
    if len(words) < 2 or words[-1] != "kommun":
        return {key}
    stem = words[-2]
    other = stem[:-1] if stem.endswith("s") else stem + "s"
    return {key, " ".join([*words[:-2], other, "kommun"])}


class Names:
    """The organisations known for one run: the shipped registry, official names from the facts, and aliases."""

    def __init__(self) -> None:
        self._by_key: dict[str, Organisation] = {}
        self._aliases: dict[str, tuple[Organisation, str]] = {}

    @classmethod
    def shipped(cls) -> "Names":
        names = cls()
        for organisation, aliases in _shipped():
            names.add(organisation)
            for alias in aliases:
                names.add_alias(alias, organisation.name, "organisations.toml")
            if organisation.short:  # 'Sundsvall' for Sundsvalls kommun, listed as its short name
                names.add_alias(organisation.short, organisation.name, "organisations.toml")
        return names

    def add(self, organisation: Organisation) -> None:
        """Add (or replace, by the same official name) an organisation."""
        self._by_key[name_key(organisation.name)] = organisation

    def add_alias(self, alias: str, official: str, source: str) -> None:
        organisation = self.find_exact(official) or Organisation(" ".join(str(official).split()))
        self._aliases[name_key(alias)] = (organisation, source)

    def find_exact(self, text) -> Organisation | None:
        key = name_key(text)
        found = self._by_key.get(key)
        return found

    def match(self, text) -> Match | None:
        """Return the organisation `text` names, and how it was recognised; None when it is unknown."""
        key = name_key(text)
        if key in self._by_key:
            return Match(self._by_key[key], "exact")
        for variant in genitive_variants(key) - {key}:
            if variant in self._by_key:
                return Match(self._by_key[variant], "genitive")
        stem = municipal_stem(key)
        if stem != key:  # 'Kramfors kn', 'Kramfors k:n'
            for variant in genitive_variants(f"{stem} kommun"):
                found = self._by_key.get(variant)
                if found is not None and found.is_municipality:
                    return Match(found, "abbreviation")
        for organisation in self.municipalities:
            if organisation.short and key in genitive_forms(name_key(organisation.short)):
                return Match(organisation, "short")
        alias = self._aliases.get(key)
        if alias is not None:
            organisation, source = alias
            return Match(self._by_key.get(name_key(organisation.name), organisation), "alias", source)
        return None

    @property
    def organisations(self) -> list[Organisation]:
        return list(self._by_key.values())

    @property
    def municipalities(self) -> list[Organisation]:
        return [o for o in self._by_key.values() if o.is_municipality]

    def resembles(self, text) -> Organisation | None:
        """Return the known municipality (else other known financier) an unmatched name resembles, or None.

        It resembles one when the name without 'kommun' ('kn', 'k:n') is a letter or two from the
        municipality's short name ('Sundsvals kommun'), or when it names a municipality word for
        word beside a word beginning 'kommun' ('Timrå kommunförvaltning').
        """
        key = name_key(text)
        stem = municipal_stem(key)
        words = key.split(" ")
        municipal = stem != key or any(w.startswith("kommun") or w in ABBREVIATIONS for w in words)
        for organisation in self.municipalities:
            short = name_key(organisation.short or organisation.name.rsplit(" ", 1)[0])
            if not short:
                continue
            near = min(distance(stem, form) for form in genitive_forms(short))
            if 0 < near <= (1 if len(short) <= 5 else 2) or (near == 0 and stem != key):
                return organisation
            if municipal and any(w in genitive_forms(short) for w in words):
                return organisation
        return self._resembled_financier(key)

    def _resembled_financier(self, key: str) -> Organisation | None:
        """The known financier other than a municipality that `key` is a letter or two from ('Tillväxtverk',
        'Region Västernorland'), by its official name or an alias; short aliases ('RVN') are too short to tell."""
        forms = [(name_key(o.name), o) for o in self._by_key.values() if not o.is_municipality]
        forms += [(alias, o) for alias, (o, _source) in self._aliases.items() if not o.is_municipality]
        if any(form == key for form, _o in forms):
            return None  # its own name: matched, not resembled
        for form, organisation in forms:
            if len(form) < RESEMBLING_LENGTH:
                continue
            if 0 < distance(key, form) <= (1 if len(form) <= 10 else 2):
                return self._by_key.get(name_key(organisation.name), organisation)
        return None


@lru_cache(maxsize=1)
def _shipped() -> tuple[tuple[Organisation, tuple[str, ...]], ...]:
    data = tomllib.loads(_REGISTRY.read_text(encoding="utf-8"))
    out = []
    for entry in data.get("organisation", []):
        entry = dict(entry)
        aliases = tuple(entry.pop("aliases", ()))
        organisation = Organisation(
            name=entry.pop("name"),
            short=entry.pop("short", ""),
            kind=entry.pop("kind", ""),
            sector=entry.pop("sector", None),
            eu_managing_authority=entry.pop("eu_managing_authority", False),
            facts=entry,
        )
        out.append((organisation, aliases))
    return tuple(out)


RESEMBLING_LENGTH = 6  # a financier's name or alias shorter than this resembles too much to say so
ABBREVIATIONS = ("kn", "k:n")  # 'Kramfors kn', 'Kramfors k:n': kommun as offices abbreviate it


def municipal_stem(key: str) -> str:
    """Return a name key without a trailing 'kommun', 'kn' or 'k:n' ('kramfors kn' -> 'kramfors'); else the key."""
    words = key.split(" ")
    if len(words) > 1 and words[-1] in ("kommun", *ABBREVIATIONS):
        return " ".join(words[:-1])
    return key


def genitive_forms(short: str) -> set[str]:
    """'härnösand' -> {'härnösand', 'härnösands'}; 'kramfors' -> {'kramfors'} (a name ending in s takes none)."""
    return {short} if short.endswith("s") else {short, short + "s"}


def distance(a: str, b: str) -> int:
    """Return the edit distance of two names (a letter added, left out, changed or two swapped counts 1)."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                value = min(value, previous2[j - 2] + 1)
            current.append(value)
        previous2, previous = previous, current
    return previous[-1]


def looks_like_municipality(text) -> bool:
    """True for a name written like a municipality's ('… kommun', '… stad' is not guessed)."""
    return name_key(text).endswith(" kommun")
