"""The build step setup.cfg cannot say: the sample project folder goes into the wheel as package data.

templates/ and input/ stay at the top of the repository (that is where `make run` and the developer
work); `hso-xl init` copies them from hso_xl/skeleton/, which only exists in a built wheel. Copied at
build time, not committed twice, and not symlinked (a symlink in a Windows checkout is a text file).
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).parent
# The sample workbooks only: anything else a developer put in input/ stays out of the wheel.
SAMPLES = ("input/HSO_finansiering_2027-2029.xlsx", "input/Rapportdata_2025.xlsx")


def skeleton_files():
    """Return (source, path inside hso_xl/skeleton/) for every file a new project folder gets."""
    templates = sorted(p for p in (ROOT / "templates").rglob("*")
                       if p.is_file() and not p.name.startswith(("~$", ".")))
    files = [(p, p.relative_to(ROOT).as_posix()) for p in templates]
    files += [(ROOT / name, name) for name in SAMPLES]
    missing = [str(source) for source, _ in files if not source.is_file()]
    if missing or not templates:
        raise SystemExit(f"hso-xl: the sample project is incomplete, missing: {', '.join(missing) or 'templates/'}")
    return files


class BuildWithSkeleton(build_py):
    def run(self):
        super().run()
        target = Path(self.build_lib) / "hso_xl" / "skeleton"
        for source, name in skeleton_files():
            dest = target / name
            dest.parent.mkdir(parents=True, exist_ok=True)
            self.copy_file(str(source), str(dest))


setup(cmdclass={"build_py": BuildWithSkeleton})
