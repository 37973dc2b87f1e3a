"""What a reader sees in a Word or Excel document, as a fingerprint to compare two builds by.

Two files can differ in every byte and read the same: LibreOffice or Word re-saving a template
rewrites its XML (revision ids, how text is split into runs, the style sheet, the settings) and a
document rendered from it differs from the previous one only in such bytes. The fingerprint keeps
what a reader sees and nothing else:
- Word: every paragraph of the body, headers, footers, footnotes and endnotes in order, its style
  (by name, with the look the style sheet gives it: font, size, emphasis, colour, alignment),
  alignment and list level; its text run by run with the emphasis a reader sees (bold,
  italic, underline, strike-through, size, colour, highlight, super/subscript, capitals); tables
  cell by cell; page breaks; fields (PAGE, NUMPAGES) by name; pictures by their bytes.
- Excel: every sheet by name and order, every cell's value or formula and number format, merged
  ranges, header and footer, pictures by their bytes.
Anything else (a file that is neither) is fingerprinted by its bytes.
"""

from __future__ import annotations

import functools
import hashlib
import posixpath
import re
from xml.etree import ElementTree as ET

from ..package import read_members

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
S = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_STORIES = re.compile(r"^word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml$")
_EMPHASIS = ("b", "i", "u", "strike", "dstrike", "caps", "smallCaps", "vertAlign", "sz", "color", "highlight",
             "vanish")
_OFF = {"0", "false", "off", "none"}


READING_VERSION = "r2"  # changes when the fingerprint keeps more or less: hashes of two versions do not compare


def reading_hash(data: bytes) -> str:
    """Return 'r2:' and a sha256 of what a reader sees in the .docx or .xlsx `data` (see the module's docstring)."""
    return f"{READING_VERSION}:{_reading_digest(data)}"


def _reading_digest(data: bytes) -> str:
    try:
        members = dict(read_members(data))
    except Exception:  # not a zip: compare the bytes
        return hashlib.sha256(data).hexdigest()
    if "word/document.xml" in members:
        tokens = _word(members)
    elif "xl/workbook.xml" in members:
        tokens = _excel(members)
    else:
        return hashlib.sha256(data).hexdigest()
    digest = hashlib.sha256()
    for token in tokens:
        digest.update(token.encode("utf-8") + b"\x1e")
    return digest.hexdigest()


def _parse(data: bytes):
    return parsed(data)


_parsed: list[tuple[bytes, ET.Element]] = []  # the parts last parsed, by identity (never changed once parsed)
_PARSED_KEPT = 16


def parsed(data: bytes) -> ET.Element:
    """The XML part `data` parsed; the same bytes object parsed a moment ago is not parsed again.

    A document's fingerprints (changes.fingerprints) read its document.xml twice: for what a reader
    sees, and for the proposed decision (decision.py). The trees are only read, never changed.
    """
    for kept, tree in _parsed:
        if kept is data:
            return tree
    tree = ET.fromstring(data)
    _parsed.append((data, tree))
    del _parsed[:-_PARSED_KEPT]
    return tree


def _rels(members: dict, part: str) -> dict[str, str]:
    """Relationship id -> the target part's name, for `part`."""
    folder, name = posixpath.split(part)
    rels = members.get(posixpath.join(folder, "_rels", name + ".rels"))
    if rels is None:
        return {}
    out = {}
    for rel in _parse(rels).iter(f"{REL}Relationship"):
        target = rel.get("Target", "")
        out[rel.get("Id")] = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
            posixpath.join(folder, target))
    return out


def _media(members: dict, rels: dict, rid: str | None) -> str:
    data = members.get(rels.get(rid or "", ""), b"")
    return "picture:" + hashlib.sha256(data).hexdigest()[:16]


# -- Word ----------------------------------------------------------------------------------------

def _word(members: dict) -> list[str]:
    styles, tokens = _style_sheet(members.get("word/styles.xml", b""))
    tokens = list(tokens)
    # document first, then headers, footers, notes in name order: what the reader sees on the pages
    parts = sorted((p for p in members if _STORIES.match(p)), key=lambda p: (p != "word/document.xml", p))
    for part in parts:
        tokens.append(f"part:{_STORIES.match(part).group(1).rstrip('0123456789')}")
        rels = _rels(members, part)
        _word_block(_parse(members[part]), tokens, styles, rels, members)
    return tokens


