"""Byte-stable Office files: python-docx and openpyxl stamp every zip member with the current
time, so the same review would give a different file on each run. `normalise_zip` rewrites the
archive with one fixed timestamp and fixed member attributes, keeping member order.
"""
from __future__ import annotations

import datetime as dt
import io
import zipfile

EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)


def fixed_datetime(run_date: str | None) -> dt.datetime:
    """Midnight UTC of run_date (ISO) — the only time written into a document — else 2000-01-01."""
    if not run_date:
        return EPOCH
    d = dt.date.fromisoformat(run_date)
    return dt.datetime(d.year, d.month, d.day, tzinfo=dt.timezone.utc)


COMPRESSED = (".png", ".jpeg", ".jpg", ".gif")
"""Members already compressed: stored as they are (deflating them again costs time and saves nothing)."""


def normalise_zip(data: bytes, when: dt.datetime = EPOCH) -> bytes:
    stamp = (max(when.year, 1980), when.month, when.day, 0, 0, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=stamp)
            stored = info.filename.lower().endswith(COMPRESSED)
            member.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            member.create_system = 3
            dst.writestr(member, src.read(info.filename), compresslevel=None if stored else 6)
    return out.getvalue()
