"""Say which documents lose which sentence because a fact is not in the workbook.

Each template is read (not rendered) for the known facts it uses (`projekt.halvtidsutvardering`,
`kommun.beslut_senast`, `eu.tak` …). When such a fact is missing, for the project or for some
municipalities, the documents made from that template either leave out the sentence that asks for
it in an `{% if %}`, or print the marker `[saknas: …]` (render/missing.py). Both are warnings
naming the fact, the template, the sentence and the documents; `strict = true` makes them errors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .findings import Finding, Severity, joined
from .i18n import Message, _, n_
from .model.checked import Checked
from .model.facts import SCOPE_SHEETS, SCOPES, FactSpec
from .model.sheets import is_blank
from .text import short
from .swedish import sort_key

# Where a template reads a fact: scope prefix -> (scope of the fact, per municipality?)
_PREFIXES = {"projekt": ("projekt", False), "parametrar": ("parametrar", False), "kommun": ("kommun", True),
             "finansiar.kommun": ("kommun", True), "k": ("kommun", True)}
_EU = {"eu.tak": "eu_tak", "eu.tak_belopp": "eu_tak"}
_IF = re.compile(r"\{%-?\s*(?:p\s+|tr\s+|tc\s+|r\s+)?(?:if|elif)\b(.*?)-?%\}", re.S)
_TAG = re.compile(r"\{[{%].*?[%}]\}", re.S)
_ELSE = re.compile(r"\{%-?\s*(?:p\s+)?else\s*-?%\}")
_PARAGRAPH_IF = re.compile(r"\s*\{%-?\s*p\s+if\b(.*?)-?%\}\s*$", re.S)
_PARAGRAPH_ENDIF = re.compile(r"\s*\{%-?\s*p\s+endif\s*-?%\}\s*$")
_STATEMENT = re.compile(r"\{%-?\s*(?:p\s+|tr\s+|tc\s+|r\s+)?(\w+).*?-?%\}", re.S)
_MAX_NAMED = 3


@dataclass(frozen=True)
class Use:
    scope: str
    spec: FactSpec
    per_municipality: bool
    sentence: str
    left_out: bool  # asked for in an {% if %}: the sentence is left out; else the marker is printed
    alternative: bool = False  # the {% if %} has an {% else %}: the template's own alternative is printed


def fact_uses(template: Path) -> list[Use]:
    """Return every use of a known fact in `template`, with the text around it as Word or Excel shows it."""
    from .render.inspect import template_texts

    texts = template_texts(template)
    uses: list[Use] = []
    blocks: list[str] = []  # conditions of the {%p if %} paragraphs the current paragraph stands in
    for index, text in enumerate(texts):
        if "{" not in text:
            continue
        opened = _PARAGRAPH_IF.match(text)
        if opened:
            blocks.append(opened.group(1))
        elif _PARAGRAPH_ENDIF.match(text) and blocks:
            blocks.pop()
        conditions = " ".join([*_IF.findall(text), *blocks])
        alternative = bool(_ELSE.search(text))
        for variable, scope, spec, per_municipality in _variables():
            if variable not in text:  # the pattern below needs it literally: most facts are not in most paragraphs
                continue
            pattern = re.compile(rf"(?<![\w.]){re.escape(variable)}\b")
            found = pattern.search(text)
            if not found:
                continue
            if not opened and blocks and pattern.search(" ".join(blocks)):
                continue  # inside the {%p if %} that asks for it: told once, with that paragraph
            asked = bool(pattern.search(conditions))
            sentence = _sentence(texts, index) if opened else _around(texts, index, found.start())
            uses.append(Use(scope, spec, per_municipality, sentence, asked, asked and alternative and not blocks))
    return uses


@lru_cache(maxsize=None)
def _variables() -> tuple:
    """(variable as a template writes it, scope, fact, per municipality?) for every known fact."""
    found = [(f"{prefix}.{spec.key}", scope, spec, per_municipality)
             for prefix, (scope, per_municipality) in _PREFIXES.items() for spec in SCOPES[scope]]
    found += [(name, "parametrar", next(s for s in SCOPES["parametrar"] if s.key == key), False)
              for name, key in _EU.items()]
    return tuple(found)


def _around(texts: list[str], index: int, at: int) -> str:
    """The words a reader would miss around a variable: the branch of its {% if %}, else the text near it."""
    text = texts[index]
    start = text.rfind("{%", 0, at)
    if 0 <= start and at - start < 120 and _IF.match(text, start):
        opened = _IF.match(text, start)
        branch = _readable(text[opened.end():_branch_end(text, opened.end())])
        before = _readable(text[:start], limit=None)
        if not before and not re.search(r"\w", branch) and index > 0:
            before = _readable(texts[index - 1], limit=None)  # a table cell: the cell before names it
        if not before:
            return short(branch, 120)
        # The words before the {% if %} say where the missing words stand: shown around them, in [ ].
        if len(before) > 50:
            tail = before[-50:]
            before = "…" + (tail.split(" ", 1)[1] if " " in tail else tail)
        return f"{before} [{short(branch, 70)}]"
    space = text.rfind(" ", 0, max(0, at - 60))
    start = space + 1 if space >= 0 else 0
    return short(("…" if start else "") + _readable(text[start:], limit=None), 120)


def _branch_end(text: str, at: int) -> int:
    """Where the {% if %} branch that starts at `at` ends: its own else, elif or endif."""
    depth = 0
    for tag in _STATEMENT.finditer(text, at):
        word = tag.group(1)
        if word == "if":
            depth += 1
        elif word == "endif" and depth:
            depth -= 1
        elif depth == 0 and word in ("else", "elif", "endif"):
            return tag.start()
    return len(text)


def _readable(text: str, limit: int | None = 120) -> str:
    """A template's text as a reader sees it: each printed figure as …, the control tags gone."""
    text = _STATEMENT.sub("", text)
    text = re.sub(r"\{\{.*?\}\}", "…", text, flags=re.S)
    text = re.sub(r"…(\s*…)+", "…", re.sub(r"\s+", " ", text)).strip()
    return short(text, limit) if limit else text