@functools.lru_cache(maxsize=16)
def _style_sheet(data: bytes) -> tuple[dict, tuple[str, ...]]:
    """Style id -> its name and look, and the tokens of the defaults; cached: the documents of one template share it."""
    styles: dict = {}  # style id -> its name as a reader knows it, and how it looks
    listed: set[str] = set()  # paragraph styles that number or bullet their paragraphs
    tokens: list[str] = []
    if data:
        root = _parse(data)
        defined = {style.get(f"{W}styleId"): style for style in root.iter(f"{W}style")}
        defaults = root.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
        tokens.append("defaults:" + _look(_style_props(defaults, {})))
        for sid, style in defined.items():
            name = style.find(f"{W}name")
            default = style.get(f"{W}default") in ("1", "true") and style.get(f"{W}type") == "paragraph"
            look = _look(_resolved(sid, defined))
            # the default paragraph style is what a paragraph without a style has: its look is said once
            styles[sid] = "" if default else (name.get(f"{W}val") if name is not None else sid or "").casefold() + (
                f"{{{look}}}" if look else "")
            if default and look:
                tokens.append("normal:" + look)
            number = style.find(f"{W}pPr/{W}numPr/{W}numId")  # a level without a list numbers nothing
            if number is not None and number.get(f"{W}val") not in (None, "0"):
                listed.add(sid)
    styles["\0listed"] = listed
    return styles, tuple(tokens)


_STYLE_LOOK = ("b", "i", "u", "strike", "caps", "smallCaps", "sz", "color", "highlight", "vanish", "jc", "rFonts")


def _style_props(element, props: dict) -> dict:
    """The look a style (or the document defaults) sets, over `props` inherited: what a reader sees of it."""
    if element is None:
        return props
    props = dict(props)
    for name in _STYLE_LOOK:
        for node in element.iter(f"{W}{name}"):
            if name == "rFonts":
                font = node.get(f"{W}ascii") or node.get(f"{W}hAnsi")
                if font:
                    props[name] = font.casefold()
                continue
            value = (node.get(f"{W}val") or "on").lower()
            if name in ("b", "i", "strike", "caps", "smallCaps", "vanish"):
                value = "off" if value in _OFF else "on"
            props[name] = value
    return props


def _resolved(sid: str | None, defined: dict, seen: tuple = ()) -> dict:
    style = defined.get(sid)
    if style is None or sid in seen:
        return {}
    base = style.find(f"{W}basedOn")
    inherited = _resolved(base.get(f"{W}val"), defined, seen + (sid,)) if base is not None else {}
    return _style_props(style, inherited)


def _look(props: dict) -> str:
    """The props that show, in a fixed order: off switches, automatic colour and left alignment are not looks."""
    shown = []
    for name in _STYLE_LOOK:
        value = props.get(name)
        if value is None or value in ("off", "none") or (name == "color" and value in ("auto", "000000")) or (
                name == "jc" and value in ("left", "start", "both")):
            continue
        shown.append(name if value == "on" else f"{name}={value}")
    return ",".join(shown)


def _word_block(element, tokens: list[str], styles: dict, rels: dict, members: dict) -> None:
    for child in element:
        tag = child.tag
        if tag == f"{W}p":
            _paragraph(child, tokens, styles, rels, members)
        elif tag == f"{W}tbl":
            tokens.append("table")
            for row in child.iter(f"{W}tr"):
                tokens.append("row")
                for cell in row.findall(f"{W}tc"):
                    tokens.append("cell")
                    _word_block(cell, tokens, styles, rels, members)
            tokens.append("/table")
        elif tag in (f"{W}body", f"{W}sdt", f"{W}sdtContent", f"{W}customXml", f"{W}hdr", f"{W}ftr",
                     f"{W}footnote", f"{W}endnote", f"{W}footnotes", f"{W}endnotes"):
            _word_block(child, tokens, styles, rels, members)


