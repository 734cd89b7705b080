"""Extracting a district's zip, entry by entry, with every entry checked before a byte is written.

An entry that would land outside the work folder (`../`, absolute path, drive letter, symlink), is
encrypted, or breaks the size / count / compression-ratio limits (zip bomb; declared sizes are
checked first and bytes are counted again while streaming, since headers can lie) is skipped and
recorded as that submission's `unsafe_entry` error; the rest of the bundle goes on.
"""
from __future__ import annotations

import re
import stat
import zipfile
from pathlib import Path, PurePosixPath

from pipeline.intake.entries import ignored, unsafe
from pipeline.intake.limits import Limits
from pipeline.intake.names import clean_parts, decode_name, escaped
from pipeline.model import DocumentError

_CHUNK = 1 << 20


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


def _zip_original(info: zipfile.ZipInfo) -> str:
    """The entry name's stored bytes, as text where they are UTF-8, backslash-escaped where not."""
    return escaped(info.filename.encode("utf-8" if info.flag_bits & 0x800 else "cp437", "replace"))


def extract(zf: zipfile.ZipFile, dest: Path, limits: Limits) -> tuple[dict[str, list[DocumentError]], str, dict[str, str]]:
    """Extract what is safe into dest: (refusals by submission, the wrapper folder or '', names renamed)."""
    renamed: dict[str, str] = {}
    infos = []
    for i in zf.infolist():
        shown = decode_name(i)
        infos.append((i, clean_parts(shown, renamed, original=_zip_original(i)) if shown else shown))
    entries = [(i, n) for i, n in infos if not i.is_dir() and not any(ignored(p, limits) for p in PurePosixPath(n).parts)]
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
            errors.setdefault(key, []).append(unsafe(name, reason))
        else:
            count += 1
    renamed = {k[len(prefix) + 1:] if prefix and k.startswith(prefix + "/") else k: v for k, v in renamed.items()}
    return errors, prefix, renamed


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
