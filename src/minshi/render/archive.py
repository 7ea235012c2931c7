"""Office files (XLSX, DOCX) are zip archives: written so that the same document gives the same
bytes, whatever the clock says when it is written."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime


def fixed_moment(day: date) -> datetime:
    """The moment a document is dated: the start of its as-of day, not the clock."""
    return datetime(day.year, day.month, day.day)


def stable_zip(raw: bytes, moment: datetime) -> bytes:
    """The same archive with every entry dated `moment`, so equal documents give equal bytes."""
    stamp = (moment.year, moment.month, moment.day, 0, 0, 0)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(raw)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(item.filename))
    return out.getvalue()
