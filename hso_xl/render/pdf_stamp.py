"""Give a PDF from LibreOffice the document's own date and a content-derived ID (same input, same bytes).

LibreOffice stamps every PDF with the time of conversion (Info /CreationDate, XMP xmp:CreateDate)
and a random trailer /ID, so the same document gave a new PDF on every build and the manifest's
sha256 of a PDF meant nothing. Here the dates become the document's own (docProps/core.xml
`dcterms:created`, which hso-xl sets to the document date), the IDs are derived from the
document's bytes and the PDF's content, the keywords are the document's own (LibreOffice splits
them at every space), and the language is recorded in the XMP metadata too.
A PDF made from a Calc document does not claim PDF/UA: LibreOffice's Calc export tags paragraphs
only (no headings, no table structure).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import struct
import uuid
import zipfile

from ..errors import OutputProblem
from ..i18n import _

LANGUAGE = "sv-SE"
_CREATED = re.compile(rb"<dcterms:created[^>]*>([^<]+)</dcterms:created>")
_KEYWORDS = re.compile(rb"<cp:keywords[^>]*>([^<]*)</cp:keywords>")
_ID_NAMESPACE = uuid.UUID("6b1f3f57-3c39-4c8e-9a55-2f0f5b8d7a10")  # hso-xl's: IDs of PDFs from its documents


def _core(package: bytes) -> bytes:
    try:
        with zipfile.ZipFile(io.BytesIO(package)) as zf:
            return zf.read("docProps/core.xml")
    except (KeyError, zipfile.BadZipFile):
        return b""


def document_keywords(package: bytes) -> str | None:
    """Return `cp:keywords` of an Office package's docProps/core.xml as written, or None."""
    match = _KEYWORDS.search(_core(package))
    if not match:
        return None
    from xml.sax.saxutils import unescape

    return unescape(match.group(1).decode("utf-8", "replace")).strip() or None


def document_created(package: bytes) -> dt.datetime | None:
    """Return `dcterms:created` of an Office package's docProps/core.xml (UTC), or None."""
    match = _CREATED.search(_core(package))
    if not match:
        return None
    try:
        when = dt.datetime.fromisoformat(match.group(1).decode().strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return when.replace(tzinfo=dt.timezone.utc) if when.tzinfo is None else when.astimezone(dt.timezone.utc)


def pdf_date(when: dt.datetime) -> str:
    """Return `when` (UTC) as a PDF date string: D:20260130080000Z."""
    return when.strftime("D:%Y%m%d%H%M%SZ")


def _date_output_profiles(pdf, when: dt.datetime) -> None:
    """Date the ICC profiles of the PDF/A output intents `when`: LibreOffice has lcms make its sRGB
    profile on every export, stamped with the time (ICC header bytes 24-35)."""
    import pikepdf

    for intent in pdf.Root.get("/OutputIntents", []):
        profile = intent.get("/DestOutputProfile")
        if not isinstance(profile, pikepdf.Stream):
            continue
        data = bytearray(profile.read_bytes())
        if len(data) < 128 or data[36:40] != b"acsp":
            continue
        data[24:36] = struct.pack(">6H", when.year, when.month, when.day, when.hour, when.minute, when.second)
        if any(data[84:100]):  # the profile ID is the MD5 of the profile with flags, intent and ID zeroed
            zeroed = bytearray(data)
            zeroed[44:48] = zeroed[64:68] = bytes(4)
            zeroed[84:100] = bytes(16)
            data[84:100] = hashlib.md5(zeroed).digest()
        profile.write(bytes(data))  # qpdf deflates it again on saving


def stamp(pdf_bytes: bytes, source: bytes, claim_ua: bool, file=None) -> bytes:
    """Return the PDF with the source document's date, deterministic IDs, dc:language, and PDF/UA
    claimed only when `claim_ua`. Raises OutputProblem when the PDF cannot be read."""
    import pikepdf

    when = document_created(source)
    keywords = document_keywords(source)  # LibreOffice splits them at every space: 'HSO, –, Hållbar, …'
    document_id = uuid.uuid5(_ID_NAMESPACE, hashlib.sha256(source).hexdigest())
    try:
        pdf = pikepdf.open(io.BytesIO(pdf_bytes))
    except pikepdf.PdfError as exc:
        raise OutputProblem(_("LibreOffice wrote a PDF that cannot be read ({reason})", reason=exc), file=file,
                            hint=_("Build again; if it happens again, build without --pdf")) from None
    with pdf:
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
            if when is not None:
                iso = when.strftime("%Y-%m-%dT%H:%M:%SZ")
                for key in ("xmp:CreateDate", "xmp:ModifyDate", "xmp:MetadataDate"):
                    meta[key] = iso
            meta["xmpMM:DocumentID"] = f"uuid:{document_id}"
            meta["xmpMM:InstanceID"] = f"uuid:{document_id}"
            meta["dc:language"] = [LANGUAGE]
            if keywords:
                meta["pdf:Keywords"] = keywords
            if not claim_ua and "pdfuaid:part" in meta:
                del meta["pdfuaid:part"]
        if keywords:
            pdf.docinfo["/Keywords"] = keywords
        if when is not None:
            pdf.docinfo["/CreationDate"] = pdf_date(when)
            pdf.docinfo["/ModDate"] = pdf_date(when)
            _date_output_profiles(pdf, when)
        for key in ("/DocChecksum", "/ID"):  # LibreOffice's, new on every export; qpdf derives /ID from the content
            if key in pdf.trailer:
                del pdf.trailer[key]
        out = io.BytesIO()
        # Object streams: the structure tree's thousands of small objects compressed (~5x smaller);
        # PDF/A-2 allows them.
        pdf.save(out, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out.getvalue()
