"""The errors hso_xl raises. Each one knows where the problem is and what to do about it.

The core raises these; only the command line (`cli/`) turns them into exit codes and printed text.
"""

from __future__ import annotations

from pathlib import Path

from .i18n import SOURCE, Message, _, speaking

# Exit codes, for scripts: all is well; the check found errors; the input cannot be used; stopped with Ctrl-C.
EXIT_OK, EXIT_FINDINGS, EXIT_UNUSABLE, EXIT_INTERRUPTED = 0, 1, 2, 130


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


class EnvironmentProblem(HsoError):
    """The computer stopped the command: disk full, read-only, no permission, a file gone, memory short."""


def environment_problem(exc: BaseException) -> HsoError | None:
    """Return the administrator's paragraph for an error of the computer rather than of hso-xl, or None.

    A full disk or a file deleted mid-build is not a bug: it is said as what it is, with what to do.
    """
    import errno

    if isinstance(exc, MemoryError):
        return EnvironmentProblem(_("the computer ran out of memory, so the command stopped and nothing was written"),
                                  hint=_("Close other programs and run it again; if it stops again, the workbook or a "
                                         "template is too large to handle here"))
    if not isinstance(exc, OSError):
        return None
    path = exc.filename if isinstance(exc.filename, (str, Path)) else None
    code = exc.errno
    known = {
        errno.ENOSPC: (_("the disk is full, so the command stopped and nothing was written"),
                       _("Free some space on the disk (or choose a folder on another disk with -o) and run it again; "
                         "the previous documents are in place")),
        errno.EROFS: (_("the folder is on a disk that can only be read, so nothing was written"),
                      _("Choose a folder you can write to (with -o for the documents) and run it again")),
        errno.EACCES: (_("permission denied: this user may not read or write it, so nothing was written"),
                       _("Check the folder's permissions, or close the program that has the file open, and run it "
                         "again")),
        errno.ENOENT: (_("the file or folder is gone: it was moved or deleted while the command ran, so nothing was "
                         "written"), _("Put it back (or name the file where it is now) and run the command again")),
        errno.ENAMETOOLONG: (_("the path is too long for the system, so nothing was written"),
                             _("Use a folder nearer the top of the disk, or shorter file names")),
        errno.EMFILE: (_("the system allows no more open files for the command, so it stopped"),
                       _("Close other programs and run it again")),
        errno.EIO: (_("the disk reported a read or write error, so the command stopped and nothing was written"),
                    _("Check the disk or network drive, then run it again")),
    }
    for alias, same in ((getattr(errno, "EDQUOT", None), errno.ENOSPC), (errno.EPERM, errno.EACCES),
                        (getattr(errno, "ENFILE", None), errno.EMFILE), (getattr(errno, "ESTALE", None), errno.EIO),
                        (getattr(errno, "ENOTCONN", None), errno.EIO), (getattr(errno, "EBUSY", None), errno.EACCES)):
        if alias is not None and alias not in known:
            known[alias] = known[same]
    if code in known:
        message, hint = known[code]
    else:  # whatever else the system says, it is the system's word, not a bug of hso-xl
        message = _("the system stopped the command ({reason}), so nothing was written",
                    reason=exc.strerror or type(exc).__name__)
        hint = _("Check the disk, the folder and its permissions, then run it again")
    return EnvironmentProblem(message, file=path, hint=hint)
