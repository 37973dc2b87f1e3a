"""LibreOffice headless, started the one safe way: a private profile, macros off, nothing fetched, a time limit.

Every file handed to LibreOffice is treated as hostile: the throw-away profile turns macro
execution off and never updates links to other files or the web when a document is loaded.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

TIMEOUT_SECONDS = 600

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


def program() -> str | None:
    """Return the LibreOffice program on PATH, or None."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return None


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
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "HOME": str(profile)})
    return proc.stderr or proc.stdout
