"""A Word template opened once per process and rendered into many documents.

docxtpl opens the template anew for every document (parsing its ~800 KB of styles each time),
cleans up the tags anew, and python-docx serializes and deflates every part on saving. Here the
template is opened once; before each render, what docxtpl's render changes is put back as it was
(the document element, header and footer relationships, core properties, footnotes, and the
relationships and image parts a chart, picture or hyperlink added), and
the parts no render touches are serialized once. tests/test_reusable_docx.py checks that every
document equals what a freshly opened DocxTemplate gives, in any order and after a failed render.
"""

from __future__ import annotations

import copy
import hashlib
import io
from collections import OrderedDict
from pathlib import Path

from docxtpl import DocxTemplate

from ..package import write_package

FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
_LISTING = ("\t", "\n", "\a", "\f")
_OPEN_LIMIT = 16  # templates kept open per process; `watch` meets edited versions of the same file

_open: OrderedDict[tuple, "ReusableTemplate"] = OrderedDict()


def reusable_template(path: Path) -> "ReusableTemplate":
    """Return the opened template for `path`, opened again whenever the file's content changed."""
    data = Path(path).read_bytes()
    key = (str(path), hashlib.sha1(data).digest())
    template = _open.get(key)
    if template is None:
        template = _open[key] = ReusableTemplate(io.BytesIO(data))
        while len(_open) > _OPEN_LIMIT:
            _open.popitem(last=False)
    _open.move_to_end(key)
    return template


def forget_templates() -> None:
    """Close every opened template (one that failed half-way through opening is not reused)."""
    _open.clear()


class ReusableTemplate(DocxTemplate):
    def __init__(self, template_file) -> None:
        super().__init__(template_file)
        self._used = False
        self._patched: dict[str, str] = {}

    # --- docxtpl's hooks ------------------------------------------------------------------------

    def init_docx(self, reload: bool = True) -> None:
        if self.docx is None:
            super().init_docx()
            self._remember()
        elif self._used:
            self._restore()
        self._used = True  # set before rendering, so that a render that fails is undone as well
        self.is_rendered = False

    def get_xml(self) -> str:
        return self._body  # the template's body: the document's body is replaced on every render

    def patch_xml(self, src_xml: str) -> str:
        patched = self._patched.get(src_xml)
        if patched is None:
            patched = self._patched[src_xml] = super().patch_xml(src_xml)
        return patched

    def resolve_listing(self, xml: str) -> str:
        # docxtpl turns these characters in printed text into tabs, breaks and paragraphs; most
        # documents hold none, and its per-paragraph regular expressions are then the slowest step.
        if not any(ch in xml for ch in _LISTING):
            return xml
        return super().resolve_listing(xml)

    # --- the template as it was -----------------------------------------------------------------

    def _remember(self) -> None:
        document = self.docx
        package = document.part.package
        self._body = super().get_xml()
        self._document = copy.deepcopy(document.part._element)
        self._targets = {key: rel._target for key, rel in document.part.rels.items()}
        self._core_part = package._core_properties_part  # created here if the template has none
        self._core = copy.deepcopy(self._core_part._element)
        self._footnotes = {part: part._blob for part in package.parts if part.content_type == FOOTNOTES}
        # A picture or hyperlink adds a relationship to the part it is in (and a picture an image
        # part to the package): remember every part's relationships and the package's images.
        self._rel_keys = [(part.rels, set(part.rels)) for part in package.iter_parts()] + [
            (package.rels, set(package.rels))]
        self._images = list(package.image_parts)
        changing = {id(document.part), id(self._core_part), *map(id, self._footnotes)}
        self._static_blobs = {id(part): (part, part.blob) for part in package.iter_parts()
                              if id(part) not in changing}

    def _restore(self) -> None:
        # A fresh copy of the document element: lxml slows down with every foreign body moved into
        # the same element (docxtpl's map_tree), ~0.1 s per render after a few hundred.
        part = self.docx.part
        part._element = copy.deepcopy(self._document)
        self.docx = part.document
        for rels, keys in self._rel_keys:
            for key in [k for k in rels if k not in keys]:
                del rels[key]
                rels._target_parts_by_rId.pop(key, None)
        part.package.image_parts._image_parts[:] = self._images
        for key, rel in self.docx.part.rels.items():
            rel._target = self._targets[key]
        self._core_part._element = copy.deepcopy(self._core)
        for part, blob in self._footnotes.items():
            part._blob = blob

    # --- saving ---------------------------------------------------------------------------------

    def package_bytes(self) -> bytes:
        """The rendered document as a deterministic .docx (what python-docx's save writes)."""
        from docx.opc.pkgwriter import PackageWriter

        package = self.docx.part.package
        parts = list(package.iter_parts())
        members = _Members()
        PackageWriter._write_content_types_stream(members, parts)
        PackageWriter._write_pkg_rels(members, package.rels)
        for part in parts:
            members.write(part.partname, self._blob(part))
            if len(part.rels):
                members.write(part.partname.rels_uri, part.rels.xml)
        return write_package(members.items)

    def _blob(self, part) -> bytes:
        found = self._static_blobs.get(id(part))
        return found[1] if found is not None and found[0] is part else part.blob


class _Members:
    """Stands in for python-docx's zip writer: collects (member name, bytes)."""

    def __init__(self) -> None:
        self.items: list[tuple[str, bytes]] = []

    def write(self, uri, blob: bytes) -> None:
        self.items.append((uri.membername, blob))
