"""Is OUT already the result of running this bundle with these settings? (no Prefect import)

A rerun of a finished bundle through Prefect costs its start-up (the embedded server, ~5–9 s) even
when every task is cached. Like `make`, `jiebang run` first compares a signature of everything the
sheets depend on — the bundle's bytes, rules, credit lists, pipeline source, OCR engine and
settings, reading budgets, review date — with the one the last completed run stored in OUT/run.json, and checks
that every file that run wrote is still there unchanged. Only then does it skip the flow; any
difference (a changed or new file, a deleted sheet, another date) runs the flow, where the
content-keyed task cache still skips finished work. `--force` always runs the flow.
"""
from __future__ import annotations

import hashlib
import os
import stat
import json
import time
from pathlib import Path

PIPELINE_SRC = Path(__file__).resolve().parent.parent / "pipeline"
SIGNATURE_VERSION = "2"
STATE_DIR = ".jiebang"
"""Hidden folder in OUT: the read cache, seal crops, the extracted zip."""
RUN_RECORD = "run.json"


def source_hash(h, rels: tuple[str, ...] = ("",)) -> None:
    """Feed the source files (code and config) under pipeline/<rel> into hash `h`."""
    for rel in rels:
        p = PIPELINE_SRC / rel
        for f in sorted(p.rglob("*")) if p.is_dir() else [p]:
            if f.is_file() and f.suffix in (".py", ".yaml", ".yml", ".json"):
                h.update(str(f.relative_to(PIPELINE_SRC)).encode())
                h.update(f.read_bytes())


def context_fingerprint(rules: str | None, credit_lists: list[str]) -> str:
    """Hash of the rules file, the credit lists and the whole pipeline source."""
    h = hashlib.sha256()
    for f in [rules, *credit_lists]:
        h.update(Path(f).read_bytes() if f and Path(f).is_file() else b"default")
    source_hash(h)
    return h.hexdigest()


def _file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def bundle_digest(bundle: Path) -> str:
    """Names and bytes of every entry of a bundle folder (symlinks by target, not followed), or a zip's bytes."""
    h = hashlib.sha256()
    if bundle.is_file():
        h.update(_file_digest(bundle).encode())
        return h.hexdigest()
    for p in sorted(bundle.rglob("*")):
        rel = os.fsencode(p.relative_to(bundle))  # any bytes: names need not be UTF-8
        if p.is_symlink():
            h.update(b"L" + rel + b"\0" + os.fsencode(p.readlink()) + b"\0")
        elif stat.S_ISREG(p.lstat().st_mode):  # never open a FIFO or a device: it could block
            try:
                h.update(b"F" + rel + b"\0" + _file_digest(p).encode() + b"\0")
            except OSError as exc:  # unreadable: its sheet says so; the digest notes it
                h.update(b"E" + rel + b"\0" + str(exc.errno).encode() + b"\0")
    return h.hexdigest()


def _limits_bytes() -> bytes:
    path = Path(os.environ.get("JIEBANG_LIMITS") or PIPELINE_SRC / "intake.yaml")
    try:
        return path.read_bytes()
    except OSError as exc:  # the run itself refuses an unreadable limits file in one line
        return f"unreadable {path}: {exc.errno}".encode()


def run_signature(bundle: Path, credit_lists: list[str], rules: str | None, ocr_engine: str, run_date: str | None) -> str:
    """The OCR settings version is in pipeline/reading/__init__.py, whose source the fingerprint holds: not
    imported here (numpy, pydantic: ~40% of an up-to-date rerun's time, issue 18). The budgets are
    read as bytes for the same reason (intake.yaml or JIEBANG_LIMITS: a bigger one reads what the
    last run cut)."""
    h = hashlib.sha256()
    for part in (SIGNATURE_VERSION, bundle_digest(bundle), context_fingerprint(rules, credit_lists), ocr_engine,
                 run_date or time.strftime("%Y-%m-%d"), _limits_bytes()):
        h.update(str(part).encode() + b"\0")
    return h.hexdigest()


def output_digests(out: Path, skip: tuple[str, ...] = (STATE_DIR, RUN_RECORD)) -> dict[str, str]:
    """sha256 of every file under OUT except the names in `skip` (run record, state folder)."""
    found = {}
    for p in sorted(out.rglob("*")):
        rel = p.relative_to(out)
        if rel.parts[0] in skip or not p.is_file() or p.is_symlink():
            continue
        found[rel.as_posix()] = _file_digest(p)
    return found


def up_to_date(out: Path, signature: str) -> dict | None:
    """The last run's record when it completed with this signature and its outputs are intact, else None."""
    try:
        record = json.loads((out / RUN_RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if record.get("status") != "completed" or record.get("signature") != signature:
        return None
    outputs = record.get("outputs") or {}
    if not outputs:
        return None
    for rel, digest in outputs.items():
        p = out / rel
        if not p.is_file() or _file_digest(p) != digest:
            return None
    return record
