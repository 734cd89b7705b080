"""Atomic writes and safe output paths.

A reviewer or a later tool must never see a half-written review sheet (a crash mid-write leaves the
old file or none), and names that come from a bundle (entry names, seal crop names) must never
place a file outside the output folder.
"""
from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from pathlib import Path

_FORBIDDEN = re.compile(r'[\x00-\x1f\x7f/\\:<>"|?*]')
_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"} | {
    f"{p}{i}" for p in ("COM", "LPT") for i in "123456789¹²³"
}
NAME_MAX = 120


class UnsafePathError(ValueError):
    """A name that would resolve outside the output folder (e.g. through a symlink)."""


def sanitize_name(name: str, max_len: int = NAME_MAX) -> str:
    """One safe path component from an untrusted name.

    Separators, NUL and other control characters, drive colons and Windows-illegal characters
    become '_'; leading/trailing dots and spaces are dropped (so '.', '..' and '../x' cannot
    climb); Windows reserved device names get a '_' prefix. Never returns an empty string.
    """
    name = unicodedata.normalize("NFKC", str(name))
    name = _FORBIDDEN.sub("_", name)
    name = name.strip(" .")
    if len(name) > max_len:
        stem, dot, ext = name.rpartition(".")
        if dot and 0 < len(ext) <= 10:
            name = stem[: max_len - len(ext) - 1].rstrip(" .") + "." + ext
        else:
            name = name[:max_len].rstrip(" .")
    if not name or set(name) <= {"_"}:
        name = "_" + name if name else "_"
    if name.split(".")[0].upper().rstrip(" ") in _WINDOWS_RESERVED:
        name = "_" + name
    return name


def safe_child(out_dir: Path, name: str) -> Path:
    """`out_dir / sanitize_name(name)`, guaranteed (after resolving symlinks) to lie inside out_dir.

    Raises UnsafePathError when an existing symlink at that place points outside out_dir.
    """
    root = Path(out_dir).resolve()
    child = root / sanitize_name(name)
    if not child.resolve().is_relative_to(root):
        raise UnsafePathError(f"输出路径经符号链接指向输出目录之外 / path escapes the output folder: {child}")
    return child


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # e.g. platforms without directory fds
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_bytes_atomic(path: Path, data: bytes) -> Path:
    """Write via a temp file in the same directory, fsync, then os.replace onto `path`.

    os.replace renames over a symlink rather than writing through it, so a planted link at `path`
    is replaced, never followed.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    _fsync_dir(path.parent)
    return path


def write_text_atomic(path: Path, text: str, encoding: str = "utf-8") -> Path:
    """Text variant of write_bytes_atomic; newlines are written as given (no platform translation)."""
    return write_bytes_atomic(path, text.encode(encoding))
