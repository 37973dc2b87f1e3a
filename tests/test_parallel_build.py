"""Many documents are rendered on every core: the same set as one process makes, and errors as clean.

With 40 municipalities a build has 80+ documents, enough for hso_xl.parallel to fork workers (it
keeps small builds in one process). The manifest's document hashes must equal those of a build in
one process, and a template error raised inside a worker must reach the user as one paragraph.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from hso_xl import parallel
from hso_xl.cli import main

from .conftest import ROOT
from .test_large_workbook import bench_workbooks

pytestmark = [pytest.mark.slow]


@pytest.fixture(scope="module")
def forty(tmp_path_factory) -> Path:
    return bench_workbooks().municipality_workbook(40, cache=tmp_path_factory.mktemp("forty"))


def build(workbook: Path, out: Path, templates: Path = ROOT / "templates"):
    return CliRunner().invoke(main, ["build", str(workbook), "--out", str(out), "--templates", str(templates)])


def hashes(out: Path) -> dict[str, str]:
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return {d["path"]: d["sha256"] for d in manifest["documents"]}


def test_workers_make_the_same_documents_as_one_process(forty, tmp_path, monkeypatch):
    assert parallel.worker_count(83) >= 2 or pytest.fail("this machine has one core: the test needs two")
    started = []
    real = parallel.multiprocessing.get_context
    monkeypatch.setattr(parallel.multiprocessing, "get_context", lambda method: started.append(method) or real(method))
    forked = build(forty, tmp_path / "forked")
    assert forked.exit_code == 0, forked.output
    assert started == ["fork"]  # the workers really ran
    monkeypatch.setattr(parallel, "MAX_WORKERS", 1)
    alone = build(forty, tmp_path / "alone")
    assert alone.exit_code == 0, alone.output
    assert len(hashes(tmp_path / "forked")) >= 80
    assert hashes(tmp_path / "forked") == hashes(tmp_path / "alone")


def test_a_template_error_in_a_worker_is_one_clean_paragraph(forty, tmp_path):
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    from .test_build import make_template

    make_template(templates, "kommun", "Trasig.docx", "{{ kommun.namn }} {{ kommun.finns_inte }}")
    result = build(forty, tmp_path / "out", templates)
    assert result.exit_code == 2
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and "Trasig.docx" in errors[0] and "finns_inte" in errors[0], result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def _killed_on_the_third(item: int) -> int:
    import os
    import signal

    if item == 3:
        os.kill(os.getpid(), signal.SIGKILL)  # as the out-of-memory killer would
    return item * 2


def test_a_worker_killed_from_outside_stops_the_command_with_a_paragraph_not_a_hang():
    from hso_xl.errors import WorkerStopped
    from hso_xl.i18n import speaking

    assert parallel.map_ordered(lambda i: i * 2, list(range(40)), workers=2) == [i * 2 for i in range(40)]
    with pytest.raises(WorkerStopped) as stopped:
        parallel.map_ordered(_killed_on_the_third, list(range(40)), workers=2)
    with speaking("en"):
        assert str(stopped.value.message).startswith("a worker process stopped before its work was done")
