"""click in the user's language: its own texts, and help and metavars that are messages shown when asked."""

from __future__ import annotations

import functools
import inspect
from pathlib import Path

import click

from ..i18n import _, language, read_po

# -- click in the user's language ----------------------------------------------------------------
# click writes its own texts (Usage:, Options, "No such option", "Missing argument" …) in English
# through gettext, and turns a parameter's help into a str when the command is defined, before
# --lang is known. Its gettext hooks are pointed at locale/click/<lang>.po (read as it is), and the
# parameters below keep their help and metavar as messages, translated each time they are shown.
_CLICK_CATALOGS = Path(__file__).parent.with_name("locale") / "click"


@functools.lru_cache(maxsize=None)
def _click_catalog(lang: str) -> dict:
    path = _CLICK_CATALOGS / f"{lang}.po"
    return read_po(path.read_text(encoding="utf-8")) if path.exists() else {}


def click_gettext(text: str) -> str:
    return _click_catalog(language()).get(text, text)


def _click_ngettext(singular: str, plural: str, count: int) -> str:
    forms = _click_catalog(language()).get((singular, plural))
    index = 0 if count == 1 else 1
    return forms[index] if forms else (singular, plural)[index]


def speak_to_click() -> None:
    """Point click's own texts at locale/click/<lang>.po, in the language of the moment (once every command
    is defined: see the end of this module)."""
    _point_click_at(click_gettext, _click_ngettext)


def _point_click_at(gettext, ngettext) -> None:
    import click.core
    import click.decorators
    import click.exceptions
    import click.formatting
    import click.parser
    import click.termui
    import click.types

    for module in (click.core, click.decorators, click.exceptions, click.formatting, click.parser, click.termui,
                   click.types):
        if hasattr(module, "_"):
            module._ = gettext
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext


def _english(text: str) -> str:
    return text


def _english_plural(singular: str, plural: str, count: int) -> str:
    return singular if count == 1 else plural


class Option(click.Option):
    """An option whose help and metavar are messages, shown in the language of the moment."""

    def __init__(self, *args, help=None, metavar=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._help_message, self._metavar_message = help, metavar

    def get_help_record(self, ctx):
        if self._help_message is not None:
            self.help = inspect.cleandoc(str(self._help_message))
        return super().get_help_record(ctx)

    def make_metavar(self, ctx) -> str:
        if self._metavar_message is not None:
            return str(self._metavar_message)
        return super().make_metavar(ctx)


class Argument(click.Argument):
    """An argument whose name in usage lines and errors (WORKBOOK, ARBETSBOK) is a message."""

    def __init__(self, *args, metavar=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._metavar_message = metavar

    def make_metavar(self, ctx) -> str:
        if self._metavar_message is None:
            return super().make_metavar(ctx)
        name = str(self._metavar_message)
        return name if self.required else f"[{name}]"


def translated_help_option(command: click.Command, ctx):
    option = click.Command.get_help_option(command, ctx)
    if option is not None and not isinstance(option, Option):
        # click builds -h/--help itself with an English (or import-time) help text: make it a message
        option.__class__ = Option
        option._help_message, option._metavar_message = _("Show this message and exit."), None
    return option


class Command(click.Command):
    def get_help_option(self, ctx):
        return translated_help_option(self, ctx)

    def collect_usage_pieces(self, ctx) -> list[str]:
        return [click_gettext(piece) for piece in super().collect_usage_pieces(ctx)]


class PathType(click.Path):
    """click's Path, naming itself ('file', 'directory') in the language of the moment in its errors."""

    @property
    def name(self) -> str:
        return click_gettext(self._english_name)

    @name.setter
    def name(self, value: str) -> None:
        self._english_name = value


option = functools.partial(click.option, cls=Option)
argument = functools.partial(click.argument, cls=Argument)
WORKBOOK = _("WORKBOOK")
FOLDER = _("FOLDER")
FILE = _("FILE")
NAME = _("NAME")
SECONDS = _("SECONDS")

# While the commands are defined, click's texts stay English (its types' names are translated when shown, by
# PathType and speak_to_click), without the standard gettext looking for catalogs on disk 26 times at every start.
_point_click_at(_english, _english_plural)
