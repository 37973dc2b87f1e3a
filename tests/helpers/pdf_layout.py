"""Where things landed on the pages of a PDF, read with pdfplumber: text lines with their positions,
the header rule, and the tagged structure (headings, table rows, figures) with the page of each part.

LibreOffice writes a tagged PDF (render/pdf.py): every heading, paragraph, table row and figure is
an element of the structure tree whose marked content sits on a page. A row whose cells land on
two pages is a split row; a heading whose next element starts on a later page ends its page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber

PAGE_FOOTER = re.compile(r"Sida\s+\d+\s*\(\d+\)")


@dataclass
class Line:
    page: int  # 1-based
    text: str
    top: float
    bottom: float


@dataclass
class Image:
    page: int
    top: float
    bottom: float


@dataclass
class Element:
    """A structure element: its type (H1, P, TR, Figure …), the pages its content is on, its children."""

    type: str
    pages: set[int]
    children: list["Element"] = field(default_factory=list)
    text: str = ""


@dataclass
class Layout:
    path: Path
    pages: int
    height: float
    lines: list[Line]
    rules: dict[int, float]  # page -> y of the header's rule (a full-width line near the top)
    tree: list[Element]
    images: list["Image"] = field(default_factory=list)  # pictures wider than 40 % of the page: charts

    def on(self, page: int) -> list[Line]:
        return [line for line in self.lines if line.page == page]

    def pages_with(self, text: str) -> list[int]:
        wanted = squeeze(text)
        return sorted({line.page for line in self.lines if wanted in squeeze(line.text)})

    def footer_top(self, page: int) -> float | None:
        tops = [line.top for line in self.on(page) if PAGE_FOOTER.search(line.text)
                and line.top > self.height * 0.8]
        return min(tops) if tops else None

    def elements(self, kind: str | None = None) -> list[Element]:
        out: list[Element] = []

        def walk(items):
            for e in items:
                if kind is None or e.type == kind:
                    out.append(e)
                walk(e.children)

        walk(self.tree)
        return out

    def leaves(self) -> list[Element]:
        """Elements with content of their own, in reading order (headings, paragraphs, cells' paragraphs)."""
        out: list[Element] = []

        def walk(items):
            for e in items:
                if e.children:
                    walk(e.children)
                elif e.pages:
                    out.append(e)

        walk(self.tree)
        return out


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text).casefold()


def read_layout(path: Path) -> Layout:
    with pdfplumber.open(path) as pdf:
        lines: list[Line] = []
        rules: dict[int, float] = {}
        images: list[Image] = []
        texts: dict[tuple[int, int], list[str]] = {}
        for number, page in enumerate(pdf.pages, start=1):
            for line in page.extract_text_lines(strip=True):
                lines.append(Line(number, line["text"], line["top"], line["bottom"]))
            wide = [item["top"] for item in page.lines + page.rects
                    if item["x1"] - item["x0"] > page.width * 0.6 and item["top"] < page.height * 0.25]
            if wide:  # the topmost: table borders further down are wide too
                rules[number] = min(wide)
            images += [Image(number, image["top"], image["bottom"]) for image in page.images
                       if image["x1"] - image["x0"] > page.width * 0.4]
            for char in page.chars:
                if char.get("mcid") is not None:
                    texts.setdefault((number, char["mcid"]), []).append(char["text"])
        height = pdf.pages[0].height if pdf.pages else 0
        try:
            raw = pdf.structure_tree
        except Exception:  # an untagged PDF (Calc's): no structure to check
            raw = []
        tree = [_element(e, texts) for e in raw]
        return Layout(path, len(pdf.pages), height, lines, rules, tree, images)


def _element(raw: dict, texts: dict) -> Element:
    children = [_element(c, texts) for c in raw.get("children", [])]
    pages = set()
    text = ""
    if raw.get("mcids") and raw.get("page_number"):
        pages.add(raw["page_number"])
        text = "".join("".join(texts.get((raw["page_number"], m), [])) for m in raw["mcids"])
    for child in children:
        pages |= child.pages
    if not text:
        text = " ".join(c.text for c in children if c.text)
    return Element(raw.get("type", ""), pages, children, text)
