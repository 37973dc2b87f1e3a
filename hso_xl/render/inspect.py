"""List the variables a template uses (`kommun.totalt`, `budget.kostnader`), without rendering it."""

from __future__ import annotations

import io
from pathlib import Path

from .inspected import kept


def template_source(template: Path) -> str:
    """Return the Jinja source of a template: for .docx as docxtpl sees it (body, headers, footers)."""
    return kept("source", Path(template), _read_source)


def _read_source(template: Path) -> str:
    if Path(template).suffix.lower() == ".xlsx":
        from .xlsx_variables import template_source as xlsx_source

        return xlsx_source(template)
    from docx import Document
    from docx.oxml import parse_xml
    from docxtpl import DocxTemplate

    data = Path(template).read_bytes()  # a template gone meanwhile is an OSError, said as such (errors.py)
    tpl = DocxTemplate(io.BytesIO(data))
    doc = Document(io.BytesIO(data))
    xml = tpl.patch_xml(tpl.xml_to_string(doc._element.body))
    for rel in doc.part.rels.values():
        if rel.reltype in (tpl.HEADER_URI, tpl.FOOTER_URI) and not rel.is_external and rel.target_part.blob:
            xml += tpl.patch_xml(tpl.xml_to_string(parse_xml(rel.target_part.blob)))
    return xml


def used_variables(source: str) -> list[str]:
    """Return the dotted context paths a Jinja source reads, loop variables excluded.

    Raises jinja2.TemplateSyntaxError for a broken tag.
    """
    from jinja2 import nodes

    from .environment import make_environment

    tree = make_environment().parse(source)
    local: set[str] = set()
    for node in tree.find_all((nodes.For, nodes.Assign)):
        for target in node.target.find_all(nodes.Name) if not isinstance(node.target, nodes.Name) else [node.target]:
            local.add(target.name)
    # `loop` (loop.first, loop.revindex) is Jinja's own inside a for loop, not a context variable
    loop_names = [n for n in tree.find_all(nodes.Name) if n.name == "loop"]
    in_loops = {id(n) for f in tree.find_all(nodes.For) for part in f.body for n in part.find_all(nodes.Name)}
    if loop_names and all(id(n) in in_loops for n in loop_names):
        local.add("loop")
    found: set[str] = set()
    for node in tree.find_all((nodes.Getattr, nodes.Getitem, nodes.Name)):
        path = _path(node)
        if path and path.split(".")[0] not in local:
            found.add(path)
    # keep only the longest paths: 'kommun.totalt' makes 'kommun' redundant
    return sorted(p for p in found if not any(q.startswith(p + ".") for q in found))


def _path(node) -> str | None:
    from jinja2 import nodes

    parts = []
    while True:
        if isinstance(node, nodes.Getattr):
            parts.append(node.attr)
            node = node.node
        elif isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
            parts.append(node.arg.value)
            node = node.node
        elif isinstance(node, nodes.Getitem):
            node = node.node  # an index: the path up to the list
            parts.clear()
        elif isinstance(node, nodes.Name):
            if node.ctx != "load":
                return None
            parts.append(node.name)
            return ".".join(reversed(parts))
        else:
            return None




def template_texts(template: Path) -> list[str]:
    """Return the texts of a template a reader sees one by one: Word paragraphs, Excel cells (in order)."""
    return kept("texts", Path(template), _read_texts)


def _read_texts(template: Path) -> list[str]:
    if Path(template).suffix.lower() == ".xlsx":
        from .xlsx import open_template

        book = open_template(Path(template))
        return [cell.value for ws in book.worksheets for (_, _), cell in sorted(ws._cells.items())
                if isinstance(cell.value, str)]
    from .docx import paragraphs

    return paragraphs(Path(template))


def __getattr__(name: str):
    if name == "TemplateSyntaxError":  # jinja2's, imported when asked for: `check` never parses a template
        from jinja2 import TemplateSyntaxError

        return TemplateSyntaxError
    raise AttributeError(name)


__all__ = ["template_source", "template_texts", "used_variables", "TemplateSyntaxError"]
