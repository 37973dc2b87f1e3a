"""The Jinja environment every template renders in: sandboxed, strict, with the Swedish filters.

Sandboxed so a template cannot reach Python internals (`__class__`, `__globals__`); strict so a
misspelt variable stops the build instead of printing nothing; with a loader that finds nothing,
so `{% include %}` or `{% import %}` cannot read a file.
"""

from __future__ import annotations

import re

from jinja2 import FunctionLoader, StrictUndefined, TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from .docx_charts import diagram
from .filters import FILTERS


class _Sandbox(ImmutableSandboxedEnvironment):
    """The sandbox, remembering compiled sources: every document of a template compiles the same text."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._compiled: dict[str, object] = {}

    def from_string(self, source, globals=None, template_class=None):
        if globals or template_class or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        key = (self.autoescape, source)
        if key not in self._compiled:
            self._compiled[key] = super().from_string(source)
        return self._compiled[key]


_SHARED: dict[str, ImmutableSandboxedEnvironment] = {}


def shared_environment(kind: str) -> ImmutableSandboxedEnvironment:
    """Return one environment per kind of template ('docx'), so compiled templates are reused."""
    if kind not in _SHARED:
        _SHARED[kind] = make_environment()
    return _SHARED[kind]


def make_environment() -> ImmutableSandboxedEnvironment:
    env = _Sandbox(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True,
                                        loader=FunctionLoader(lambda name: None))
    env.filters.update(FILTERS)
    env.filters["diagram"] = diagram
    return env


# Everything a template mistake raises while rendering: Jinja's own errors, the sandbox's, and
# what a filter or an expression raises on a wrong argument (a key not there, text for a number).
TEMPLATE_ERRORS = (TemplateError, SecurityError, TypeError, ValueError, ArithmeticError, LookupError)

_UNDEFINED = re.compile(r"'([^']+)' is undefined|has no attribute '([^']+)'|no element '?([^']+?)'?$")


def describe_error(exc: Exception, editor: str) -> tuple[str, str, str | None]:
    """Return (what went wrong, what to do, the unknown variable's name) for a rendering error."""
    message = getattr(exc, "message", None) or str(exc)
    if isinstance(exc, UndefinedError):
        match = _UNDEFINED.search(message)
        name = next((g for g in match.groups() if g), None) if match else None
        what = f"unknown variable '{name}'" if name else f"unknown variable ({message})"
        return what, "Correct the tag; docs/templates.md lists every variable a template can use", name
    if isinstance(exc, SecurityError):
        return (f"the template tried something not allowed in a template ({message})",
                "Remove the tag; templates may only print values from docs/templates.md", None)
    if isinstance(exc, TemplateSyntaxError):
        return (f"Jinja syntax error: {message}",
                "Check that every {{ has its }} and every {% if %} or {% for %} its {% endif %} or {% endfor %}",
                None)
    if isinstance(exc, LookupError):
        return (f"the template asks for {message}, which is not there", f"Correct the tag in {editor}; "
                "docs/templates.md lists what each list and table holds", None)
    return f"the template could not be rendered: {message}", f"Correct the tag in {editor} and run again", None


def short(text, limit: int = 160) -> str:
    """Return `text` on one line, cut to `limit` characters with an ellipsis (for quoting a template's text)."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
