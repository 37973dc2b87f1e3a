"""Names of organisations as people write them, matched to the official ones without guessing.

Two names are the same when they agree up to case, spacing, Unicode form and a genitive s on a
word before "kommun" ("Sundsvall kommun" is "Sundsvalls kommun"). Short forms ("Rvn",
"Länsstyrelsen") are matched only through the explicit alias list: `organisations.toml` shipped
with hso-xl, an `Alias` sheet in the workbook, and `[aliases]` in hso.toml.
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
    how: str  # "exact" | "genitive" | "alias"
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
        alias = self._aliases.get(key)
        if alias is not None:
            organisation, source = alias
            return Match(self._by_key.get(name_key(organisation.name), organisation), "alias", source)
        return None

    @property
    def organisations(self) -> list[Organisation]:
        return list(self._by_key.values())


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


def looks_like_municipality(text) -> bool:
    """True for a name written like a municipality's ('… kommun', '… stad' is not guessed)."""
    return name_key(text).endswith(" kommun")