def _sentence(texts: list[str], index: int) -> str:
    """The paragraph a {%p if %} paragraph keeps or leaves out: the one after it."""
    return _readable(texts[index + 1] if index + 1 < len(texts) else texts[index])


def missing_fact_findings(checked: Checked, jobs) -> list[Finding]:
    """Return one warning per fact and template whose documents lose a sentence or print a marker.

    `jobs` are the build's jobs (build.plan_jobs): each has its template, kind and subject.
    """
    budget = checked.budget
    missing_project = {key for key in _keys("projekt") if _missing(budget.project.get(key))}
    missing_params = {key for key in _keys("parametrar") if _missing(budget.parameters.get(key))}
    if budget.eu_cap is not None:
        missing_params.discard("eu_tak")
    by_municipality = {m.official_name: {key for key in _keys("kommun") if _missing(m.facts.get(key))}
                       for m in budget.municipalities}
    findings: list[Finding] = []
    by_template: dict[Path, list] = {}
    for job in jobs:
        by_template.setdefault(job.template, []).append(job)
    for template, its_jobs in by_template.items():
        grouped: dict[tuple[str, str], list[Use]] = {}
        for use in fact_uses(template):
            grouped.setdefault((use.scope, use.spec.key), []).append(use)
        for (scope, key), uses in grouped.items():
            affected = [job for job in its_jobs if _lacks(job, scope, key, uses[0].per_municipality,
                                                           missing_project, missing_params, by_municipality)]
            # A co-financier that is no municipality (the Region) has no row on the Kommuner sheet: the
            # facts a certificate reads from it are missing for it, and only a hand can fill them in.
            others = [job for job in affected if job.kind == "finansiar" and scope == "kommun"
                      and job.subject not in by_municipality]
            affected = [job for job in affected if job not in others]
            if affected:
                findings.append(_finding(template, uses, affected))
            if others:
                findings.append(_finding(template, uses, others, no_sheet=True))
    return findings


def _keys(scope: str) -> list[str]:
    return [spec.key for spec in SCOPES[scope]]


def _missing(fact) -> bool:
    return fact is None or is_blank(fact.value)


def _lacks(job, scope, key, per_municipality, missing_project, missing_params, by_municipality) -> bool:
    if scope == "projekt":
        return key in missing_project
    if scope == "parametrar":
        return key in missing_params
    if job.kind == "kommun":
        return key in by_municipality.get(job.subject, set())
    if job.kind == "finansiar":  # a financier that is no municipality has none of a municipality's facts
        return job.subject not in by_municipality or key in by_municipality[job.subject]
    return any(key in keys for keys in by_municipality.values())  # a project document listing every municipality


def _finding(template: Path, uses: list[Use], jobs, no_sheet: bool = False) -> Finding:
    use = uses[0]
    subjects = sorted({job.subject for job in jobs if job.subject}, key=sort_key)
    sentences: list[Message] = []
    for u in uses:
        if u.alternative:
            text = _("prints its alternative in «{sentence}»", sentence=u.sentence)
        elif u.left_out:
            text = _("leaves out «{sentence}»", sentence=u.sentence)
        else:
            text = _("prints [saknas: …] in «{sentence}»", sentence=u.sentence)
        if text not in sentences:
            sentences.append(text)
    values = {"title": use.spec.title, "variable": _variable(use), "template": template.name,
              "effects": joined(sentences, "; "), "documents": n_("{n} document", "{n} documents", len(jobs)),
              "sheet": SCOPE_SHEETS[use.scope]}
    if no_sheet:
        message = _("the fact '{title}' ({variable}) is not in the workbook for {subjects}, so {template} {effects} "
                    "({documents}). The workbook holds this fact for municipalities only: fill it in by hand on "
                    "the printed document", subjects=_listed(subjects), **values)
    elif use.per_municipality and subjects:
        message = _("the fact '{title}' ({variable}) is not in the workbook for {subjects}, so {template} {effects} "
                    "({documents}). Add it to the {sheet} sheet (or the facts workbook)", subjects=_listed(subjects),
                    **values)
    else:
        message = _("the fact '{title}' ({variable}) is not in the workbook, so {template} {effects} ({documents}). "
                    "Add it to the {sheet} sheet (or the facts workbook)", **values)
    # The template's own alternative (a line to fill in) is its author's choice: a note. A sentence
    # left out or a marker printed is a warning.
    severity = Severity.INFO if all(u.alternative for u in uses) and not no_sheet else Severity.WARNING
    return Finding(
        severity, "fact.missing", message,
        str(template),
        {"fact": f"{use.scope}.{use.spec.key}", "template": template.name,
         "documents": [str(job.output) for job in jobs], "sentences": [u.sentence for u in uses]},
    )


def _variable(use: Use) -> str:
    return f"{use.scope}.{use.spec.key}" if use.spec.key != "eu_tak" else "eu.tak"


def _listed(names: list[str]) -> Message | str:
    if len(names) <= _MAX_NAMED:
        return ", ".join(names)
    return _("{names} and {n} more", names=", ".join(names[:_MAX_NAMED]), n=len(names) - _MAX_NAMED)
