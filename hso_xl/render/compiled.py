"""Jinja templates compiled before, kept on disk as Python code: a rebuild of unchanged templates compiles nothing.

Compiling a Word template's body (its XML with the tags) into Python is a good part of its first
document's time, and every build, and every worker process of a build, compiled each template
again. The code depends only on the template's text, the environment it is compiled for
(render/environment.py: its settings, filters and tests), hso-xl's code, Jinja and Python, so it is kept
under a key of all of them. A template that does not compile is never kept (the error is said as before); a cache
that cannot be read or written only costs the compiling. The folder is chart_cache's (HSO_XL_CACHE).
"""

from __future__ import annotations

import hashlib
import marshal
import sys
from functools import lru_cache
from types import CodeType
from typing import Callable

from ..cache_folder import cache_root, keep

CACHE_VERSION = b"1"
MAX_TEMPLATES = 500  # template parts (a Word template has a body, headers and footers); ~100 KB each
_SETTINGS = ("block_start_string", "block_end_string", "variable_start_string", "variable_end_string",
             "comment_start_string", "comment_end_string", "line_statement_prefix", "line_comment_prefix",
             "trim_blocks", "lstrip_blocks", "newline_sequence", "keep_trailing_newline", "optimized", "is_async",
             "intercepted_binops", "intercepted_unops")


def kept_or_compiled(env, source: str, compile_source: Callable[[str], CodeType]) -> CodeType:
    """The code of `source` compiled for `env`, as kept from an earlier compiling, else `compile_source(source)`."""
    root = cache_root()
    if root is None:
        return compile_source(source)
    digest = hashlib.sha256(_code_version() + _environment(env) + source.encode("utf-8", "surrogatepass"))
    path = root / "jinja" / f"{digest.hexdigest()}.code"
    try:
        code = marshal.loads(path.read_bytes())
        if isinstance(code, CodeType):
            return code
    except (OSError, ValueError, EOFError, TypeError):
        pass
    code = compile_source(source)
    keep(path, marshal.dumps(code), MAX_TEMPLATES)
    return code


def _environment(env) -> bytes:
    """What of the environment decides the compiled code: its class, settings, filters and tests."""
    autoescape = env.autoescape if isinstance(env.autoescape, bool) else f"callable {env.autoescape!r}"
    described = (type(env).__module__, type(env).__qualname__, autoescape, env.finalize is not None,
                 [(name, repr(getattr(env, name, None))) for name in _SETTINGS],
                 sorted(env.extensions), sorted(env.filters), sorted(env.tests))
    return repr(described).encode("utf-8")


@lru_cache(maxsize=1)
def _code_version() -> bytes:
    """Python's version, Jinja's and every module of hso-xl (render/inspected.code_key): Jinja calls a filter on
    constants while compiling ({{ 1234|kr }} is kept as its text), so a changed filter compiles anew."""
    from .inspected import code_key

    return CACHE_VERSION + sys.version.encode() + code_key().encode()
