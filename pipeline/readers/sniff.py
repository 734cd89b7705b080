"""File type from the file's first bytes, never from its name (a `.pdf` of random bytes is not a PDF)."""
from __future__ import annotations

import zipfile
from pathlib import Path

from pipeline.model import FileKind


def sniff(path: Path) -> FileKind:
    if path.is_dir():
        return "folder"
    with open(path, "rb") as fh:
        head = fh.read(1024)
    if not head:
        return "unknown"
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if head[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if head[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if head[:2] == b"BM":
        return "bmp"
    if head[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(path) as zf:
                if "word/document.xml" in zf.namelist():
                    return "docx"
        except zipfile.BadZipFile:
            return "unknown"
    return "unknown"