def _on(prop) -> bool:
    return prop is not None and prop.get(f"{W}val", "true") not in _OFF


def _run_look(rpr, styles: dict) -> str:
    if rpr is None:
        return ""
    look = []
    for name in _EMPHASIS:
        prop = rpr.find(f"{W}{name}")
        if prop is None:
            continue
        if name in ("b", "i", "strike", "dstrike", "caps", "smallCaps", "vanish"):
            if _on(prop):
                look.append(name)
        else:
            value = prop.get(f"{W}val", "")
            if value.lower() not in _OFF and not (name == "color" and value.lower() in ("auto", "000000")):
                look.append(f"{name}={value.lower()}")
    style = rpr.find(f"{W}rStyle")
    if style is not None:
        look.append("style=" + styles.get(style.get(f"{W}val"), (style.get(f"{W}val") or "").casefold()))
    return ",".join(look)


def _paragraph(p, tokens: list[str], styles: dict, rels: dict, members: dict) -> None:
    ppr = p.find(f"{W}pPr")
    head = ["p"]
    style_id = None
    if ppr is not None:
        style = ppr.find(f"{W}pStyle")
        style_id = style.get(f"{W}val") if style is not None else None
    name = styles.get(style_id, (style_id or "").casefold()) if style_id else ""
    if name:
        head.append("style=" + name)
    listed = style_id in styles.get("\0listed", ())
    if ppr is not None:
        jc = ppr.find(f"{W}jc")
        if jc is not None and jc.get(f"{W}val") not in ("left", "start", "both"):
            head.append("align=" + jc.get(f"{W}val", ""))
        number = ppr.find(f"{W}numPr/{W}numId")
        level = ppr.find(f"{W}numPr/{W}ilvl")
        if number is not None:
            listed = number.get(f"{W}val") != "0"
        if listed and level is not None and level.get(f"{W}val", "0") != "0":
            head.append("level=" + level.get(f"{W}val"))
    if listed:
        head.append("list")
    tokens.append(" ".join(head))
    pieces: list[tuple[str, str]] = []  # (look, text), runs of the same look joined

    def add(look: str, text: str) -> None:
        if pieces and pieces[-1][0] == look:
            pieces[-1] = (look, pieces[-1][1] + text)
        else:
            pieces.append((look, text))

    # a field's result (the page number Word or LibreOffice last computed) is not what a reader sees:
    # the field is, and it computes its result when the document is opened or printed
    cached = {id(r) for simple in p.iter(f"{W}fldSimple") for r in simple.iter(f"{W}r")}
    in_result = False
    for node in p.iter():
        if node.tag == f"{W}r":
            char = node.find(f"{W}fldChar")
            if char is not None:
                kind = char.get(f"{W}fldCharType")
                in_result = kind == "separate" or (in_result and kind != "end")
                continue
            if in_result or id(node) in cached:
                continue
            look = _run_look(node.find(f"{W}rPr"), styles)
            for item in node:
                if item.tag == f"{W}t":
                    add(look, item.text or "")
                elif item.tag in (f"{W}tab", f"{W}ptab"):
                    add(look, "\t")
                elif item.tag == f"{W}br":
                    add(look, "\f" if item.get(f"{W}type") == "page" else "\n")
                elif item.tag == f"{W}cr":
                    add(look, "\n")
                elif item.tag == f"{W}noBreakHyphen":
                    add(look, "\u2011")
                elif item.tag == f"{W}sym":
                    add(look, chr(int(item.get(f"{W}char", "20"), 16)))
                elif item.tag == f"{W}instrText" and (item.text or "").strip():
                    add(look, "{" + item.text.split()[0].upper() + "}")
        elif node.tag == f"{W}fldSimple":
            add("", "{" + (node.get(f"{W}instr") or "").split()[0].upper() + "}" if node.get(f"{W}instr") else "")
        elif node.tag.endswith("}blip"):
            add("", "[" + _media(members, rels, node.get(f"{R}embed")) + "]")
        elif node.tag.endswith("}imagedata"):
            add("", "[" + _media(members, rels, node.get(f"{R}id")) + "]")
    tokens.extend(f"{look}|{text}" for look, text in pieces if text)


