"""Refuse a template that is not safe to open, before Word's or Excel's reader sees it.

Templates get the limits workbooks get (workbook/safety.py): a package that unpacks to far more than any
real template (a 'zip bomb': 1 MB that inflates to gigabytes), and XML that declares a DTD or entities
(an entity bomb), are refused with the template's name. Each part is inflated with a hard cap, never
trusting the size the package declares.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from ..errors import TemplateProblem, WorkbookUnusable
from ..i18n import _
from ..workbook.safety import Limits, _inflate

# A real template is a few MB at most; pictures are stored compressed and do not inflate.
TEMPLATE_LIMITS = Limits(max_total_uncompressed=128 * 1024 * 1024, max_member_uncompressed=64 * 1024 * 1024,
                         max_members=2_000)
MARKERS = (b"<!DOCTYPE", b"<!ENTITY")
RESAVE = _("Open the template in Word (or Excel) and save it again, or ask for the original")


def ensure_safe_template(path: Path, limits: Limits = TEMPLATE_LIMITS) -> None:
    """Raise TemplateProblem unless the template at `path` is a package safe to parse."""
    try:
        with zipfile.ZipFile(path) as package:
            infos = package.infolist()
            declared = sum(info.file_size for info in infos)
            if len(infos) > limits.max_members or declared > limits.max_total_uncompressed:
                raise _bomb(path, _("it would unpack to {size} MiB in {n} parts", size=declared // (1024 * 1024),
                                    n=len(infos)))
            total = 0
            for info in infos:
                if info.file_size > limits.max_member_uncompressed or (
                        info.file_size > limits.ratio_applies_above and info.compress_size
                        and info.file_size / info.compress_size > limits.max_ratio):
                    raise _bomb(path, _("its part {part} unpacks to {size} MiB", part=info.filename,
                                        size=info.file_size // (1024 * 1024)))
                total += _scan(path, package, info, min(info.file_size, limits.max_member_uncompressed))
                if total > limits.max_total_uncompressed:
                    raise _bomb(path, _("it unpacks to more than it declares"))
    except WorkbookUnusable:  # safety.py's words for a part that inflates past its cap or is damaged
        raise _bomb(path, _("a part unpacks to more than it declares")) from None
    except (zipfile.BadZipFile, EOFError, NotImplementedError, zipfile.LargeZipFile):
        raise TemplateProblem(_("the template is damaged or not a Word (.docx) or Excel (.xlsx) file"), file=path,
                              hint=RESAVE) from None


def _scan(path: Path, package: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> int:
    """Inflate one part with a cap; refuse a DTD or entity declaration in it. Return its size."""
    size, is_xml, carry = 0, None, b""
    for chunk in _inflate(path, package, info, cap):
        size += len(chunk)
        if is_xml is None:
            is_xml = chunk.lstrip().startswith((b"<", b"\xef\xbb\xbf<"))
        if not is_xml:
            continue
        window = carry + chunk
        if any(marker in window.upper() for marker in MARKERS):
            raise TemplateProblem(
                _("the template's part {part} declares a DTD or XML entities, which Word and Excel never write; the "
                  "file may be crafted to attack the reader, so it was not opened", part=info.filename),
                file=path, hint=RESAVE)
        carry = window[-16:]
    return size


def _bomb(path: Path, why) -> TemplateProblem:
    return TemplateProblem(_("the template was refused because {why}, far beyond any real template (a 'zip bomb')",
                             why=why), file=path, hint=RESAVE)
