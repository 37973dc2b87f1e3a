"""Text on a Windows console or in a redirected file: UTF-8, so å, ä, ö, – and « » never stop a command.

Python writes to a Windows console in Unicode already, but output redirected to a file or a pipe
(`hso-xl check > rapport.txt`, a scheduled task) is encoded in the ANSI code page (cp1252), and
the legacy console mode in the OEM one (cp850): a character they lack is a UnicodeEncodeError in
the middle of a report. Elsewhere a terminal that is not UTF-8 is left as it is, but a character
it cannot show becomes '?' instead of stopping the command.
"""

from __future__ import annotations

import codecs
import sys


def use_utf8(streams=None, platform: str = sys.platform) -> None:
    """Make `streams` (stdout and stderr) write UTF-8 on Windows; elsewhere, never fail on a character."""
    for stream in streams if streams is not None else (sys.stdout, sys.stderr):
        if platform == "win32":
            _windows_console(stream)
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is None or _is_utf8(getattr(stream, "encoding", None)):
            continue
        stream.flush()
        if platform == "win32":
            reconfigure(encoding="utf-8", errors="replace")
        else:
            reconfigure(errors="replace")


def _is_utf8(encoding: str | None) -> bool:
    try:
        return codecs.lookup(encoding or "ascii").name == "utf-8"
    except LookupError:
        return False


def _windows_console(stream) -> None:
    """A legacy console shows UTF-8 bytes right only with code page 65001, and the progress bar's \\033[K only
    with virtual terminal processing on (Windows Terminal has it; the older console window does not)."""
    try:
        if not stream.isatty():
            return
        import ctypes

        kernel32 = ctypes.windll.kernel32
        kernel32.SetConsoleOutputCP(65001)
        handle = kernel32.GetStdHandle(-11 if stream is sys.stdout else -12)
        mode = ctypes.c_uint32()
        if kernel32.GetConsoleMode(handle, ctypes.byref(mode)):
            kernel32.SetConsoleMode(handle, mode.value | 0x0004)  # ENABLE_VIRTUAL_TERMINAL_PROCESSING: \033[K
    except (AttributeError, OSError, ValueError):  # not a real console, or not Windows after all
        pass
