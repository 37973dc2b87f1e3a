"""Record which figures a template actually printed, so the manifest can name their workbook cells."""

from __future__ import annotations


class Recorder:
    def __init__(self) -> None:
        self.cells: set[str] = set()

    def wrap(self, value):
        """Return `value` with every dict inside it reporting its `celler` when a key is read."""
        if isinstance(value, dict):
            return TrackedDict({k: self.wrap(v) for k, v in value.items()}, self)
        if isinstance(value, list):
            return [self.wrap(v) for v in value]
        return value


class TrackedDict(dict):
    __slots__ = ("_recorder",)

    def __init__(self, data: dict, recorder: Recorder) -> None:
        super().__init__(data)
        self._recorder = recorder

    def __getitem__(self, key):
        value = super().__getitem__(key)
        if key != "celler":
            self._recorder.cells.update(super().get("celler") or ())
        return value
