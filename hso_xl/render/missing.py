"""A known fact the workbook does not give, as a template sees it.

It is false in `{% if projekt.halvtidsutvardering %}`, so the sentence is left out; printed, it is a
visible marker `[saknas: Halvtidsutvärdering]` in the document, so a draft never reads as if the
fact were not needed. Either way the check and the build say which documents lose which sentence
(hso_xl/missing.py), and `strict = true` stops the build.
"""

from __future__ import annotations

from jinja2 import Undefined

from ..i18n import _
from ..model.facts import SCOPE_SHEETS, FactSpec


class MissingFact(Undefined):
    __slots__ = ("scope", "spec", "subject")

    def __init__(self, scope: str, fact: FactSpec, subject: str | None = None) -> None:
        names = {"title": fact.title, "scope": scope, "key": fact.key, "sheet": SCOPE_SHEETS[scope]}
        hint = (_("the fact '{title}' ({scope}.{key}) is not in the workbook for {subject}; add it to the {sheet} "
                  "sheet or the facts workbook", subject=subject, **names) if subject else
                _("the fact '{title}' ({scope}.{key}) is not in the workbook; add it to the {sheet} sheet or the "
                  "facts workbook", **names))
        super().__init__(hint=hint, name=fact.key)
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
