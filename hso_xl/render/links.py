"""Links from an Office package to the outside world: found, reported, and cut before conversion.

A .docx or .xlsx can hold a picture, a document template or an OLE object *linked* from a web
address or a file path instead of embedded. Whoever opens the file may fetch it (a tracking
pixel, or on Windows a path to a share that leaks the reader's credentials). hso-xl never
fetches such a link: it warns about the template, and LibreOffice converts a copy in which every
such link points nowhere. Hyperlinks (text you click) are not fetched by anyone and are kept.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from ..package import read_members, rewrite_package

RELATIONSHIP = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
HYPERLINK = "/hyperlink"
BLOCKED_TARGET = "hso-xl-blocked-external-link"  # relative, so it resolves to a file that does not exist


@dataclass(frozen=True)
class ExternalLink:
    part: str  # the .rels member holding it
    kind: str  # the last word of the relationship type: image, attachedTemplate, oleObject ...
    target: str


def external_links(data: bytes) -> list[ExternalLink]:
    """Return the package's links to outside resources that a reader would fetch (not hyperlinks)."""
    return [link for name, member in read_members(data) if name.endswith(".rels")
            for link in _links(name, member)]


def without_external_links(data: bytes) -> bytes:
    """Return the package with every fetchable outside link pointing nowhere (hyperlinks kept);
    `data` itself when it has none."""
    if not external_links(data):
        return data

    def cut(name: str, member: bytes) -> bytes:
        if not (name.endswith(".rels") and _links(name, member)):
            return member
        root = _parse(member)
        for rel in _fetchable(root):
            rel.set("Target", BLOCKED_TARGET)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    return rewrite_package(data, cut)


def _links(name: str, member: bytes) -> list[ExternalLink]:
    return [ExternalLink(name, rel.get("Type", "").rsplit("/", 1)[-1], rel.get("Target", ""))
            for rel in _fetchable(_parse(member))]


def _fetchable(root):
    return [rel for rel in root.iter(RELATIONSHIP)
            if rel.get("TargetMode") == "External" and not rel.get("Type", "").endswith(HYPERLINK)]


def _parse(member: bytes):
    return etree.fromstring(member, etree.XMLParser(resolve_entities=False, no_network=True))
