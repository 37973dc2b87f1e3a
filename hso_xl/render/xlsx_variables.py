"""The Jinja source of an Excel template, so `hso-xl templates` can list the variables it uses."""

from __future__ import annotations

from pathlib import Path

from jinja2 import TemplateSyntaxError

from ..workbook.book import ref as cell_ref
from .xlsx import Renderer, open_template


def template_source(template: Path) -> str:
    """Return the Jinja source of an .xlsx template, for listing the variables it uses.

    Each row loop becomes a `{% for %}` around its whole row and each column loop one around each
    of its cells, so loop variables are not reported as context variables. A cell with a Jinja
    syntax error raises TemplateProblem naming that cell.
    """
    book = open_template(Path(template))
    renderer = Renderer(Path(template), {})
    renderer.items = lambda loop: []  # only the tags are wanted here, not their items
    lines = []
    for ws in book.worksheets:
        tagged, rows, cols = renderer.find_loops(ws)
        by_row: dict[int, list[str]] = {}
        for (r, c), cell in sorted(ws._cells.items()):
            if cell.data_type != "s" or not isinstance(cell.value, str):
                continue
            entry = tagged.get((r, c))
            text = entry.text if entry is not None else cell.value
            if not text or not any(t in text for t in ("{{", "{%", "{#")):
                continue
            try:
                renderer.env.parse(text)
            except TemplateSyntaxError as exc:
                raise renderer.problem(exc, cell_ref(ws.title, r, c), cell.value) from None
            if c in cols:
                text = f"{{% for {cols[c].var} in {cols[c].expr} %}}{text}{{% endfor %}}"
            by_row.setdefault(r, []).append(text)
        for r, texts in by_row.items():
            body = "\n".join(texts)
            if r in rows:
                body = f"{{% for {rows[r].var} in {rows[r].expr} %}}{body}{{% endfor %}}"
            lines.append(body)
    return "\n".join(lines)
