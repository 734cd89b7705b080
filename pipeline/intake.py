"""Bundle intake: a folder or a .zip in, the list of submissions out (SPEC §2).

A district's zip is untrusted input. Every entry is checked before a byte is written: an entry that
would land outside the work folder (`../`, absolute path, drive letter, symlink), is encrypted, or
breaks the size / count / compression-ratio limits (zip bomb; declared sizes are checked first and
bytes are counted again while streaming, since headers can lie) is skipped and recorded as that
submission's `unsafe_entry` error; the rest of the bundle goes on. Limits live in `intake.yaml`.
"""
from __future__ import annotations

import hashlib
import os
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
    page_pixels: int = 25_000_000
    max_pages: int = 500
    submission_seconds: float = 600.0
    ignore_names: tuple[str, ...] = ("Thumbs.db", "desktop.ini", "__MACOSX")
    ignore_prefixes: tuple[str, ...] = (".", "~$", "._")


@lru_cache(maxsize=1)
def default_limits() -> Limits:
    """intake.yaml, or the file JIEBANG_LIMITS names (an operator's own budgets; inherited by the
    page workers). Keys left out keep their defaults."""
    path = Path(os.environ.get("JIEBANG_LIMITS") or LIMITS_FILE)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}
        data = {k: tuple(v) if isinstance(v, list) else v for k, v in (data or {}).items()}
        return Limits(**data)
    except (OSError, ValueError, TypeError, AttributeError, yaml.YAMLError) as exc:
        raise RunError(f"限额文件无法读取 / invalid limits file {path}: {type(exc).__name__}: {str(exc)[:120]}") from None


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
        if _needs_view(path):  # names that are not UTF-8 (a GBK folder copied from Windows)
            errors = _scan(path, limits, {}).errors
            errors = {(decode_bytes(os.fsencode(k)) if _has_raw_bytes(k) else k): v for k, v in errors.items()}
            view, renamed = _name_view(path, Path(work_dir) / "names", limits)
            return _scan(view, limits, {k: [_clean_error(e) for e in v] for k, v in errors.items()}, renamed)
        return _scan(path, limits, {})
    dest = Path(work_dir) / "extracted"
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    try:
        with zipfile.ZipFile(path) as zf:
            errors, prefix, renamed = _extract(zf, dest, limits)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, UnicodeDecodeError) as exc:
        raise RunError(f"无法打开压缩包 / cannot open zip {path.name}: {type(exc).__name__}: {str(exc)[:120]}") from None
    return _scan(dest / prefix if prefix else dest, limits, errors, renamed)


def check_bundle_file(path: Path) -> None:
    """A bundle that is not a folder must be a readable zip; a FIFO or device is refused unopened."""
    if not stat.S_ISREG(path.stat().st_mode):
        raise RunError(f"申报材料包不是文件夹或文件 / bundle is not a folder or a file: {path}")
    if not zipfile.is_zipfile(path):
        raise RunError(f"无法打开压缩包（不是文件夹或有效的 .zip）/ not a folder or a readable zip: {path.name}")


# ---------------------------------------------------------------- scanning


def _ignored(name: str, limits: Limits) -> bool:
    if name in (".", ".."):  # traversal, not a hidden file: must be refused loudly, not skipped
        return False
    return name in limits.ignore_names or name.startswith(limits.ignore_prefixes)


def _natural_key(rel: PurePosixPath) -> list:
    return [[int(t) if t.isdigit() else t.casefold() for t in re.split(r"(\d+)", part)] for part in rel.parts]


_SPECIAL = ((stat.S_ISFIFO, "命名管道（FIFO）"), (stat.S_ISSOCK, "套接字（socket）"),
            (stat.S_ISCHR, "字符设备"), (stat.S_ISBLK, "块设备"))


def _problem(p: Path) -> DocumentError | None:
    """Why a bundle entry is not read, from lstat alone: a FIFO or a device could block whoever opens
    it, so nothing here opens anything. None for a regular readable file or a folder."""
    name = p.name
    try:
        st = p.lstat()
    except OSError as exc:
        return InputError("unreadable", f"{name}：{exc.strerror or exc}", file=name).to_error()
    if stat.S_ISLNK(st.st_mode):
        what = "符号链接（快捷方式），已跳过" if p.exists() else "符号链接（快捷方式）指向不存在的文件，已跳过"
        return _unsafe(name, what)
    if stat.S_ISDIR(st.st_mode) or stat.S_ISREG(st.st_mode):
        if not os.access(p, os.R_OK | (os.X_OK if stat.S_ISDIR(st.st_mode) else 0)):
            return InputError("unreadable", f"{name}：没有读取权限", file=name).to_error()
        return None
    what = next((label for test, label in _SPECIAL if test(st.st_mode)), "特殊文件")
    return InputError("not_a_file", f"{name}：是{what}，不是普通文件，未打开", file=name).to_error()