# -- Excel ---------------------------------------------------------------------------------------

def _excel(members: dict) -> list[str]:
    shared = []
    if "xl/sharedStrings.xml" in members:
        for si in _parse(members["xl/sharedStrings.xml"]).iter(f"{S}si"):
            shared.append("".join(t.text or "" for t in si.iter(f"{S}t")))
    formats = _number_formats(members)
    book = _parse(members["xl/workbook.xml"])
    rels = _rels(members, "xl/workbook.xml")
    tokens: list[str] = []
    for sheet in book.iter(f"{S}sheet"):
        if sheet.get("state") in ("hidden", "veryHidden"):
            continue
        part = rels.get(sheet.get(f"{R}id"), "")
        tokens.append("sheet:" + sheet.get("name", ""))
        if part in members:
            _sheet(_parse(members[part]), tokens, shared, formats, members, _rels(members, part))
    return tokens


def _number_formats(members: dict) -> list[str]:
    """Number format code per cell style index (cellXfs), so a cell's look is known by its code, not its index."""
    if "xl/styles.xml" not in members:
        return []
    styles = _parse(members["xl/styles.xml"])
    from openpyxl.styles.numbers import BUILTIN_FORMATS

    codes = {str(i): code for i, code in BUILTIN_FORMATS.items()}
    codes.update({fmt.get("numFmtId"): fmt.get("formatCode", "") for fmt in styles.iter(f"{S}numFmt")})
    # 'yyyy\-mm\-dd' and 'yyyy-mm-dd' show the same: LibreOffice escapes what Excel leaves bare
    codes = {key: re.sub(r'\\(.)', r"\1", code).replace('"', "").casefold() for key, code in codes.items()}
    xfs = styles.find(f"{S}cellXfs")
    out = []
    for xf in (xfs if xfs is not None else []):
        look = [codes.get(xf.get("numFmtId", "0"), xf.get("numFmtId", "0"))]
        font = xf.get("fontId", "0")
        look.append(f"font{font}")
        out.append("/".join(look))
    fonts = styles.find(f"{S}fonts")
    font_looks = []
    for font in (fonts if fonts is not None else []):
        font_looks.append(",".join(sorted(c.tag.rpartition("}")[2] for c in font if c.tag.rpartition("}")[2]
                                          in ("b", "i", "u", "strike"))))
    return [re.sub(r"font(\d+)$", lambda m: font_looks[int(m[1])] if int(m[1]) < len(font_looks) else "", x)
            for x in out]


def _sheet(root, tokens: list[str], shared: list[str], formats: list[str], members: dict, rels: dict) -> None:
    for cell in root.iter(f"{S}c"):
        formula = cell.find(f"{S}f")
        value = cell.find(f"{S}v")
        kind = cell.get("t", "n")
        if kind == "s" and value is not None:
            shown = shared[int(value.text)] if value.text and int(value.text) < len(shared) else ""
        elif kind == "inlineStr":
            shown = "".join(t.text or "" for t in cell.iter(f"{S}t"))
        else:
            shown = value.text if value is not None and value.text is not None else ""
        text = ("=" + (formula.text or "")) if formula is not None and formula.text else ""
        if not (shown or text):
            continue
        style = int(cell.get("s", "0"))
        tokens.append(f"{cell.get('r')}|{text}|{shown}|{formats[style] if style < len(formats) else ''}")
    for merged in root.iter(f"{S}mergeCell"):
        tokens.append("merge:" + merged.get("ref", ""))
    for part in ("oddHeader", "oddFooter", "evenHeader", "evenFooter", "firstHeader", "firstFooter"):
        for node in root.iter(f"{S}{part}"):
            tokens.append(f"{part}:{node.text or ''}")
    for rid, target in sorted(rels.items()):
        if "drawing" in target and target in members:
            drawing_rels = _rels(members, target)
            for name in sorted(set(drawing_rels.values())):
                if name in members and "/media/" in name:
                    tokens.append("picture:" + hashlib.sha256(members[name]).hexdigest()[:16])
