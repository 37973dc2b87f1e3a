"""One build at a time, run beside the server, with its progress for the page to poll.

The build is the library's build (the one `hso-xl build` runs) in a thread; its progress callback
records each document as it is rendered. A second press of Bygg while one runs is refused with a
sentence; a build from the command line at the same time waits on the output folder's lock as two
command-line builds do, and the page says it is waiting.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import HsoError
from ..i18n import _, language, speaking


@dataclass
class Run:
    workbook: Path
    by: str | None
    started: dt.datetime = field(default_factory=dt.datetime.now)
    stage: str = ""  # what it does now, in words
    done: int = 0
    total: int = 0
    rendered: list[str] = field(default_factory=list)  # each document as it was rendered, in order
    finished: bool = False
    error: str | None = None  # the paragraph, when it stopped
    result: object = None  # build.BuildResult

    def to_json(self) -> dict:
        return {"stage": self.stage, "done": self.done, "total": self.total, "rendered": self.rendered,
                "finished": self.finished, "error": self.error, "ok": self.finished and self.error is None,
                "workbook": self.workbook.name, "started": self.started.strftime("%H:%M:%S")}


class Runner:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.current: Run | None = None
        self.last: Run | None = None  # the last finished run
        self._thread: threading.Thread | None = None

    @property
    def busy(self) -> bool:
        return self.current is not None and not self.current.finished

    def start(self, workbook: Path, settings, pdf: bool = False, by: str | None = None,
              prepared: tuple | None = None) -> Run | str:
        """Start a build of `workbook`; return its Run, or the sentence saying why not (one already runs)."""
        with self._lock:
            if self.busy:
                running = self.current
                return str(_("A build is already running (of {workbook}, started {time}). Wait until it has "
                             "finished, then build again.", workbook=running.workbook.name,
                             time=running.started.strftime("%H:%M")))
            run = self.current = Run(workbook, by, stage=str(_("Checking the workbook ...")))
        lang = language()
        self._thread = threading.Thread(target=self._build, args=(run, settings, pdf, lang, prepared), daemon=True,
                                        name="hso-xl build")
        self._thread.start()
        return run

    def _build(self, run: Run, settings, pdf: bool, lang: str, prepared: tuple | None) -> None:
        from ..build import build

        def progress(done: int, total: int, label: str) -> None:
            if not total:  # a sentence, such as waiting for another build
                run.stage = label
                return
            run.done, run.total = done, total
            if done > len(run.rendered):
                run.rendered.append(label)
            run.stage = str(_("Rendering {done} of {total}: {label}", done=done, total=total, label=label))

        with speaking(lang):
            try:
                run.result = build(run.workbook, settings.output, settings.templates, (), pdf, progress, settings,
                                   prepared)
                run.done = run.total
                run.stage = str(_("Done."))
            except HsoError as exc:
                run.error = exc.paragraph()
            except Exception as exc:  # a bug: said as the command line says it, the server keeps running
                run.error = str(_("unexpected problem ({kind}: {details})", kind=type(exc).__name__, details=exc))
            finally:
                run.finished = True
                self.last = run

    def wait(self, timeout: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout)
