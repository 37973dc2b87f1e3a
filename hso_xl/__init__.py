"""hso_xl: reports from the HSO master financing workbook, with every formula recomputed.

Layers, each importing only those below it: cli -> commands (build, changes, explain, missing,
report, watch) -> output -> render -> model -> workbook -> the base modules. README.md, "How it
works", walks through them in the order the data flows.
"""

__version__ = "0.1.0"


def _openpyxl_without_numpy() -> None:
    """Let openpyxl load without numpy: its compat.numbers imports numpy (~0,3 s) only to accept numpy
    scalars as cell values, which hso_xl never writes. Only that one import is refused, and only while numpy
    is not loaded yet (matplotlib loads it for charts; everything else gets numpy as usual)."""
    import sys

    class Finder:
        @staticmethod
        def find_spec(name, path=None, target=None):
            if name != "numpy":
                return None
            sys.meta_path.remove(Finder)  # numpy's first import decides; later ones are ordinary
            frame = sys._getframe(1)
            for _ in range(12):  # the importing module's frame is a few import-machinery frames up
                if frame is None:
                    return None
                if frame.f_globals.get("__name__") == "openpyxl.compat.numbers":
                    raise ModuleNotFoundError(name="numpy")  # never shown: openpyxl catches it
                frame = frame.f_back
            return None

    if "openpyxl" not in sys.modules:
        sys.meta_path.insert(0, Finder)


_openpyxl_without_numpy()
