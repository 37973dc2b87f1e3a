"""The errors hso_xl raises. Each one knows where the problem is and what to do about it.

The core raises these; only the command line (`cli/`) turns them into exit codes and printed text.
"""

from __future__ import annotations

from pathlib import Path

from .i18n import SOURCE, Message, speaking

# Exit codes, for scripts: all is well; the check found errors; the input cannot be used.
EXIT_OK, EXIT_FINDINGS, EXIT_UNUSABLE = 0, 1, 2


class HsoError(Exception):
    """Base class: a problem the user can fix, with its location and a hint."""

    exit_code = EXIT_UNUSABLE

    def __init__(
        self,
        message: Message | str,
        *,
        file: Path | str | None = None,
        location: str | None = None,
        hint: Message | str | None = None,
    ) -> None:
        super().__init__(str(message))
        self.message = message
        self.file = Path(file) if file is not None else None
        self.location = location
        self.hint = hint

    def __str__(self) -> str:
        return self.paragraph()

    def __reduce__(self):
        # Pickled with everything it knows (a worker process raises it, the main process reports it);
        # the default would call cls(message) and lose file, location and hint.
        return _restore, (type(self), self.message), self.__dict__

    def paragraph(self) -> str:
        """Return the one-paragraph text shown to the user: where, what, and what to do."""
        where = []
        if self.file is not None:
            where.append(str(self.file))
        if self.location:
            where.append(str(self.location))
        text = str(self.message).rstrip(".") + "."
        if where:
            text = f"{': '.join(where)}: {text}"
        if self.hint:
            text += " " + str(self.hint).rstrip(".") + "."
        return " ".join(text.split())  # one paragraph, one line, whatever a library put in the message

    def to_json(self) -> dict:
        """The error as JSON keeps it: in English, whatever language the screen speaks."""
        with speaking(SOURCE):
            message = str(self.message)
            hint = str(self.hint) if self.hint is not None else None
            location = str(self.location) if self.location is not None else None
        return {
            "error": type(self).__name__,
            "message": message,
            "file": str(self.file) if self.file else None,
            "location": location,
            "hint": hint,
        }


class WorkbookUnusable(HsoError):
    """The file cannot be read as a workbook at all (not a zip, encrypted, a bomb, ...)."""


class FormulaProblem(HsoError):
    """A formula cannot be computed (error value, circular reference, unsupported function)."""


class ContractError(HsoError):
    """The workbook does not hold what docs/workbook.md requires (a sheet, a label, an amount)."""


class NoWorkbookFound(HsoError):
    """No workbook was given and none lies in the input folder."""


class TemplateProblem(HsoError):
    """A template cannot be rendered: unknown variable, Jinja syntax error, forbidden operation."""


class OutputProblem(HsoError):
    """The documents cannot be written (folder not writable, another build running, converter failed)."""


class SettingsError(HsoError):
    """hso.toml cannot be read or holds an unknown key or a wrong type."""


class UnknownReference(HsoError):
    """`explain` was given something that is neither a cell, a defined name nor a figure."""


class WorkerStopped(HsoError):
    """A process working for the command was stopped from outside (parallel.py)."""


class BuildStopped(HsoError):
    """The check found errors (or warnings, with strict = true), so no document was produced."""

    exit_code = EXIT_FINDINGS


def _restore(cls: type[HsoError], message: str) -> HsoError:
    error = cls.__new__(cls)
    Exception.__init__(error, message)
    return error


class ProjectProblem(HsoError):
    """A project folder cannot be made (hso-xl init) or is not there (--project)."""
