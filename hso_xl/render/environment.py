"""The Jinja environment every template renders in: sandboxed, strict, with the Swedish filters.

Sandboxed so a template cannot reach Python internals (`__class__`, `__globals__`); strict so a
misspelt variable stops the build instead of printing nothing; with a loader that finds nothing,
so `{% include %}` or `{% import %}` cannot read a file.
"""

from __future__ import annotations

import re

from jinja2 import FunctionLoader, StrictUndefined, TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from ..i18n import SOURCE, Message, _
from ..model.characters import UNPRINTABLE, printable
from .docx_charts import diagram
from .filters import FILTERS
from .report_context import Blank, MissingColumn, MissingRecord

# The empty data-workbook cells the current render printed (render_job clears and reads it): one
# render at a time per process, so a list here is the render's own.
PRINTED_BLANKS: list[Blank] = []


def _finalize(value):
    """Jinja's last look at every printed value: note an empty cell printed as nothing; leave out the control
    characters no document can carry (model/characters.py; the check warns where they are)."""
    if type(value) is Blank:
        PRINTED_BLANKS.append(value)
    if isinstance(value, str) and UNPRINTABLE.search(value):
        return printable(value)
    return value


class _Undefined(StrictUndefined):
    """Jinja's strict undefined; asked of a data-workbook record, it names the sheet and its columns."""

    __slots__ = ()

    def _fail_with_undefined_error(self, *args, **kwargs):
        missing_key = getattr(self._undefined_obj, "_missing_key", None)
        if callable(missing_key) and isinstance(self._undefined_name, str):
            error = missing_key(self._undefined_name)
            if error is not None:
                raise error
        return super()._fail_with_undefined_error(*args, **kwargs)

    # StrictUndefined binds these to the method above when the class is made: bind them to ours
    __iter__ = __str__ = __len__ = __eq__ = __ne__ = __bool__ = __hash__ = __contains__ = _fail_with_undefined_error
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = __div__ = __rdiv__ = _fail_with_undefined_error
    __truediv__ = __rtruediv__ = __floordiv__ = __rfloordiv__ = __mod__ = __rmod__ = _fail_with_undefined_error
    __pos__ = __neg__ = __call__ = __getitem__ = __lt__ = __le__ = __gt__ = __ge__ = _fail_with_undefined_error
    __int__ = __float__ = __complex__ = __pow__ = __rpow__ = _fail_with_undefined_error


MAX_PRODUCED = 1_000_000  # characters or items one `*` may make: far above any document's need


class _Sandbox(ImmutableSandboxedEnvironment):
    """The sandbox, remembering compiled sources: every document of a template compiles the same text.

    `"x" * 10**9` and `9 ** 10**9` are refused before they take the memory or the time they ask for.
    """

    intercepted_binops = frozenset({"*", "**"})

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._compiled: dict[str, object] = {}

    def call_binop(self, context, operator, left, right):
        if operator == "*" and _repeated_size(left, right) > MAX_PRODUCED:
            raise SecurityError(_("the expression would repeat a text or list into more than {n} characters or "
                                  "items", n=MAX_PRODUCED))
        if operator == "**" and all(isinstance(x, int) for x in (left, right)) and abs(left) > 1 and right > 1000:
            raise SecurityError(_("the expression raises a number to the power {power}, beyond any amount",
                                  power=right))
        return super().call_binop(context, operator, left, right)

    def from_string(self, source, globals=None, template_class=None):
        if globals or template_class or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        key = (self.autoescape, source)
        if key not in self._compiled:  # compiled once per process, and kept on disk for the next (compiled.py)
            from .compiled import kept_or_compiled

            code = kept_or_compiled(self, source, self.compile)
            self._compiled[key] = self.template_class.from_code(self, code, self.make_globals(None), None)
        return self._compiled[key]


def _repeated_size(left, right) -> int:
    for seq, times in ((left, right), (right, left)):
        if isinstance(seq, (str, list, tuple)) and isinstance(times, int):
            return len(seq) * times
    return 0


_SHARED: dict[str, ImmutableSandboxedEnvironment] = {}


def shared_environment(kind: str) -> ImmutableSandboxedEnvironment:
    """Return one environment per kind of template ('docx'), so compiled templates are reused."""
    if kind not in _SHARED:
        _SHARED[kind] = make_environment()
    return _SHARED[kind]


def make_environment() -> ImmutableSandboxedEnvironment:
    env = _Sandbox(undefined=_Undefined, autoescape=False, keep_trailing_newline=True, finalize=_finalize,
                   loader=FunctionLoader(lambda name: None))
    env.filters.update(FILTERS)
    env.filters["diagram"] = diagram
    return env


# Everything a template mistake raises while rendering: Jinja's own errors, the sandbox's, and
# what a filter or an expression raises on a wrong argument (a key not there, text for a number), and
# Jinja's NameError for a literal Python cannot name ({{ 1e400 }} compiles to `inf`).
TEMPLATE_ERRORS = (TemplateError, SecurityError, TypeError, ValueError, ArithmeticError, LookupError, NameError)

_UNDEFINED = re.compile(r"'([^']+)' is undefined|has no attribute '([^']+)'|no element '?([^']+?)'?$")


def describe_error(exc: Exception, editor: str) -> tuple[Message, Message, str | None]:
    """Return (what went wrong, what to do, the unknown variable's name) for a rendering error.

    Jinja's own text (and a library's) is English data quoted in our sentence; a message of ours
    (a missing fact's, a filter's) is shown in the reader's language.
    """
    detail = _detail(exc)
    text = detail.render(SOURCE) if isinstance(detail, Message) else detail
    if isinstance(exc, MissingRecord):
        return detail, _("Add the record to the data workbook, or correct what the tag looks for"), None
    if isinstance(exc, MissingColumn):
        return detail, _("Give the sheet or column that name in the data workbook, or correct the tag"), None
    if isinstance(exc, UndefinedError):
        match = _UNDEFINED.search(text)
        name = next((g for g in match.groups() if g), None) if match else None
        what = _("unknown variable '{name}'", name=name) if name else _("unknown variable ({message})", message=detail)
        return what, _("Correct the tag; docs/templates.md lists every variable a template can use"), name
    if isinstance(exc, SecurityError):
        return (_("the template tried something not allowed in a template ({message})", message=detail),
                _("Remove the tag; templates may only print values from docs/templates.md"), None)
    if isinstance(exc, TemplateSyntaxError):
        return (_("Jinja syntax error: {message}", message=detail),
                _("Check that every {{ has its }} and every {% if %} or {% for %} its {% endif %} or {% endfor %}"),
                None)
    if isinstance(exc, LookupError):
        return (_("the template asks for {message}, which is not there", message=detail),
                _("Correct the tag in {editor}; docs/templates.md lists what each list and table holds", editor=editor),
                None)
    return (_("the template could not be rendered: {message}", message=detail),
            _("Correct the tag in {editor} and run again", editor=editor), None)


def _detail(exc: Exception) -> Message | str:
    """The exception's own text: a message of ours as it is, anything else as the library wrote it."""
    for candidate in (getattr(exc, "message", None), *exc.args[:1]):
        if isinstance(candidate, Message):
            return candidate
    return getattr(exc, "message", None) or str(exc)