def _scan(root: Path, limits: Limits, errors: dict[str, list[DocumentError]],
          renamed: dict[str, str] | None = None) -> Bundle:
    subs: dict[str, tuple[str, ...]] = {}
    errors = {k: list(v) for k, v in errors.items()}
    for entry in sorted(root.iterdir(), key=lambda p: _natural_key(PurePosixPath(p.name))):
        if _ignored(entry.name, limits):
            continue
        problem = _problem(entry)
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
            if _ignored(p.name, limits):
                continue
            problem = _problem(p)
            if problem is not None:
                problem = problem.model_copy(update={"file": str(rel), "message": problem.message.replace(p.name, str(rel), 1)})
                errors.setdefault(folder.name, []).append(problem)
            elif p.is_dir():
                stack.append(p)
            else:
                out.append(rel)
    return [str(r) for r in sorted(out, key=_natural_key)]


# ---------------------------------------------------------------- names


def _has_raw_bytes(name: str) -> bool:
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


def _clean_parts(rel: str, renamed: dict[str, str], original: str | None = None) -> str:
    """`rel` with every part fitted to the file system (see ids.fit_name); the original recorded."""
    from pipeline.report.ids import fit_name

    parts = [fit_name(p) for p in rel.split("/")]
    clean = "/".join(parts)
    if clean != (original if original is not None else rel):
        renamed[clean] = original if original is not None else rel
    return clean


def _needs_view(root: Path) -> bool:
    for _dir, dirs, files in os.walk(root):
        if any(_has_raw_bytes(n) for n in dirs + files):
            return True
    return False


def _name_view(root: Path, dest: Path, limits: Limits) -> tuple[Path, dict[str, str]]:
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
        dirs[:] = [d for d in dirs if not _ignored(d, limits) and _problem(Path(dirpath) / d) is None]
        for name in sorted(dirs + files):
            src = Path(dirpath) / name
            if _ignored(name, limits) or _problem(src) is not None:
                continue
            shown = decode_bytes(os.fsencode(name)) if _has_raw_bytes(name) else name
            orig_rel = (rel_dir / name).as_posix()
            rel_clean = "/".join([_display_dir(rel_dir), shown]) if rel_dir.parts else shown
            if rel_clean in made:  # two byte names that decode alike: keep both
                stem, dot, suffix = rel_clean.rpartition(".")
                tag = "~" + hashlib.sha256(os.fsencode(orig_rel)).hexdigest()[:8]
                rel_clean = f"{stem}{tag}.{suffix}" if dot and "/" not in suffix else rel_clean + tag
            made.add(rel_clean)
            clean = _clean_parts(rel_clean, renamed, original=_escaped(os.fsencode(orig_rel)))
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

    return "/".join(fit_name(decode_bytes(os.fsencode(p)) if _has_raw_bytes(p) else p) for p in rel_dir.parts)


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


def _zip_original(info: zipfile.ZipInfo) -> str:
    """The entry name's stored bytes, as text where they are UTF-8, backslash-escaped where not."""
    return _escaped(info.filename.encode("utf-8" if info.flag_bits & 0x800 else "cp437", "replace"))


def _escaped(raw: bytes) -> str:
    """Name bytes for provenance: as text when UTF-8, else every non-ASCII byte as \\xNN."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("ascii", "backslashreplace")


def _extract(zf: zipfile.ZipFile, dest: Path, limits: Limits) -> tuple[dict[str, list[DocumentError]], str, dict[str, str]]:
    renamed: dict[str, str] = {}
    infos = []
    for i in zf.infolist():
        shown = decode_name(i)
        infos.append((i, _clean_parts(shown, renamed, original=_zip_original(i)) if shown else shown))
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


def _clean_error(e: DocumentError) -> DocumentError:
    """An intake error about a non-UTF-8 name, with the name as decoded (JSON cannot hold raw bytes)."""
    fix = (lambda t: "/".join(decode_bytes(os.fsencode(p)) if _has_raw_bytes(p) else p for p in t.split("/")))
    return e.model_copy(update={"file": fix(e.file), "message": fix(e.message)})
