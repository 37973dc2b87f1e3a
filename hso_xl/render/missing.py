"""A known fact the workbook does not give, as a template sees it.

It is false in `{% if projekt.halvtidsutvardering %}`, so the sentence is left out; printed, it is a
visible marker `[saknas: Halvtidsutvärdering]` in the document, so a draft never reads as if the
fact were not needed. Either way the check and the build say which documents lose which sentence
(hso_xl/missing.py), and `strict = true` stops the build.
"""

from __future__ import annotations

from jinja2 import Undefined

from ..model.facts import SCOPE_SHEETS, FactSpec


class MissingFact(Undefined):
    __slots__ = ("scope", "spec", "subject")

    def __init__(self, scope: str, fact: FactSpec, subject: str | None = None) -> None:
        where = f" for {subject}" if subject else ""
        super().__init__(hint=f"the fact '{fact.title}' ({scope}.{fact.key}) is not in the workbook{where}; "
                              f"add it to the {SCOPE_SHEETS[scope]} sheet or the facts workbook", name=fact.key)
        self.scope = scope
        self.spec = fact
        self.subject = subject

    @property
    def marker(self) -> str:
        return f"[saknas: {self.spec.title}]"

    def __bool__(self) -> bool:
        return False

    def __str__(self) -> str:
        return self.marker

    def __html__(self) -> str:
        return self.marker

    def __iter__(self):
        return iter(())

    def __len__(self) -> int:
        return 0

    def __eq__(self, other) -> bool:
        return isinstance(other, MissingFact) and (other.scope, other.spec) == (self.scope, self.spec)

    def __ne__(self, other) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return hash((self.scope, self.spec.key))

    def __reduce__(self):
        return MissingFact, (self.scope, self.spec, self.subject)

    def __repr__(self) -> str:
        return f"MissingFact({self.scope}.{self.spec.key})"


def is_missing(value) -> bool:
    return isinstance(value, MissingFact)
