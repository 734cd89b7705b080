"""Intake's limits: the sizes, counts and budgets an untrusted bundle is held to (SPEC §2).

They live in intake.yaml, or in the file JIEBANG_LIMITS names; the readers and the flow's budgets
read them from here too.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from pipeline.errors import RunError

LIMITS_FILE = Path(__file__).parent.parent / "intake.yaml"


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
