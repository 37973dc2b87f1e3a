"""The send register: what each recipient was sent, kept as a registrar keeps it.

One SQLite file in the project folder (the folder holding the output folder):
`.hso/register.sqlite`, outside output/ so that archiving and rebuilding never touch it. It holds

- `blobs`: the exact bytes of every document (and PDF) recorded as sent, by their sha256;
- `snapshots`: each build's snapshot (snapshot.py, as compressed JSON), by its sha256, so the
  reasons a document changed can be told against the build its recipient's version came from;
- `builds`: one row per build (when, the workbook, its snapshot);
- `sent`: one row per recipient and document sent: the reading fingerprint, the bytes, the
  build's snapshot, when, by whom and how. Rows are never changed or deleted (triggers refuse it):
  a correction is a new row, and the newest row is what the recipient has.

The schema is versioned (PRAGMA user_version) and migrated forward when opened. WAL and a busy
timeout let two processes read and write at once; every write is one transaction, so a process
killed mid-write leaves the register as it was before that write.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import json
import sqlite3
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..errors import HsoError, OutputProblem, environment_problem
from ..i18n import _

FOLDER = ".hso"
FILE_NAME = "register.sqlite"
BUSY_TIMEOUT_MS = 30_000

# Each migration takes the schema from version i to i + 1; never edit one that has shipped, add a new one.
MIGRATIONS = [
    """
    CREATE TABLE blobs (sha256 TEXT PRIMARY KEY, data BLOB NOT NULL);
    CREATE TABLE snapshots (sha256 TEXT PRIMARY KEY, data BLOB NOT NULL);
    CREATE TABLE builds (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        workbook TEXT NOT NULL,
        snapshot TEXT NOT NULL REFERENCES snapshots(sha256)
    );
    CREATE TABLE sent (
        id INTEGER PRIMARY KEY,
        recipient TEXT NOT NULL,
        document TEXT NOT NULL,
        reading TEXT NOT NULL,
        content TEXT NOT NULL REFERENCES blobs(sha256),
        pdf TEXT REFERENCES blobs(sha256),
        snapshot TEXT NOT NULL REFERENCES snapshots(sha256),
        at TEXT NOT NULL,
        by TEXT NOT NULL,
        how TEXT NOT NULL
    );
    CREATE INDEX sent_by_document ON sent (recipient, document, id);
    CREATE TRIGGER sent_never_updated BEFORE UPDATE ON sent BEGIN SELECT RAISE(ABORT, 'the register is append-only'); END;
    CREATE TRIGGER sent_never_deleted BEFORE DELETE ON sent BEGIN SELECT RAISE(ABORT, 'the register is append-only'); END;
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)
# SQLite's result codes that are the computer's, not the register's: full, read-only, cannot open, I/O error
_SYSTEM_ERRORS = {13: errno.ENOSPC, 8: errno.EROFS, 14: errno.EACCES, 10: errno.EIO}


def register_path(out: Path) -> Path:
    """Where the register of the project whose output folder is `out` lives."""
    return Path(out).resolve().parent / FOLDER / FILE_NAME


@dataclass(frozen=True)
class SentRow:
    """One recorded sending of a document to a recipient."""

    id: int
    recipient: str
    document: str  # its path in the output folder, 'kommuner/Kramfors kommun – Beslutsunderlag.docx'
    reading: str  # what a reader saw in it (output/reading.py)
    content: str  # sha256 of the bytes sent (in blobs)
    pdf: str | None  # sha256 of the PDF sent with it, if any
    snapshot: str  # sha256 of the snapshot of the build it came from
    at: str  # ISO date and time, local
    by: str
    how: str


@dataclass(frozen=True)
class NewSent:
    """What record() is given for one document: the recipient, the document and what was sent."""

    recipient: str
    document: str
    reading: str
    data: bytes
    snapshot: dict  # the JSON of the build's snapshot
    pdf: bytes | None = None


