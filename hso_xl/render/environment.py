"""The Jinja environment every template renders in: sandboxed, strict, with the Swedish filters.

Sandboxed so a template cannot reach Python internals (`__class__`, `__globals__`); strict so a
misspelt variable stops the build instead of printing nothing; with a loader that finds nothing,
so `{% include %}` or `{% import %}` cannot read a file.
"""

from __future__ import annotations

from jinja2 import FunctionLoader, StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment

from .filters import FILTERS


def make_environment() -> ImmutableSandboxedEnvironment:
    env = ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True,
                                        loader=FunctionLoader(lambda name: None))
    env.filters.update(FILTERS)
    return env
