"""hso-xl recalc: a copy of a workbook with the recomputed values cached, and a report on every formula."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import EXIT_UNUSABLE
from ..i18n import _
from .common import emit_json, friendly_errors, main
from .speak import FILE, WORKBOOK, PathType, argument, option


@main.command(help=_('Write a copy of WORKBOOK whose cached values are the recomputed ones, and report on every '
                     'formula.\n\n'
                     'Formulas, styles and every other part of the file are kept as they were. Each formula cell is '
                     'reported as agreeing with its cached value, differing from it, not computed (with why: an '
                     'unsupported function, a circular reference, a cell it reads) or without a cached value. Cells '
                     'that could not be computed keep the value the file cached. Exit 0: every formula computed; 1: '
                     'some could not be computed, or give an error value; 2: the workbook cannot be read, or --strict '
                     'and a formula could not be computed (then nothing is written).'))
@argument("workbook", type=PathType(path_type=Path), metavar=WORKBOOK)
@option("-o", "--output", "out", required=True, type=PathType(path_type=Path, dir_okay=False), metavar=FILE,
              help=_("Where to write the recomputed copy (never the input itself)."))
@option("--json", "as_json", is_flag=True, help=_("Print the report as one JSON object (see README)."))
@option("--strict", is_flag=True, help=_("Write nothing when any formula cannot be computed (exit 2)."))
def recalc(workbook: Path, out: Path, as_json: bool, strict: bool) -> None:
    with friendly_errors(as_json):
        from ..errors import EXIT_FINDINGS, EXIT_OK
        from ..recalc_report import recalc_json, recalc_text
        from ..workbook.recalc import collector_paused, recompute_file
        from ..workbook.write import write_recomputed

        with collector_paused():
            recomputed = recompute_file(workbook)
            book, engine, verification = recomputed.workbook, recomputed.engine, recomputed.verification
            refused = strict and not verification.computable
            if not refused:
                write_recomputed(book, out, keep=set(verification.problems))
        written = None if refused else out
        if refused:
            code = EXIT_UNUSABLE
        else:
            code = EXIT_FINDINGS if verification.problems or verification.error_values else EXIT_OK
        if as_json:
            emit_json(lambda: recalc_json(workbook, written, engine, verification, code))
        else:
            click.echo(recalc_text(workbook, written, engine, verification))
        sys.exit(code)