class Register:
    """An open register; use `open_register(out)` (a context manager)."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self.db = connection
        self.path = path

    # -- writing: each call one transaction ------------------------------------------------------

    def record_build(self, snapshot: dict, workbook: str, at: dt.datetime | None = None) -> str:
        """Keep a build's snapshot (once per content) and a row for the build; return the snapshot's sha256."""
        with self._writing():
            digest = self._put_snapshot(snapshot)
            self.db.execute("INSERT INTO builds (at, workbook, snapshot) VALUES (?, ?, ?)",
                            (_stamp(at), workbook, digest))
        return digest

    def record_sent(self, rows: list[NewSent], by: str, how: str, at: dt.datetime | None = None) -> list[SentRow]:
        """Record documents as sent, all or none: their bytes, their build's snapshot, when, by whom and how."""
        stamp = _stamp(at)
        with self._writing():
            ids = []
            kept: dict[int, str] = {}  # the rows of one build share its snapshot: kept (and hashed) once
            for row in rows:
                content = self._put_blob(row.data)
                pdf = self._put_blob(row.pdf) if row.pdf is not None else None
                if id(row.snapshot) not in kept:
                    kept[id(row.snapshot)] = self._put_snapshot(row.snapshot)
                snapshot = kept[id(row.snapshot)]
                cursor = self.db.execute(
                    "INSERT INTO sent (recipient, document, reading, content, pdf, snapshot, at, by, how) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (row.recipient, row.document, row.reading, content, pdf, snapshot, stamp, by, how))
                ids.append(cursor.lastrowid)
        return [self._row(i) for i in ids]

    # -- reading -----------------------------------------------------------------------------------

    def last_sent(self) -> dict[tuple[str, str], SentRow]:
        """The newest row of every (recipient, document): what each recipient has now."""
        rows = self.db.execute(
            "SELECT * FROM sent WHERE id IN (SELECT MAX(id) FROM sent GROUP BY recipient, document)").fetchall()
        return {(r["recipient"], r["document"]): _sent_row(r) for r in rows}

    def history(self, recipient: str | None = None) -> list[SentRow]:
        """Every row recorded (of one recipient), oldest first."""
        query, args = "SELECT * FROM sent ORDER BY id", ()
        if recipient is not None:
            query, args = "SELECT * FROM sent WHERE recipient = ? ORDER BY id", (recipient,)
        return [_sent_row(r) for r in self.db.execute(query, args)]

    def first_build(self) -> tuple[str, str] | None:
        """(when, snapshot sha256) of the first build the register knows: the round everything started from."""
        row = self.db.execute("SELECT at, snapshot FROM builds ORDER BY id LIMIT 1").fetchone()
        return (row["at"], row["snapshot"]) if row else None

    def last_build(self) -> tuple[str, str] | None:
        """(when, snapshot sha256) of the last build the register knows."""
        row = self.db.execute("SELECT at, snapshot FROM builds ORDER BY id DESC LIMIT 1").fetchone()
        return (row["at"], row["snapshot"]) if row else None

    def snapshot(self, digest: str) -> dict | None:
        row = self.db.execute("SELECT data FROM snapshots WHERE sha256 = ?", (digest,)).fetchone()
        return json.loads(zlib.decompress(row["data"])) if row else None

    def blob(self, digest: str) -> bytes | None:
        row = self.db.execute("SELECT data FROM blobs WHERE sha256 = ?", (digest,)).fetchone()
        return bytes(row["data"]) if row else None

    # -- inside ------------------------------------------------------------------------------------

    @contextmanager
    def _writing(self):
        try:
            self.db.execute("BEGIN IMMEDIATE")  # take the write lock now, waiting up to the busy timeout
        except sqlite3.Error as exc:
            raise _problem(self.path, exc) from None
        try:
            yield
            self.db.execute("COMMIT")
        except BaseException as exc:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise _problem(self.path, exc) from None
            raise

    def _put_blob(self, data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        self.db.execute("INSERT OR IGNORE INTO blobs (sha256, data) VALUES (?, ?)", (digest, data))
        return digest

    def _put_snapshot(self, snapshot: dict) -> str:
        text = json.dumps(snapshot, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
        digest = hashlib.sha256(text).hexdigest()
        self.db.execute("INSERT OR IGNORE INTO snapshots (sha256, data) VALUES (?, ?)", (digest, zlib.compress(text)))
        return digest

    def _row(self, row_id: int) -> SentRow:
        return _sent_row(self.db.execute("SELECT * FROM sent WHERE id = ?", (row_id,)).fetchone())


@contextmanager
def open_register(out: Path, create: bool = True):
    """Open (creating and migrating it if need be) the register of the project whose output folder is `out`.

    With `create` false and no register yet, yields None: nothing has been recorded, a first round.
    """
    path = register_path(out)
    if not create and not path.exists():
        yield None
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    except (OSError, sqlite3.Error) as exc:
        raise _problem(path, exc) from None
    db.row_factory = sqlite3.Row
    try:
        try:
            db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = FULL")
            db.execute("PRAGMA foreign_keys = ON")
            _migrate(db, path)
        except sqlite3.Error as exc:
            raise _problem(path, exc) from None
        yield Register(db, path)
    finally:
        db.close()


def _migrate(db: sqlite3.Connection, path: Path) -> None:
    db.execute("BEGIN IMMEDIATE")
    try:
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise OutputProblem(
                _("the send register was written by a newer hso-xl (schema {found}, this one knows {known})",
                  found=version, known=SCHEMA_VERSION),
                file=path, hint=_("Update hso-xl; the register is kept as it is"))
        for number in range(version, SCHEMA_VERSION):
            for statement in _statements(MIGRATIONS[number]):
                db.execute(statement)
            db.execute(f"PRAGMA user_version = {number + 1}")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _statements(script: str) -> list[str]:
    """The statements of a migration (a trigger's body holds semicolons: kept with its END)."""
    out, current = [], ""
    for line in script.strip().splitlines():
        current += line + "\n"
        if line.rstrip().endswith(";") and sqlite3.complete_statement(current):
            out.append(current.strip())
            current = ""
    return out


def _problem(path: Path, exc: Exception) -> HsoError:
    """The register's trouble in words: the computer's (a full disk, no permission) as such, else a damaged file."""
    if isinstance(exc, OSError):
        found = environment_problem(exc)
        if found is not None:
            return found
    code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF  # the primary code of an extended one
    if code in _SYSTEM_ERRORS:
        number = _SYSTEM_ERRORS[code]
        if number == errno.EIO and _nearly_full(path):  # SQLite says 'disk I/O error' when its -shm file finds no room
            number = errno.ENOSPC
        return environment_problem(OSError(number, str(exc), str(path)))
    return OutputProblem(_("the send register cannot be opened ({reason})", reason=getattr(exc, "strerror", None)
                           or str(exc)), file=path,
                         hint=_("Check that the folder is writable; if the file is damaged, move it aside (hso-xl "
                                "then starts a new register, and treats every document as not yet sent)"))


def _nearly_full(path: Path) -> bool:
    import shutil

    try:
        return shutil.disk_usage(path.parent).free < 1024 * 1024
    except OSError:
        return False


def _stamp(at: dt.datetime | None) -> str:
    return (at or dt.datetime.now()).isoformat(timespec="seconds")


def _sent_row(r: sqlite3.Row) -> SentRow:
    return SentRow(r["id"], r["recipient"], r["document"], r["reading"], r["content"], r["pdf"], r["snapshot"],
                   r["at"], r["by"], r["how"])
