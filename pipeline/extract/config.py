"""Word lists and labels from patterns/*.yaml, loaded once per process."""
from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources

import yaml


def _read(name: str) -> str:
    return resources.files("pipeline.extract.patterns").joinpath(name).read_text("utf-8")


@lru_cache(maxsize=1)
def labels() -> dict:
    return yaml.safe_load(_read("labels.yaml"))


@lru_cache(maxsize=1)
def consortium_patterns() -> dict:
    """Member-table columns, tick marks, prose phrasings (patterns/consortium.yaml)."""
    return yaml.safe_load(_read("consortium.yaml"))


@lru_cache(maxsize=1)
def role_patterns() -> list[dict]:
    return [json.loads(ln) for ln in _read("roles.jsonl").splitlines() if ln.strip()]


@lru_cache(maxsize=None)
def label_regex(kind: str) -> tuple[re.Pattern, re.Pattern]:
    """(exact, fuzzy) regexes for the labels of `kind`, longest label first.

    The fuzzy one accepts one character of a 4+ character label misread or dropped by OCR
    (统一社会信用代玛, 报单位名称).
    """
    words = sorted(labels()["labels"][kind], key=len, reverse=True)
    exact = re.compile("|".join(map(re.escape, words)))
    variants = []
    for w in words:
        if len(w) >= 4:
            variants += [re.escape(w[:i]) + "." + re.escape(w[i + 1:]) for i in range(len(w))]
            variants += [re.escape(w[:i] + w[i + 1:]) for i in range(len(w))]  # one character dropped
    fuzzy = re.compile("|".join(variants)) if variants else exact
    return exact, fuzzy
