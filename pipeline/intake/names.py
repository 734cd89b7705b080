"""File names as a Windows user saw them: non-UTF-8 names (GBK folders copied from Windows, zips
without the UTF-8 flag) decoded, names fitted to the file system, the original bytes kept for
provenance, and a decoded view of a folder bundle whose names are not all UTF-8.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import zipfile
from pathlib import Path

from pipeline.intake.entries import entry_problem, ignored
from pipeline.intake.limits import Limits
from pipeline.model import DocumentError


def has_raw_bytes(name: str) -> bool:
    """A name from the OS that is not UTF-8 carries its bytes as lone surrogates (PEP 383)."""
    return any("\udc80" <= ch <= "\udcff" for ch in name)


def decode_bytes(raw: bytes) -> str:
    """A file name's bytes as a Windows user saw them: UTF-8, else GB18030 (Chinese Windows, a
    superset of GBK), else CP437 (what zip tools assume), which decodes anything."""
    for enc in ("utf-8", "gb18030", "cp437"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", "backslashreplace")  # unreachable: cp437 maps every byte


def decode_name(info: zipfile.ZipInfo) -> str:
    """The entry name as the author saw it: Chinese Windows zips store GBK bytes without the
    UTF-8 flag (0x800), which zipfile then decodes as cp437."""
    name = info.filename
    if not info.flag_bits & 0x800:
        try:
            raw = name.encode("cp437")
        except UnicodeEncodeError:
            return name
        for enc in ("utf-8", "gb18030"):
            try:
                name = raw.decode(enc)
                break
            except UnicodeDecodeError:
                continue
    return name.replace("\\", "/")


def escaped(raw: bytes) -> str:
    """Name bytes for provenance: as text when UTF-8, else every non-ASCII byte as \\xNN."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("ascii", "backslashreplace")


def clean_parts(rel: str, renamed: dict[str, str], original: str | None = None) -> str:
    """`rel` with every part fitted to the file system (see ids.fit_name); the original recorded."""
    from pipeline.report.ids import fit_name

    parts = [fit_name(p) for p in rel.split("/")]
    clean = "/".join(parts)
    if clean != (original if original is not None else rel):
        renamed[clean] = original if original is not None else rel
    return clean


def clean_error(e: DocumentError) -> DocumentError:
    """An intake error about a non-UTF-8 name, with the name as decoded (JSON cannot hold raw bytes)."""
    fix = (lambda t: "/".join(decode_bytes(os.fsencode(p)) if has_raw_bytes(p) else p for p in t.split("/")))
    return e.model_copy(update={"file": fix(e.file), "message": fix(e.message)})


def needs_view(root: Path) -> bool:
    for _dir, dirs, files in os.walk(root):
        if any(has_raw_bytes(n) for n in dirs + files):
            return True
    return False


def name_view(root: Path, dest: Path, limits: Limits) -> tuple[Path, dict[str, str]]:
    """A folder bundle whose names are not all UTF-8, seen through a copy of its tree with decoded
    names: files hard-linked (copied across file systems), folders made, nothing else followed.
    Special files and links are left out of the view and reported by the scan of the original.
    Built idempotently: the page prefetch may already be reading from it."""
    renamed: dict[str, str] = {}
    made: set[str] = set()
    dest.mkdir(parents=True, exist_ok=True)
    for dirpath, dirs, files in os.walk(root):
        rel_dir = Path(dirpath).relative_to(root)
        # never descend into what is skipped: ignored folders, links, unreadable folders
        dirs[:] = [d for d in dirs if not ignored(d, limits) and entry_problem(Path(dirpath) / d) is None]
        for name in sorted(dirs + files):
            src = Path(dirpath) / name
            if ignored(name, limits) or entry_problem(src) is not None:
                continue
            shown = decode_bytes(os.fsencode(name)) if has_raw_bytes(name) else name
            orig_rel = (rel_dir / name).as_posix()
            rel_clean = "/".join([_display_dir(rel_dir), shown]) if rel_dir.parts else shown
            if rel_clean in made:  # two byte names that decode alike: keep both
                stem, dot, suffix = rel_clean.rpartition(".")
                tag = "~" + hashlib.sha256(os.fsencode(orig_rel)).hexdigest()[:8]
                rel_clean = f"{stem}{tag}.{suffix}" if dot and "/" not in suffix else rel_clean + tag
            made.add(rel_clean)
            clean = clean_parts(rel_clean, renamed, original=escaped(os.fsencode(orig_rel)))
            target = dest / clean
            if src.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            if target.exists() and os.path.samefile(target, src):
                continue
            target.unlink(missing_ok=True)
            try:
                os.link(src, target)
            except OSError:
                shutil.copyfile(src, target)
    return dest, renamed


def _display_dir(rel_dir: Path) -> str:
    from pipeline.report.ids import fit_name

    return "/".join(fit_name(decode_bytes(os.fsencode(p)) if has_raw_bytes(p) else p) for p in rel_dir.parts)
