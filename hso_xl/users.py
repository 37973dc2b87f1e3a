"""Who may use the web page when it listens on more than this computer: names and password hashes in one file.

The file (hso-users.txt in the project folder) holds one line per user, `name:scrypt$n$r$p$salt$hash`;
no password is ever stored. scrypt is in Python's standard library (hashlib), memory-hard, and its
cost travels with each hash, so a stronger setting later still verifies the old lines.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
from pathlib import Path

from .errors import SettingsError
from .i18n import _

FILE_NAME = "hso-users.txt"
_N, _R, _P = 2 ** 14, 8, 1  # 16 MB of memory per guess; about 50 ms here
_NAME = re.compile(r"^[^\s:]{1,64}$")
MIN_PASSWORD = 10


def users_file(project: Path) -> Path:
    return Path(project) / FILE_NAME


def hash_password(password: str) -> str:
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return "$".join(["scrypt", str(_N), str(_R), str(_P), _b64(salt), _b64(digest)])


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        got = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p),
                             dklen=len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, expected)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def read_users(project: Path) -> dict[str, str]:
    """name -> stored hash; {} when there is no file."""
    path = users_file(project)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError):
        raise SettingsError(_("the users file cannot be read"), file=path,
                            hint=_("Remove it and add the users again with hso-xl users add NAME")) from None
    users = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        name, sep, stored = line.partition(":")
        if not sep or not _NAME.match(name):
            raise SettingsError(_("line {n} is not a user (name:hash)", n=number), file=path,
                                hint=_("Remove the line and add the user again with hso-xl users add NAME"))
        users[name] = stored
    return users


def check_name(name: str) -> None:
    if not _NAME.match(name):
        raise SettingsError(_("a user name is 1 to 64 characters without spaces or colons, not {name}",
                              name=repr(name)), hint=_("Choose another name"))


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise SettingsError(_("the password is shorter than {n} characters", n=MIN_PASSWORD),
                            hint=_("Choose a longer password (a few words work well)"))


def set_user(project: Path, name: str, password: str) -> bool:
    """Add `name` or give it a new password; return True if it was new. The file is replaced atomically."""
    check_name(name)
    check_password(password)
    users = read_users(project)
    new = name not in users
    users[name] = hash_password(password)
    _write(project, users)
    return new


def remove_user(project: Path, name: str) -> bool:
    users = read_users(project)
    if users.pop(name, None) is None:
        return False
    _write(project, users)
    return True


def _write(project: Path, users: dict[str, str]) -> None:
    path = users_file(project)
    temporary = path.with_name(f".{path.name}.new")
    text = "# hso-xl serve: users of the web page (hso-xl users add NAME); password hashes, never passwords\n"
    text += "".join(f"{name}:{stored}\n" for name, stored in sorted(users.items()))
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(temporary, path)
