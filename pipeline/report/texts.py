"""Loads the report's data files: Chinese labels and the fallback rule requirement texts."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

import yaml

_HERE = Path(__file__).parent


@lru_cache(maxsize=None)
def labels() -> Mapping[str, Mapping[str, str]]:
    data = yaml.safe_load((_HERE / "labels.yaml").read_text(encoding="utf-8"))
    return MappingProxyType({k: MappingProxyType(dict(v)) for k, v in data.items()})


def label(group: str, code: str | None, default: str = "—") -> str:
    """Chinese word for a code; the code itself when unknown, `default` when None."""
    if code is None:
        return default
    return labels()[group].get(code, code)


@lru_cache(maxsize=None)
def _rules() -> tuple[dict, ...]:
    data = yaml.safe_load((_HERE / "rule_texts.yaml").read_text(encoding="utf-8"))
    return tuple(dict(r) for r in data["rules"])


def rule_order() -> dict[str, int]:
    """Checklist row order (SPEC §4 order); unknown rules sort after these."""
    return {r["id"]: i for i, r in enumerate(_rules())}


def requirement_text(rule: str, requirements: Mapping[str, str] | None = None) -> str:
    """The caller's (rules file's) text for `rule` first, else the fallback, else ''."""
    if requirements and requirements.get(rule):
        return requirements[rule]
    for r in _rules():
        if r["id"] == rule:
            return r["requirement"]
    return ""


def default_clause(rule: str) -> str:
    for r in _rules():
        if r["id"] == rule:
            return str(r.get("clause", ""))
    return ""
