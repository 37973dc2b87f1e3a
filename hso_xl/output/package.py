"""Make Office packages deterministic: the same content always gives the same bytes."""

from __future__ import annotations

import io
import zipfile

FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def deterministic_zip(data: bytes) -> bytes:
    """Return the zip package `data` with fixed member timestamps and attributes, members in order.

    `[Content_Types].xml` stays first, as Office expects; the order of the others is kept.
    """
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        infos = zin.infolist()
        infos.sort(key=lambda i: i.filename != "[Content_Types].xml")
        for info in infos:
            member = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o600 << 16
            member.create_system = 0
            zout.writestr(member, zin.read(info), compresslevel=6)
    return out.getvalue()
