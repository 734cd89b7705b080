"""Which bundle entries intake skips or refuses, and the error each refusal leaves on the sheet.

Decided from names and lstat alone: a FIFO or a device could block whoever opens it, so nothing
here opens anything.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path

from pipeline.errors import InputError
from pipeline.intake.limits import Limits
from pipeline.model import DocumentError


def ignored(name: str, limits: Limits) -> bool:
    if name in (".", ".."):  # traversal, not a hidden file: must be refused loudly, not skipped
        return False
    return name in limits.ignore_names or name.startswith(limits.ignore_prefixes)


SPECIAL_FILES = ((stat.S_ISFIFO, "命名管道（FIFO）"), (stat.S_ISSOCK, "套接字（socket）"),
                 (stat.S_ISCHR, "字符设备"), (stat.S_ISBLK, "块设备"))


def entry_problem(p: Path) -> DocumentError | None:
    """Why a bundle entry is not read, from lstat alone: a FIFO or a device could block whoever opens
    it, so nothing here opens anything. None for a regular readable file or a folder."""
    name = p.name
    try:
        st = p.lstat()
    except OSError as exc:
        return InputError("unreadable", f"{name}：{exc.strerror or exc}", file=name).to_error()
    if stat.S_ISLNK(st.st_mode):
        what = "符号链接（快捷方式），已跳过" if p.exists() else "符号链接（快捷方式）指向不存在的文件，已跳过"
        return unsafe(name, what)
    if stat.S_ISDIR(st.st_mode) or stat.S_ISREG(st.st_mode):
        if not os.access(p, os.R_OK | (os.X_OK if stat.S_ISDIR(st.st_mode) else 0)):
            return InputError("unreadable", f"{name}：没有读取权限", file=name).to_error()
        return None
    what = next((label for test, label in SPECIAL_FILES if test(st.st_mode)), "特殊文件")
    return InputError("not_a_file", f"{name}：是{what}，不是普通文件，未打开", file=name).to_error()


def unsafe(name: str, reason: str) -> DocumentError:
    return InputError("unsafe_entry", f"{name}：{reason}", file=name).to_error()
