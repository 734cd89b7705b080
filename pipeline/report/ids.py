"""Stable, filesystem-safe application ids.

The id names the application's output folder and is quoted by reviewers, so it must be the same on
every run for the same input (name + file contents) and safe on any filesystem. The readable part
comes from the entry name; the hash part from the files' contents, so two entries with the same
name but different scans never collide and a renamed copy of the same scans is still told apart.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from pathlib import PurePosixPath

SLUG_MAX = 40
HASH_CHARS = 10
_KEEP = re.compile(
    r"[0-9A-Za-z_\-"
    r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # CJK unified ideographs, ext. A, compatibility
    r"\U00020000-\U0003134f]"  # CJK ext. B–G
)
_KNOWN_SUFFIXES = {".pdf", ".tif", ".tiff", ".jpg", ".jpeg", ".png", ".bmp", ".docx", ".zip"}


def entry_stem(entry_name: str) -> str:
    """Last path part of a bundle entry, without a known document suffix."""
    name = entry_name.replace("\\", "/").rstrip("/")
    path = PurePosixPath(name)
    base = path.name
    if path.suffix.lower() in _KNOWN_SUFFIXES:
        base = path.stem
    return base


def slug(text: str, max_len: int = SLUG_MAX) -> str:
    """NFKC slug keeping CJK, ASCII letters, digits, '-' and '_'; anything else becomes '_'."""
    text = unicodedata.normalize("NFKC", text)
    out = "".join(ch if _KEEP.fullmatch(ch) else "_" for ch in text)
    out = re.sub(r"_+", "_", out).strip("_")
    out = out[:max_len].rstrip("_")
    return out or "submission"


def application_id(entry_name: str, file_sha256s: Sequence[str]) -> str:
    """`<slug of entry stem>-<10 hex of sha256 over the sorted file hashes>`."""
    joined = "\n".join(sorted(h.strip().lower() for h in file_sha256s))
    digest = hashlib.sha256(joined.encode("ascii", "replace")).hexdigest()[:HASH_CHARS]
    return f"{slug(entry_stem(entry_name))}-{digest}"


NAME_MAX_BYTES = 255
"""Longest file or folder name (UTF-8 bytes) that Linux, macOS and Windows file systems all take."""


def fit_name(name: str, max_bytes: int = NAME_MAX_BYTES) -> str:
    """`name` if it fits the file system, else its start cut on a character boundary + '~' + 8 hex
    of its SHA-256 + its suffix: stable (the same long name always gives the same short one) and
    distinct (two long names sharing a start do not collide)."""
    if len(name.encode("utf-8", "surrogateescape")) <= max_bytes:
        return name
    path = PurePosixPath(name)
    suffix = path.suffix if len(path.suffix) <= 16 else ""
    stem = name[: len(name) - len(suffix)] if suffix else name
    tag = "~" + hashlib.sha256(name.encode("utf-8", "surrogateescape")).hexdigest()[:8]
    room = max_bytes - len((tag + suffix).encode("utf-8"))
    cut = stem.encode("utf-8", "surrogateescape")[:room].decode("utf-8", "ignore")
    return cut + tag + suffix
