"""Bundle intake: a folder or a .zip in, the list of submissions out (SPEC §2).

A district's zip is untrusted input. Every entry is checked before a byte is written: an entry that
would land outside the work folder (`../`, absolute path, drive letter, symlink), is encrypted, or
breaks the size / count / compression-ratio limits (zip bomb; declared sizes are checked first and
bytes are counted again while streaming, since headers can lie) is skipped and recorded as that
submission's `unsafe_entry` error; the rest of the bundle goes on. Limits live in `intake.yaml`.
"""
from __future__ import annotations

import re
import shutil
import stat
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePosixPath

import yaml

from pipeline.errors import InputError, RunError
from pipeline.model import DocumentError, Submission

LIMITS_FILE = Path(__file__).with_name("intake.yaml")
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Limits:
    max_files: int = 5000
    max_entry_bytes: int = 2 << 30
    max_total_bytes: int = 16 << 30
    max_ratio: float = 200.0
    ratio_min_bytes: int = 10 << 20
    ignore_names: tuple[str, ...] = ("Thumbs.db", "desktop.ini", "__MACOSX")
    ignore_prefixes: tuple[str, ...] = (".", "~$", "._")


@lru_cache(maxsize=1)
def default_limits() -> Limits:
    data = yaml.safe_load(LIMITS_FILE.read_text(encoding="utf-8")) if LIMITS_FILE.exists() else {}
    data = {k: tuple(v) if isinstance(v, list) else v for k, v in (data or {}).items()}
    return Limits(**data)


@dataclass
class Bundle:
    root: Path
    """Folder holding the submissions (the bundle folder itself, or where the zip was extracted)."""
    submissions: list[Submission]
    """Every submission, including ones whose files were all refused (files == ())."""
    errors: dict[str, list[DocumentError]] = field(default_factory=dict)
    """Intake errors by submission name (unsafe zip entries, empty folders)."""


def open_bundle(path: Path, work_dir: Path, limits: Limits | None = None) -> Bundle:
    """Open a bundle folder or zip. Raises RunError (one line) only when nothing can be read."""
    limits = limits or default_limits()
    path = Path(path)
    if not path.exists():
        raise RunError(f"找不到申报材料包 / bundle not found: {path}")
    if path.is_dir():
        return _scan(path, limits, {})
    if not zipfile.is_zipfile(path):
        raise RunError(f"无法打开压缩包（不是文件夹或有效的 .zip）/ not a folder or a readable zip: {path.name}")
    dest = Path(work_dir) / "extracted"
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    try:
        with zipfile.ZipFile(path) as zf:
            errors, prefix = _extract(zf, dest, limits)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
        raise RunError(f"无法打开压缩包 / cannot open zip {path.name}: {exc}") from None
    return _scan(dest / prefix if prefix else dest, limits, errors)


# ---------------------------------------------------------------- scanning


def _ignored(name: str, limits: Limits) -> bool:
    if name in (".", ".."):  # traversal, not a hidden file: must be refused loudly, not skipped
        return False
    return name in limits.ignore_names or name.startswith(limits.ignore_prefixes)


def _natural_key(rel: PurePosixPath) -> list:
    return [[int(t) if t.isdigit() else t.casefold() for t in re.split(r"(\d+)", part)] for part in rel.parts]


def _scan(root: Path, limits: Limits, errors: dict[str, list[DocumentError]]) -> Bundle:
    subs: dict[str, tuple[str, ...]] = {}
    errors = {k: list(v) for k, v in errors.items()}
    for entry in sorted(root.iterdir(), key=lambda p: _natural_key(PurePosixPath(p.name))):
        if _ignored(entry.name, limits):
            continue
        if entry.is_symlink():
            errors.setdefault(entry.name, []).append(_unsafe(entry.name, "符号链接（快捷方式），已跳过"))
            continue
        if entry.is_file():
            subs[entry.name] = (entry.name,)
        elif entry.is_dir():
            files = _files_under(root, entry, limits, errors)
            subs[entry.name] = tuple(files)
            if not files and entry.name not in errors:
                errors[entry.name] = [InputError("no_pages", "文件夹中没有文件", file=entry.name).to_error()]
    for name in errors:
        subs.setdefault(name, ())
    ordered = sorted(subs, key=lambda n: _natural_key(PurePosixPath(n)))
    return Bundle(root=root, submissions=[Submission(name=n, files=subs[n]) for n in ordered], errors=errors)


def _files_under(root: Path, folder: Path, limits: Limits, errors: dict) -> list[str]:
    out: list[PurePosixPath] = []
    for p in folder.rglob("*"):
        rel = PurePosixPath(p.relative_to(root).as_posix())
        if any(_ignored(part, limits) for part in rel.parts):
            continue
        if p.is_symlink():
            errors.setdefault(folder.name, []).append(_unsafe(str(rel), "符号链接（快捷方式），已跳过"))
        elif p.is_file():
            out.append(rel)
    return [str(r) for r in sorted(out, key=_natural_key)]


