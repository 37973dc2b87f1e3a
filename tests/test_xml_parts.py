"""workbook/xml_parts.py: the small parts read with the standard library's parser, as safely as with lxml."""

from __future__ import annotations

import io

import pytest
from lxml import etree

from hso_xl.workbook.xml_parts import XmlError, iter_elements, parse

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
STRINGS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="3" uniqueCount="3">'
           '<si><t>Härnösand</t></si><si><r><rPr><b/></rPr><t>Kram</t></r><r><t>fors</t></r></si>'
           '<si><t xml:space="preserve"> Ånge &amp; Timrå </t></si></sst>')


def texts(source) -> list[str]:
    return ["".join(e.itertext()) for e in iter_elements(source, MAIN + "si")]


def test_parts_read_as_lxml_reads_them():
    root = parse(STRINGS.encode("utf-8"))
    ours = [(e.tag, dict(e.attrib), e.text) for e in root.iter()]
    theirs = [(e.tag, dict(e.attrib), e.text) for e in etree.fromstring(STRINGS.encode("utf-8")).iter()]
    assert ours == theirs
    assert texts(io.BytesIO(STRINGS.encode("utf-8"))) == ["Härnösand", "Kramfors", " Ånge & Timrå "]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_parts_are_read(encoding):
    data = STRINGS.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode(encoding)
    assert texts(io.BytesIO(data)) == ["Härnösand", "Kramfors", " Ånge & Timrå "]
    assert parse(data).get("count") == "3"


class Trickle(io.BytesIO):
    """A stream that gives a few bytes at a time, so that a declaration is cut between chunks."""

    def read(self, size=-1):
        return super().read(7)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
@pytest.mark.parametrize("declaration", ['<!DOCTYPE sst [<!ENTITY a "Ånge">]>', '<!DOCTYPE sst SYSTEM "file:///etc/passwd">',
                                         '<!doctype sst>'])
def test_a_dtd_or_entity_is_refused_whole_or_in_chunks(declaration, encoding):
    data = STRINGS.replace("\n", "\n" + declaration + "\n").replace(">Härnösand<", ">&a;<")
    data = data.replace('encoding="UTF-8"', f'encoding="{encoding.upper()}"').encode(encoding)
    with pytest.raises(XmlError):
        parse(data)
    with pytest.raises(XmlError):
        texts(Trickle(data))


@pytest.mark.parametrize("damaged", ["<sst><si><t>a</si></sst>", "<sst>&unknown;</sst>", "", "<a:sst/>"])
def test_damaged_parts_raise_xml_error(damaged):
    with pytest.raises(XmlError):
        parse(damaged.encode("utf-8"))
    with pytest.raises(XmlError):
        texts(io.BytesIO(damaged.encode("utf-8")))
