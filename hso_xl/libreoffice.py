"""LibreOffice headless, started the one safe way: a private profile, macros off, nothing fetched, a time limit.

Every file handed to LibreOffice is treated as hostile: the throw-away profile turns macro
execution off and never updates links to other files or the web when a document is loaded.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from .errors import SettingsError
from .i18n import _

TIMEOUT_SECONDS = 600
# Where the installers put it when it is not on PATH (it is not, on Windows and macOS).
WINDOWS_PLACE = Path("LibreOffice", "program", "soffice.exe")  # under each Program Files folder
WINDOWS_PROGRAM_FILES = ("PROGRAMFILES", "PROGRAMW6432", "PROGRAMFILES(X86)")
MACOS_PLACE = Path("Applications", "LibreOffice.app", "Contents", "MacOS", "soffice")  # under / or the home folder

_named: tuple[Path, Path | None] | None = None  # hso.toml's `libreoffice` and that file (settings.libreoffice)

SAFE_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
           xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Content/Update"><prop oor:name="Link" oor:op="fuse"><value>2</value></prop></item>
<item oor:path="/org.openoffice.Office.Writer/Content/Update"><prop oor:name="Link" oor:op="fuse"><value>2</value></prop></item>
{extra}
</oor:items>
"""


def use(settings) -> None:
    """Take LibreOffice from where hso.toml names it (`libreoffice = …`), when it does."""
    global _named
    _named = (settings.libreoffice, settings.source) if settings.libreoffice is not None else None


def program(platform: str = sys.platform, environ=os.environ) -> str | None:
    """Return the LibreOffice program: the one hso.toml names, else on PATH, else in its usual place; or None."""
    if _named is not None:
        named, settings_file = _named
        if not named.is_file():
            raise SettingsError(_("LibreOffice is not where the settings file says ({path})", path=named),
                                file=settings_file, location="libreoffice",
                                hint=_("Correct the path to soffice (on Windows usually "
                                       "C:\\Program Files\\LibreOffice\\program\\soffice.exe), or remove the "
                                       "setting to use the installed LibreOffice"))
        return str(named)
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return next((str(place) for place in usual_places(platform, environ) if place.is_file()), None)


def usual_places(platform: str = sys.platform, environ=os.environ) -> list[Path]:
    """Where LibreOffice's own installer puts the program on Windows and macOS (none elsewhere: PATH)."""
    if platform == "win32":
        roots = [environ[key] for key in WINDOWS_PROGRAM_FILES if environ.get(key)]
        roots += [r"C:\Program Files", r"C:\Program Files (x86)"]
        return [Path(root) / WINDOWS_PLACE for root in dict.fromkeys(roots)]
    if platform == "darwin":
        return [Path("/") / MACOS_PLACE, Path.home() / MACOS_PLACE]
    return []


def install_hint(platform: str = sys.platform) -> str:
    """How to get LibreOffice on this system, in the administrator's words."""
    if platform in ("win32", "darwin"):
        return _("Install LibreOffice from libreoffice.org, or name its program in hso.toml (libreoffice = '…')")
    return _("Install LibreOffice (Debian: apt-get install libreoffice-writer-nogui libreoffice-calc-nogui), or "
             "name its program in hso.toml (libreoffice = '…')")


def write_profile(folder: Path, extra: str = "") -> Path:
    """Create a private LibreOffice profile in `folder` with the safe settings (plus `extra` items)."""
    user = folder / "user"
    user.mkdir(parents=True, exist_ok=True)
    (user / "registrymodifications.xcu").write_text(SAFE_PROFILE.format(extra=extra), encoding="utf-8")
    return folder


def convert(soffice: str, files: list[Path], target: str, out: Path, profile: Path,
            timeout: float = TIMEOUT_SECONDS) -> str:
    """Convert `files` to `target` ('xlsx', 'pdf:…') into `out` with the profile; return LibreOffice's output.

    Raises subprocess.TimeoutExpired when it takes longer than `timeout`.
    """
    out.mkdir(parents=True, exist_ok=True)
    cmd = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", "--nolockcheck",
           "--convert-to", target, "--outdir", str(out), *map(str, files)]
    # Its messages are read as UTF-8 whatever the system's code page (cp1252 on a Swedish Windows).
    proc = subprocess.run(cmd, capture_output=True, encoding="utf-8", errors="replace", timeout=timeout,
                          env={**os.environ, "HOME": str(profile)})
    return proc.stderr or proc.stdout
