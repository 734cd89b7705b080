"""Opening a bundle: a folder or a .zip in, the list of submissions out (SPEC §2), every entry that
cannot or must not be read recorded as its submission's error while the rest goes on.
"""
from __future__ import annotations

import os
import re
import unicodedata
import shutil
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from pipeline.errors import InputError, RunError
from pipeline.intake.entries import entry_problem, ignored
from pipeline.intake.limits import Limits, default_limits
from pipeline.intake.names import clean_error, decode_bytes, has_raw_bytes, name_view, needs_view
from pipeline.intake.archive import extract
from pipeline.model import DocumentError, Submission

@dataclass
class Bundle:
    root: Path
    """Folder holding the submissions (the bundle folder itself, or where the zip was extracted)."""
    submissions: list[Submission]
    """Every submission, including ones whose files were all refused (files == ())."""
    errors: dict[str, list[DocumentError]] = field(default_factory=dict)
    """Intake errors by submission name (unsafe zip entries, empty folders, FIFOs, unreadable files)."""
    renamed: dict[str, str] = field(default_factory=dict)
    """Bundle-relative name as processed → the original name (its bytes, backslash-escaped where not
    UTF-8) for names that were decoded (GBK, CP437) or shortened to fit the file system."""


def open_bundle(path: Path, work_dir: Path, limits: Limits | None = None) -> Bundle:
    """Open a bundle folder or zip. Raises RunError (one line) only when nothing can be read."""
    limits = limits or default_limits()
    path = Path(path)
    if not path.exists():
        raise RunError(f"找不到申报材料包 / bundle not found: {path}")
    if not path.is_dir():
        check_bundle_file(path)
    if path.is_dir():
        if needs_view(path):  # names that are not UTF-8 (a GBK folder copied from Windows)
            errors = _scan(path, limits, {}).errors
            errors = {(decode_bytes(os.fsencode(k)) if has_raw_bytes(k) else k): v for k, v in errors.items()}
            view, renamed = name_view(path, Path(work_dir) / "names", limits)
            return _scan(view, limits, {k: [clean_error(e) for e in v] for k, v in errors.items()}, renamed)
        return _scan(path, limits, {})
    dest = Path(work_dir) / "extracted"
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    try:
        with zipfile.ZipFile(path) as zf:
            errors, prefix, renamed = extract(zf, dest, limits)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, UnicodeDecodeError) as exc:
        raise RunError(f"无法打开压缩包 / cannot open zip {path.name}: {type(exc).__name__}: {str(exc)[:120]}") from None
    return _scan(dest / prefix if prefix else dest, limits, errors, renamed)


def check_bundle_file(path: Path) -> None:
    """A bundle that is not a folder must be a readable zip; a FIFO or device is refused unopened."""
    if not stat.S_ISREG(path.stat().st_mode):
        raise RunError(f"申报材料包不是文件夹或文件 / bundle is not a folder or a file: {path}")
    if not zipfile.is_zipfile(path):
        raise RunError(f"无法打开压缩包（不是文件夹或有效的 .zip）/ not a folder or a readable zip: {path.name}")


_SEPARATORS = re.compile(r"[\s_\-－—]+")


def _natural_key(rel: PurePosixPath) -> list:
    """Page order of a folder's files as people number them: 页1, 页2 … 页10 (numbers by value, full-width
    digits too), spaces and separators ignored (页 3 between 页2 and 页4)."""
    return [[int(t) if t.isdecimal() else _SEPARATORS.sub("", unicodedata.normalize("NFKC", t).casefold())
             for t in re.split(r"(\d+)", part)] for part in rel.parts]


def _scan(root: Path, limits: Limits, errors: dict[str, list[DocumentError]],
          renamed: dict[str, str] | None = None) -> Bundle:
    subs: dict[str, tuple[str, ...]] = {}
    errors = {k: list(v) for k, v in errors.items()}
    for entry in sorted(root.iterdir(), key=lambda p: _natural_key(PurePosixPath(p.name))):
        if ignored(entry.name, limits):
            continue
        problem = entry_problem(entry)
        if problem is not None:
            errors.setdefault(entry.name, []).append(problem)
        elif entry.is_file():
            subs[entry.name] = (entry.name,)
        elif entry.is_dir():
            files = _files_under(root, entry, limits, errors)
            subs[entry.name] = tuple(files)
            if not files and entry.name not in errors:
                errors[entry.name] = [InputError("no_pages", "文件夹中没有文件", file=entry.name).to_error()]
    for name in errors:
        subs.setdefault(name, ())
    ordered = sorted(subs, key=lambda n: _natural_key(PurePosixPath(n)))
    return Bundle(root=root, submissions=[Submission(name=n, files=subs[n]) for n in ordered], errors=errors,
                  renamed=dict(renamed or {}))


def _files_under(root: Path, folder: Path, limits: Limits, errors: dict) -> list[str]:
    out: list[PurePosixPath] = []
    stack = [folder]
    while stack:  # by hand, not rglob: an unreadable sub-folder is that folder's error, not a crash
        current = stack.pop()
        try:
            children = list(current.iterdir())
        except OSError as exc:
            rel = current.relative_to(root).as_posix()
            errors.setdefault(folder.name, []).append(
                InputError("unreadable", f"{rel}：{exc.strerror or exc}", file=rel).to_error())
            continue
        for p in children:
            rel = PurePosixPath(p.relative_to(root).as_posix())
            if ignored(p.name, limits):
                continue
            problem = entry_problem(p)
            if problem is not None:
                problem = problem.model_copy(update={"file": str(rel), "message": problem.message.replace(p.name, str(rel), 1)})
                errors.setdefault(folder.name, []).append(problem)
            elif p.is_dir():
                stack.append(p)
            else:
                out.append(rel)
    return [str(r) for r in sorted(out, key=_natural_key)]