# ---------------------------------------------------------------- zip extraction


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


def _unsafe(name: str, reason: str) -> DocumentError:
    return InputError("unsafe_entry", f"{name}：{reason}", file=name).to_error()


def _submission_key(name: str) -> str:
    """Top-level component of an entry, with traversal parts removed (only used to file the error)."""
    parts = [p for p in re.split(r"[/\\]+", name) if p not in ("", ".", "..") and not re.fullmatch(r"[A-Za-z]:", p)]
    return parts[0] if parts else name


def _refusal(info: zipfile.ZipInfo, name: str, limits: Limits) -> str | None:
    if "\x00" in name:
        return "文件名含非法字符"
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return "使用绝对路径，可能写到解压目录之外"
    if ".." in PurePosixPath(name).parts:
        return "路径含“../”，试图跳出解压目录"
    mode = info.external_attr >> 16
    if info.create_system == 3 and stat.S_ISLNK(mode):
        return "是符号链接，可能指向目录之外"
    if info.flag_bits & 0x1:
        return "已加密，需要密码才能解压"
    if info.file_size > limits.max_entry_bytes:
        return f"解压后大小 {info.file_size} 字节，超过上限 {limits.max_entry_bytes}"
    if info.file_size >= limits.ratio_min_bytes and info.file_size > limits.max_ratio * max(info.compress_size, 1):
        return f"压缩比异常（{info.file_size // max(info.compress_size, 1)}:1），疑似压缩炸弹"
    return None


def _extract(zf: zipfile.ZipFile, dest: Path, limits: Limits) -> tuple[dict[str, list[DocumentError]], str]:
    infos = [(i, decode_name(i)) for i in zf.infolist()]
    entries = [(i, n) for i, n in infos if not i.is_dir() and not any(_ignored(p, limits) for p in PurePosixPath(n).parts)]
    prefix = _common_folder([n for _, n in entries])
    errors: dict[str, list[DocumentError]] = {}
    root = dest.resolve()
    total = 0
    count = 0
    for info, name in entries:
        rel = name[len(prefix) + 1:] if prefix and name.startswith(prefix + "/") else name
        key = _submission_key(rel)
        reason = _refusal(info, name, limits)
        if reason is None and count >= limits.max_files:
            reason = f"压缩包文件数超过上限 {limits.max_files}，其余文件未解压"
        if reason is None and total + info.file_size > limits.max_total_bytes:
            reason = f"压缩包解压总量超过上限 {limits.max_total_bytes} 字节"
        target = (dest / name).resolve() if reason is None else None
        if target is not None and not target.is_relative_to(root):
            reason = "解压位置在目录之外"
        if reason is None:
            reason, written = _stream(zf, info, target, limits, min(limits.max_entry_bytes, limits.max_total_bytes - total))
            total += written
        if reason is not None:
            errors.setdefault(key, []).append(_unsafe(name, reason))
        else:
            count += 1
    return errors, prefix


def _stream(zf: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, limits: Limits, budget: int) -> tuple[str | None, int]:
    """Copy one entry, counting real bytes against the budget and the ratio limit."""
    target.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    try:
        with zf.open(info) as src, open(target, "xb") as out:
            while chunk := src.read(_CHUNK):
                written += len(chunk)
                if written > budget:
                    raise _Refused(f"实际解压超过大小上限（{budget} 字节），疑似压缩炸弹")
                if written >= limits.ratio_min_bytes and written > limits.max_ratio * max(info.compress_size, 1):
                    raise _Refused("实际压缩比异常，疑似压缩炸弹")
                out.write(chunk)
    except FileExistsError:
        return "与前面的条目重名，未覆盖", 0
    except _Refused as exc:
        target.unlink(missing_ok=True)
        return str(exc), 0
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError) as exc:
        target.unlink(missing_ok=True)
        return f"条目已损坏或无法解压（{exc}）", 0
    return None, written


class _Refused(Exception):
    pass


def _common_folder(names: list[str]) -> str:
    """A zip made by zipping the bundle folder holds everything under that one folder: look inside."""
    tops = {PurePosixPath(n).parts[0] for n in names if PurePosixPath(n).parts}
    if len(tops) != 1 or any(len(PurePosixPath(n).parts) < 2 for n in names):
        return ""
    top = tops.pop()
    if top in ("..", "/") or re.fullmatch(r"[A-Za-z]:", top):
        return ""
    # Only a folder of folders is a wrapper; a folder of files is one application's submission.
    return top if any(len(PurePosixPath(n).parts) >= 3 for n in names) else ""
