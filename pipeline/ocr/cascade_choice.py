"""Which lines of a Tesseract page the cascade re-reads with RapidOCR, and which reading wins.

The rules are in pipeline/ocr/cascade.py's docstring and the data in cascade.yaml (labels, key-fact
keywords, thresholds); this module holds the pure decisions, pipeline/ocr/cascade.py the engine.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from pipeline import uscc
from pipeline.model import Line

CONFIG_PATH = Path(__file__).with_name("cascade.yaml")


@lru_cache(maxsize=1)
def settings() -> dict:
    return yaml.safe_load(CONFIG_PATH.read_text(encoding="utf-8"))


def nfkc(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


_CODE = re.compile(r"[0-9A-Z]{18}")


def uscc_ok(text: str) -> bool:
    """True when the text holds an 18-character code passing both USCC checks."""
    return any(uscc.is_valid(m) for m in _CODE.findall(nfkc(text).upper()))


def checksum_confirmed(line: Line, other: str, conf: float) -> Line:
    """`line` (kept for its valid code) with that code's words at `conf` at least, when the other engine's
    reading holds all but two or fewer of its characters in order: both engines saw the code, and the two
    check characters confirm the one that is whole (dev seed 1472 #08: Tesseract's 125001549976781039 at 0.15
    beside RapidOCR's 1250015499781039 — a review of a code read right)."""
    codes = [m for m in _CODE.findall(nfkc(line.text).upper()) if uscc.is_valid(m)]
    runs = re.findall(r"[0-9A-Z]{14,}", nfkc(other).upper())
    sure = {c for c in codes if any(len(r) >= len(c) - 2 and _in_order(r, c) for r in runs)}
    if not sure:
        return line
    words = tuple(w.model_copy(update={"confidence": max(w.confidence, conf)})
                  if any(c in nfkc(w.text).upper() for c in sure) else w for w in line.words)
    return line.model_copy(update={"words": words})


def _in_order(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


def label_of(text: str) -> str:
    """The label before the first colon (NFKC turns ：into :), or ''."""
    t = nfkc(text)
    return t.split(":", 1)[0] if ":" in t else ""


def has_known_label(text: str, labels: frozenset[str]) -> bool:
    """The text's label (before ：) is a known one; without a colon, the text starts with one
    (RapidOCR sometimes drops the colon: 申报单位（盖章）重庆…, which is still the right label)."""
    if ":" in nfkc(text):
        return label_of(text) in labels
    t = nfkc(text)
    return any(t.startswith(lab) and len(t) > len(lab) for lab in labels)


def restore_colon(t_text: str, line: Line) -> Line:
    """RapidOCR's line without the ：that Tesseract saw after the same known label gets it back
    (the forms put ：after every label; RapidOCR drops it now and then)."""
    labels = known_labels()
    label = label_of(t_text)
    r = line.text
    if label not in labels or ":" in nfkc(r) or not nfkc(r).startswith(label):
        return line
    # position in r just after the label's characters (r may hold spaces the NFKC form lacks)
    seen, cut = "", None
    for k, ch in enumerate(r):
        seen += "".join(unicodedata.normalize("NFKC", ch).split())
        if seen == label:
            cut = k + 1
            break
    if cut is None:
        return line
    return line.model_copy(update={"text": r[:cut] + "：" + r[cut:]})


_RUN = re.compile(r"[0-9A-Z]{4,}")


def restore_doubles(t_text: str, line: Line) -> Line:
    """RapidOCR's recogniser (CTC decoding) now and then reads two like characters side by side as one:
    1250011032 read 125011032 at 0.99 where Tesseract had it whole at 0.91 (dev seed 1361 #005, a member's
    code lost). A run of digits and capitals RapidOCR gives one character short of Tesseract's same run
    with that character doubled is Tesseract's run."""
    t_runs = set(_RUN.findall(t_text))
    fixes = {tr[:k] + tr[k + 1:]: tr for tr in t_runs for k in range(1, len(tr)) if tr[k] == tr[k - 1]}
    fixes = {short: long for short, long in fixes.items() if short not in t_runs}
    if not fixes:
        return line

    def mend(text: str) -> str:
        return _RUN.sub(lambda m: fixes.get(m.group(), m.group()), text)

    text = mend(line.text)
    if text == line.text:
        return line
    words = tuple(w.model_copy(update={"text": mend(w.text)}) for w in line.words)
    return line.model_copy(update={"text": text, "words": words})


@lru_cache(maxsize=1)
def known_labels() -> frozenset[str]:
    return frozenset(nfkc(x) for x in settings()["labels"])


@dataclass
class Decision:
    index: int
    """Position of the line in the Tesseract output."""
    why: tuple[str, ...]
    """Why it was re-read: 'low_confidence', 'key_fact', 'table'."""
    tesseract: str
    tesseract_conf: float
    rapidocr: str
    rapidocr_conf: float
    winner: str
    rule: str
    """'empty', 'noise', 'uscc_checksum', 'known_label', 'confidence'."""


def choose(t_text: str, t_conf: float, r_text: str, r_conf: float) -> tuple[str, str]:
    """(winner engine, rule) for two readings of one line; see the module docstring."""
    return choose_block([(t_text, t_conf)], [(r_text, r_conf)] if r_text.strip() else [])


def choose_block(t_lines: list[tuple[str, float]], r_lines: list[tuple[str, float]]) -> tuple[str, str]:
    """(winner engine, rule) for two readings of a block of lines, same rules as for one line:
    empty, then the number of valid USCCs, then of known labels, then char-weighted confidence."""
    if not any(t.strip() for t, _ in r_lines):
        return "tesseract", "empty"
    t_ok, r_ok = (sum(uscc_ok(t) for t, _ in ls) for ls in (t_lines, r_lines))
    if t_ok != r_ok:
        return ("rapidocr" if r_ok > t_ok else "tesseract"), "uscc_checksum"
    labels = known_labels()
    t_lab, r_lab = (sum(has_known_label(t, labels) for t, _ in ls) for ls in (t_lines, r_lines))
    if t_lab != r_lab:
        return ("rapidocr" if r_lab > t_lab else "tesseract"), "known_label"
    return ("rapidocr" if mean_conf(r_lines) >= mean_conf(t_lines) else "tesseract"), "confidence"


def mean_conf(lines: list[tuple[str, float]]) -> float:
    chars = sum(len(t) for t, _ in lines)
    return sum(c * len(t) for t, c in lines) / chars if chars else 0.0


def why_reread(line: Line, cells: int, cfg: dict) -> tuple[str, ...]:
    why = []
    if line.confidence < cfg["line_confidence"] or any(w.confidence < cfg["word_confidence"] for w in line.words):
        why.append("low_confidence")
    kf = cfg["key_facts"]
    if kf.get("enabled", True):
        t = nfkc(line.text).upper()
        label = label_of(line.text)
        if (any(k in label for k in kf["label_keywords"]) or any(k in t for k in kf["unit_suffixes"])
                or any(re.search(p, t) for p in kf["patterns"])):
            why.append("key_fact")
        if cfg["reread_tables"] and cells >= cfg["table_min_cells"]:
            why.append("table")
    return tuple(why)
