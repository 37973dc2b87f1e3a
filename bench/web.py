"""The web page's speed as a person feels it, in the real browser (Debian's Chromium driven by Playwright).

Against `hso-xl serve` in a fresh project folder holding the sample's templates, each round:
- upload: from the click on "Lägg till och kontrollera" with the sample chosen until the check's
  result is on the screen;
- build: from the click on "Bygg" until the first document's progress is on the screen.
Returns the seconds of each round; bench/run.py prints their medians beside its other cases.
"""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "input" / "HSO_finansiering_2027-2029.xlsx"
CHROMIUM = "/usr/bin/chromium"


def measure(rounds: int, log=print) -> dict[str, list[float]]:
    from playwright.sync_api import sync_playwright

    times: dict[str, list[float]] = {"upload": [], "build": []}
    with tempfile.TemporaryDirectory(prefix="hso-bench-web-") as tmp:
        project = Path(tmp)
        (project / "input").mkdir()
        shutil.copytree(ROOT / "templates", project / "templates")
        server = subprocess.Popen([sys.executable, "-m", "hso_xl", "serve", "--no-browser"], cwd=project,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            url = re.search(r"http://[^ ]+/", server.stdout.readline())[0].rstrip("/")
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
                page = browser.new_page()
                page.set_default_timeout(120_000)
                for n in range(1, rounds + 1):
                    copy = project / f"Budget {n}.xlsx"
                    shutil.copy(SAMPLE, copy)
                    page.goto(url + "/")
                    page.set_input_files("#arbetsbok", str(copy))
                    start = time.perf_counter()
                    page.get_by_role("button", name="Lägg till och kontrollera").click()
                    page.wait_for_selector("p.result")
                    times["upload"].append(time.perf_counter() - start)

                    page.goto(url + "/bygg")
                    start = time.perf_counter()
                    page.get_by_role("button", name="Bygg").click()
                    page.wait_for_selector("#renderade li")
                    times["build"].append(time.perf_counter() - start)
                    page.wait_for_selector("#forlopp-del[data-busy='nej']", state="attached", timeout=300_000)
                    log(f"  web round {n}: check shown {times['upload'][-1]:.2f} s after the upload, first "
                        f"document's progress {times['build'][-1]:.2f} s after Bygg")
                browser.close()
        finally:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                server.kill()
    return times


if __name__ == "__main__":
    import statistics

    found = measure(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
    for key, values in found.items():
        print(f"{key}: median {statistics.median(values):.2f} s of {len(values)}")
