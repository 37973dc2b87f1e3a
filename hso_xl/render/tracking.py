"""Record which figures a template actually printed, so the manifest can name their workbook cells.

Wrapping is lazy: a dict or list is wrapped only when a template reaches it. A context holds every
municipality and financier, and a document reads a small part of it, so wrapping it all up front
would cost more than rendering (290 municipalities: ~10 million wrappers per build).
"""

from __future__ import annotations


class Recorder:
    def __init__(self) -> None:
        self.cells: set[str] = set()

    def wrap(self, value):
        """Return `value` so that reading a key of any dict inside it reports that dict's `celler`."""
        if type(value) is dict or (isinstance(value, dict) and not isinstance(value, TrackedDict)):
            return TrackedDict(value, self)
        if type(value) is list:
            return TrackedList(value, self)
        return value


class TrackedDict(dict):
    __slots__ = ("_recorder", "_origin")

    def __init__(self, data: dict, recorder: Recorder) -> None:
        super().__init__(data)
        self._recorder = recorder
        self._origin = data

    def _missing_key(self, key):
        """What the wrapped dict says about a key it does not have (a data-workbook record names its
        sheet and columns, render/report_context.py), or None."""
        hook = getattr(self._origin, "_missing_key", None)
        return hook(key) if hook is not None else None

    def __getitem__(self, key):
        value = super().__getitem__(key)
        if key != "celler":
            self._recorder.cells.update(super().get("celler") or ())
            per_key = super().get("celler_per_falt")
            if per_key:
                self._recorder.cells.update(per_key.get(key, ()))
        wrapped = self._recorder.wrap(value)
        if wrapped is not value:  # this dict is the recorder's own copy: wrap each child once
            super().__setitem__(key, wrapped)
        return wrapped

    def get(self, key, default=None):
        return self._recorder.wrap(super().get(key, default))

    def values(self):
        return [self._recorder.wrap(v) for v in super().values()]

    def items(self):
        return [(k, self._recorder.wrap(v)) for k, v in super().items()]

    def __iter__(self):
        # Defined so that copies (Jinja's dict(context), {**context}) read through __getitem__ and keep
        # the values wrapped: CPython copies a dict subclass without its own __iter__ behind its back.
        return super().__iter__()


class TrackedList(list):
    __slots__ = ("_recorder",)

    def __init__(self, data: list, recorder: Recorder) -> None:
        super().__init__(data)
        self._recorder = recorder

    def __getitem__(self, index):
        if isinstance(index, slice):
            return TrackedList(super().__getitem__(index), self._recorder)
        value = super().__getitem__(index)
        wrapped = self._recorder.wrap(value)
        if wrapped is not value:
            super().__setitem__(index, wrapped)
        return wrapped

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]
