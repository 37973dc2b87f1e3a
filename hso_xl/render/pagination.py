"""Page breaks a registrar accepts, set on the rendered Word document whatever the template says.

A template's loops decide how long its tables become only when it is rendered, so the rules that
depend on length are applied here, after rendering (render/docx.py):

- a heading, title or caption keeps with the paragraph after it, and its lines together;
- no table row splits across pages (cantSplit);
- a data table's header row (Header Row on, or a row marked to repeat) repeats on every page;
- a short table stays on one page: every row keeps with the next but the last;
- a long table may break between rows, but never right after its header or before its last row.

Widow and orphan control, the footer's page numbers and the signature blocks are set in the
templates themselves (templates/*/).
"""

from __future__ import annotations

from docx.oxml.ns import qn

SHORT_TABLE_ROWS = 25  # about half a page of 9.5 pt rows: such a table moves to the next page whole
KEEP_STYLE_NAMES = {"title", "subtitle", "caption"}

_PPR_BEFORE_KEEP = {qn("w:pStyle")}
_TRPR_ORDER = [qn(f"w:{n}") for n in ("cnfStyle", "divId", "gridBefore", "gridAfter", "wBefore", "wAfter",
                                       "cantSplit", "trHeight", "tblHeader", "tblCellSpacing", "jc", "hidden",
                                       "ins", "del", "trPrChange")]


def paginate(document) -> None:
    """Set the keep and repeat properties above on `document` (a python-docx Document), in place."""
    body = document.element.body
    keep_styles = _keep_styles(document.styles.element)
    for p in body.iterchildren(qn("w:p")):
        style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        if style is not None and style.get(qn("w:val")) in keep_styles:
            _keep(p, "keepNext")
            _keep(p, "keepLines")
    for table in body.iterchildren(qn("w:tbl")):
        paginate_table(table)


def paginate_table(table) -> None:
    """Rows never split; the header repeats; a short table stays together, a long one breaks between rows."""
    rows = table.findall(qn("w:tr"))
    if not rows:
        return
    for row in rows:
        _row_property(row, "cantSplit")
    headers = 0
    while headers < len(rows) and _row_has(rows[headers], "tblHeader"):
        headers += 1
    look = table.find(f"{qn('w:tblPr')}/{qn('w:tblLook')}")
    if headers == 0 and look is not None and (look.get(qn("w:firstRow")) in ("1", "true", "on")
                                              or int(look.get(qn("w:val"), "0") or "0", 16) & 0x0020):
        _row_property(rows[0], "tblHeader")
        headers = 1
    if len(rows) <= SHORT_TABLE_ROWS:
        keep = rows[:-1]
    else:  # the header with the first row, and the last two rows (a sum row with the row it sums up to)
        keep = rows[:headers + 1] + rows[-2:-1]
        for row in rows[headers + 1:-2]:
            for p in row.iter(qn("w:p")):
                _unkeep(p)
    for row in keep:
        for p in row.iter(qn("w:p")):
            _keep(p, "keepNext")


def _keep_styles(styles) -> set[str]:
    """The ids of paragraph styles that must keep with the next paragraph: headings, title, subtitle, caption."""
    out = set()
    for style in styles.findall(qn("w:style")):
        if style.get(qn("w:type")) != "paragraph":
            continue
        name_el = style.find(qn("w:name"))
        name = (name_el.get(qn("w:val")) if name_el is not None else "").strip().lower()
        level = style.find(f"{qn('w:pPr')}/{qn('w:outlineLvl')}")
        if name in KEEP_STYLE_NAMES or name.startswith("heading") or (
                level is not None and level.get(qn("w:val"), "9").isdigit() and int(level.get(qn("w:val"))) < 9):
            out.add(style.get(qn("w:styleId")))
    return out


def _ppr(p):
    ppr = p.find(qn("w:pPr"))
    if ppr is None:
        ppr = p.makeelement(qn("w:pPr"), {})
        p.insert(0, ppr)
    return ppr


def _keep(p, name: str) -> None:
    """Add w:keepNext or w:keepLines to the paragraph, in the place the schema gives it (after pStyle)."""
    ppr = _ppr(p)
    if ppr.find(qn(f"w:{name}")) is not None:
        return
    element = ppr.makeelement(qn(f"w:{name}"), {})
    if name == "keepLines" and ppr.find(qn("w:keepNext")) is not None:
        ppr.find(qn("w:keepNext")).addnext(element)
        return
    at = 1 if len(ppr) and ppr[0].tag in _PPR_BEFORE_KEEP else 0
    ppr.insert(at, element)


def _unkeep(p) -> None:
    ppr = p.find(qn("w:pPr"))
    found = ppr.find(qn("w:keepNext")) if ppr is not None else None
    if found is not None:
        ppr.remove(found)


def _row_has(row, name: str) -> bool:
    trpr = row.find(qn("w:trPr"))
    if trpr is None:
        return False
    found = trpr.find(qn(f"w:{name}"))
    return found is not None and found.get(qn("w:val"), "true") not in ("0", "false", "off")


def _row_property(row, name: str) -> None:
    """Add w:cantSplit or w:tblHeader to the row's properties, in the schema's order."""
    trpr = row.find(qn("w:trPr"))
    if trpr is None:
        trpr = row.makeelement(qn("w:trPr"), {})
        before = row.find(qn("w:tblPrEx"))
        if before is not None:
            before.addnext(trpr)
        else:
            row.insert(0, trpr)
    if trpr.find(qn(f"w:{name}")) is not None:
        return
    element = trpr.makeelement(qn(f"w:{name}"), {})
    rank = _TRPR_ORDER.index(qn(f"w:{name}"))
    later = [child for child in trpr if child.tag in _TRPR_ORDER and _TRPR_ORDER.index(child.tag) > rank]
    if later:
        later[0].addprevious(element)
    else:
        trpr.append(element)
