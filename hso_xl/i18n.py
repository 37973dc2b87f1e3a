"""Messages in the administrator's language: Swedish by default, English on request.

Every text a user reads is written in the code as English, `_("the file is empty ({size} bytes)",
size=0)`, and translated when it is shown, from `hso_xl/locale/sv/*.po` (a translator edits those
files; the program reads them as they are, nothing is compiled: `catalog` keeps what it read in the cache folder,
and reads a file again when it changes). `_` returns a `Message`, which keeps
the English text and its values, so the same finding can be shown in Swedish on the screen and in
English in `--json` (machine-readable output does not change with the language).

The language: `--lang sv|en`, else `language = "…"` in hso.toml, else the environment (LANGUAGE,
LC_ALL, LC_MESSAGES, LANG): English when it starts with `en`, otherwise Swedish.
"""

from __future__ import annotations

import marshal
import os
import re
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path

LANGUAGES = ("sv", "en")
DEFAULT = "sv"
SOURCE = "en"  # the language the code is written in
_CATALOGS = Path(__file__).with_name("locale")
_current: ContextVar[str] = ContextVar("hso_xl_language", default=DEFAULT)


def language() -> str:
    """The language messages are shown in now."""
    return _current.get()


def set_language(lang: str) -> None:
    _current.set(lang if lang in LANGUAGES else DEFAULT)


@contextmanager
def speaking(lang: str):
    """Show messages in `lang` inside the block (`--json` speaks English whatever --lang says)."""
    token = _current.set(lang if lang in LANGUAGES else DEFAULT)
    try:
        yield
    finally:
        _current.reset(token)


def from_environment(environ=os.environ) -> str | None:
    """The language the environment asks for: 'en' for an English locale, 'sv' for any other, None when unset."""
    for key in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(key, "")
        if value and value not in ("C", "POSIX", "C.UTF-8"):
            return "en" if value.lower().startswith("en") else "sv"
    return None


class Message:
    """A text to show: English in the code, translated when it is turned into a string."""

    __slots__ = ("text", "plural", "count", "values")

    def __init__(self, text: str, values: dict, plural: str | None = None, count: int | None = None) -> None:
        self.text = text
        self.plural = plural
        self.count = count
        self.values = values

    def render(self, lang: str | None = None) -> str:
        lang = lang or language()
        template = translate(self.text, self.plural, self.count, lang)
        values = {k: (v.render(lang) if isinstance(v, Message) else v) for k, v in self.values.items()}
        return template.format(**values) if values else template

    def __str__(self) -> str:
        return self.render()

    def __repr__(self) -> str:
        return f"Message({self.render(SOURCE)!r})"

    def __eq__(self, other) -> bool:
        return str(self) == str(other)

    def __hash__(self) -> int:
        return hash(self.render(SOURCE))

    def __add__(self, other) -> str:
        return str(self) + str(other)

    def __radd__(self, other) -> str:
        return str(other) + str(self)

    def __len__(self) -> int:
        return len(str(self))

    def __contains__(self, part) -> bool:
        return str(part) in str(self)

    def __getattr__(self, name):  # str's methods (rstrip, split, startswith …) on the shown text
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(str(self), name)

    def __reduce__(self):  # a worker process raises it, the main process shows it
        return Message, (self.text, self.values, self.plural, self.count)


def _(text: str, /, **values) -> Message:
    """Return a message written in English with `{name}` placeholders, shown in the user's language."""
    return Message(text, values)


def n_(singular: str, plural: str, count: int, /, **values) -> Message:
    """The same for a count: `n_("{n} error", "{n} errors", n, n=n)` gives '1 fel', '2 fel' in Swedish."""
    return Message(singular, {"n": count, **values}, plural, count)


def translate(text: str, plural: str | None, count: int | None, lang: str) -> str:
    if plural is not None and count is not None:
        index = _plural_index(count, lang)
        if lang == SOURCE:
            return text if index == 0 else plural
        forms = catalog(lang).get((text, plural))
        return forms[index] if forms else (text if index == 0 else plural)
    if lang == SOURCE:
        return text
    return catalog(lang).get(text) or text


def _plural_index(count: int, lang: str) -> int:
    return 0 if count == 1 else 1  # Swedish and English: one form for 1, another for the rest


@lru_cache(maxsize=None)
def catalog(lang: str) -> dict:
    """Return msgid -> msgstr (and (msgid, msgid_plural) -> [forms]) of every `locale/<lang>/*.po`.

    Parsing them cost every command a few milliseconds, so the result is kept in hso-xl's cache folder under the
    files' names, sizes and modification times and this module's own (as Python keeps compiled modules): an
    edited catalog is read again."""
    paths = sorted((_CATALOGS / lang).glob("*.po"))
    stamp = repr([(path.name, (st := path.stat()).st_size, st.st_mtime_ns) for path in [Path(__file__), *paths]])
    kept = _kept_catalog(lang)
    if kept is not None:
        try:
            key, entries = marshal.loads(kept.read_bytes())
            if key == stamp and isinstance(entries, dict):
                return entries
        except (OSError, ValueError, EOFError, TypeError):
            pass  # not kept yet, or unreadable: read the catalogs
    entries: dict = {}
    for path in paths:
        entries.update(read_po(path.read_text(encoding="utf-8")))
    if kept is not None:
        from .cache_folder import keep

        keep(kept, marshal.dumps((stamp, entries)), limit=len(LANGUAGES))
    return entries


def _kept_catalog(lang: str) -> Path | None:
    from .cache_folder import cache_root

    root = cache_root()
    return None if root is None else root / "catalogs" / f"{lang}.marshal"


def read_po(text: str) -> dict:
    """Parse a gettext .po file (msgid, msgid_plural, msgstr, msgstr[n], continuation lines, comments)."""
    entries: dict = {}
    current: dict[str, object] = {}
    field: str | None = None

    def flush() -> None:
        if "msgid" not in current:
            return
        msgid = current["msgid"]
        if "msgid_plural" in current:
            forms = [current.get(f"msgstr[{i}]", "") for i in range(2)]
            if msgid and all(forms):
                entries[(msgid, current["msgid_plural"])] = forms
        elif msgid and current.get("msgstr"):
            entries[msgid] = current["msgstr"]

    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            if not line and current:
                flush()
                current, field = {}, None
            continue
        if line.startswith('"'):
            if field is not None:
                current[field] = current.get(field, "") + po_string(line)
            continue
        keyword, _, rest = line.partition(" ")
        if keyword == "msgid" and "msgid" in current:
            flush()
            current = {}
        field = keyword
        current[field] = po_string(rest)
    flush()
    return entries


_PO_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
_PO_ESCAPE = re.compile(r'\\(.)')


def po_string(quoted: str) -> str:
    """The text of a quoted .po string ("a \\"b\\"\\n"); what ast.literal_eval gives, without compiling it
    (reading the catalogs that way took a tenth of a second at every start)."""
    quoted = quoted.strip()
    inner = quoted[1:-1]
    if len(quoted) < 2 or quoted[0] != '"' or quoted[-1] != '"' or '"' in inner.replace('\\\\', "").replace('\\"', ""):
        return _as_python_reads(quoted)
    if "\\" not in inner:
        return inner
    if any(m.group(1) not in _PO_ESCAPES for m in _PO_ESCAPE.finditer(inner)):
        return _as_python_reads(quoted)  # another escape (\\u00e5)
    return _PO_ESCAPE.sub(lambda m: _PO_ESCAPES[m.group(1)], inner)


def _as_python_reads(quoted: str) -> str:
    import ast  # (rarely: imported only then)

    return ast.literal_eval(quoted)
