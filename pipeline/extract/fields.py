"""Label → value lookup over laid-out pages, and the value shapes shared by extractors (unit names,
USCC readings). A value is taken from the rest of the label's cell, else the next cell in the row
(table forms), else the first cell of the next row (label and value split over two lines)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterable, Sequence

from rapidfuzz import fuzz

from pipeline import uscc
from pipeline.extract.config import label_regex, labels
from pipeline.extract.layout import Cell, PageLayout
from pipeline.extract.layout_cells import is_speck
from pipeline.extract.unweave import drop_label
from pipeline.facts import CODE_SUSPECTED

_NUMBERING = re.compile(r"^(?:[(（]?[一二三四五六七八九十\d]{1,3}[)）、.．]|[(（][一二三四五六七八九十\d]{1,3}[)）])")
_LEAD_PUNCT = re.compile(r"^[\s:：;；,，.。、]+")
_PAREN_NOTE = re.compile(r"^[(（][^)）]{0,8}[)）]")
_OPEN_NOTE = re.compile(r"^[(（][^()（）]{0,8}$")
"""A label's note whose closing bracket wrapped onto the cell's next line (统一社会信用代码（注册号 / ）)."""
_TRAIL = re.compile(r"[\s:：;；,，.。、]+$")


@dataclass(frozen=True)
class Found:
    value: str
    cells: tuple[Cell, ...]
    """Label cell first, then the value cell when it is another one."""
    quality: float
    label: str

    @property
    def confidence(self) -> float:
        return min(c.confidence for c in self.cells) * self.quality

    def evidence(self, note: str = "", confidence: float | None = None):
        conf = self.confidence if confidence is None else confidence
        seen, out = set(), []
        for c in self.cells:
            if (c.page, c.bbox) not in seen:
                seen.add((c.page, c.bbox))
                out.append(c.evidence(conf, note))
        return tuple(out)


def strip_value(rest: str) -> str:
    """Drop the colon and notes like （盖章） between a label and its value; a note left open with
    nothing after it is the label's own, wrapped before its closing bracket (no value)."""
    prev = None
    while prev != rest:
        prev = rest
        rest = _LEAD_PUNCT.sub("", rest).lstrip(labels()["value_lead_specks"])
        rest = _PAREN_NOTE.sub("", rest)
    return _TRAIL.sub("", _OPEN_NOTE.sub("", rest))


@lru_cache(maxsize=1)
def _all_labels() -> re.Pattern:
    words = sorted({w for ws in labels()["labels"].values() for w in ws if len(w) >= 4}, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, words)))


def cut_at_next_label(value: str) -> str:
    """The value up to the next label; a name whose wrapped end came after the next field's label
    and value (……股份有限注册时间2009年7月11日公司) is joined up again."""
    m = _all_labels().search(value, 1)
    if not m:
        return value
    return drop_label(value, whole_name) or value[: m.start()]


def whole_name(text: str) -> bool:
    """`text` is one complete unit name (nothing cut off, nothing after it)."""
    return bool(text) and accept_name(text) == canonical_name(text)


def _label_at(text: str, kind: str) -> tuple[re.Match, float] | None:
    """The label, when it starts the cell (after numbering) or is followed by a colon."""
    head = _NUMBERING.sub("", text)
    offset = len(text) - len(head)
    exact, fuzzy = label_regex(kind)
    for rx, q in ((exact, 1.0), (fuzzy, 0.9)):
        for m in rx.finditer(text):
            at_start = m.start() <= offset
            colon = text[m.end(): m.end() + 1] in (":", "：") or _PAREN_NOTE.match(text[m.end():])
            if at_start or colon:
                return m, q
    return None


def labelled(pages: Iterable[PageLayout], kind: str, accept: Callable[[str], str | None]) -> list[Found]:
    """Every value of a `kind` label (see labels.yaml) that `accept` takes (it returns the cleaned
    value or None), in reading order."""
    out: list[Found] = []
    for page in pages:
        rows = page.rows
        for r, row in enumerate(rows):
            for i, cell in enumerate(row):
                hit = _label_at(cell.text, kind)
                if not hit:
                    wrapped = _wrapped_label(rows, r, i, kind)
                    if wrapped:
                        out.extend(wrapped_value(wrapped, rows, r, i, kind, accept))
                    continue
                m, q = hit
                rest = strip_value(cell.text[m.end():])
                if rest and not is_speck(rest):  # a speck is no value (机构性质 | “ | 其他有限责任公司)
                    v = accept(cut_at_next_label(rest))
                    if v:
                        out.append(Found(v, (cell,), q, m.group()))
                    continue
                nxt: list[tuple[Cell, float]] = []
                if i + 1 < len(row):
                    nxt.append((row[i + 1], 0.97))
                if r + 1 < len(rows):
                    below = [c for c in rows[r + 1] if c.bbox[2] > cell.bbox[0] - 0.02]
                    if below:
                        nxt.append((below[0], 0.9))
                for c, q2 in nxt:
                    if _label_at(c.text, kind):
                        continue
                    v = accept(cut_at_next_label(strip_value(c.text)))
                    if v:
                        out.append(Found(v, (cell, c), q * q2, m.group()))
                        break
    return out


def _wrapped_label(rows, r: int, i: int, kind: str):
    """(label cell, its second line, match, quality) when the label of `kind` is wrapped over two
    lines of one table cell (统一社会信 / 用代码): the line below starts under this one and only the
    two together hold the label."""
    if r + 1 >= len(rows):
        return None
    cell = rows[r][i]
    h = cell.bbox[3] - cell.bbox[1]
    under = [c for c in rows[r + 1] if abs(c.bbox[0] - cell.bbox[0]) < max(2 * h, 0.02)
             and c.bbox[1] - cell.bbox[3] < 1.5 * h]
    if not under or len(cell.text) < 2:
        return None
    below = under[0]
    hit = _label_at(cell.text + below.text, kind)
    if not hit or hit[0].end() <= len(cell.text) or hit[0].start() >= len(cell.text):
        return None
    return cell, below, hit[0], hit[1] * 0.95


def wrapped_value(wrapped, rows, r: int, i: int, kind: str, accept: Callable[[str], str | None]) -> list[Found]:
    cell, below, m, q = wrapped
    joined = cell.text + below.text
    rest = strip_value(joined[m.end():])
    if rest:
        v = accept(cut_at_next_label(rest))
        return [Found(v, (cell, below), q, m.group())] if v else []
    # the value beside either line (a value centred in its cell lies on one of the two rows)
    nxt = [c for c in rows[r][i + 1:i + 2]]
    j = rows[r + 1].index(below)
    nxt += [c for c in rows[r + 1][j + 1:j + 2]]
    for c in nxt:
        if _label_at(c.text, kind):
            continue
        v = accept(cut_at_next_label(strip_value(c.text)))
        if v:
            return [Found(v, (cell, below, c), q * 0.97, m.group())]
    return []


# ---------------------------------------------------------------- value shapes

@lru_cache(maxsize=1)
def _name_re() -> re.Pattern:
    sfx = sorted(labels()["unit_name_suffixes"], key=len, reverse=True)
    return re.compile(r"[\u4e00-\u9fff][\u4e00-\u9fff()（）A-Za-z0-9]{1,40}?(?:" + "|".join(map(re.escape, sfx)) + r")(?![\u4e00-\u9fff])")


def canonical_name(text: str) -> str:
    """Official names use full-width brackets; text was normalised to ASCII ones. A unit suffix OCR
    read twice (……有限责任公司公司), or its last character read twice (……产业研究院院 on a cover
    under a seal: seed 1100 #001), is read once."""
    name = text.replace("(", "（").replace(")", "）")
    for sfx in _long_suffixes():
        for tail in (sfx + sfx, sfx + sfx[-1]):
            if name.endswith(tail):
                return name[: -len(tail)] + sfx
    return name


@lru_cache(maxsize=1)
def _long_suffixes() -> tuple[str, ...]:
    return tuple(sorted({s for s in labels()["unit_name_suffixes"] if len(s) >= 2}, key=len, reverse=True))


def legal_form(name: str) -> str:
    """The legal form a name ends in (labels.yaml legal_forms, the longest), '' when none."""
    n = canonical_name(name).rstrip("）)")
    return next((f for f in sorted(labels()["legal_forms"], key=len, reverse=True) if n.endswith(f)), "")


def same_unit(a: str, b: str, at_least: float = 90) -> bool:
    """Two spellings of one unit's name: close (rapidfuzz ratio ≥ `at_least`) and not of two legal forms
    (…科技有限公司 and …科技股份有限公司 are two units however alike the rest)."""
    fa, fb = legal_form(a), legal_form(b)
    return not (fa and fb and fa != fb) and fuzz.ratio(a, b) >= at_least


def accept_name(text: str) -> str | None:
    """A unit name: 4+ Chinese characters, not a placeholder like （盖章）, ending in a unit suffix
    (有限公司, 研究院, 协会 …) when one is there."""
    t = strip_value(text)
    bad = labels()["not_a_name"]
    if not t or any(t.startswith(b) for b in bad):
        return None
    if sum("\u4e00" <= ch <= "\u9fff" for ch in t) < 4:
        return None
    m = _name_re().match(t)
    return canonical_name(m.group()) if m and len(m.group()) >= 5 else None


_LEAD_WORDS = re.compile(r"^(?:[为是由系即与和及共]|其中|包括)+")


def find_names(text: str) -> list[tuple[str, int, int]]:
    """Unit names in running text (联合体牵头单位为重庆……公司 → 重庆……公司)."""
    out = []
    for m in _name_re().finditer(text):
        lead = _LEAD_WORDS.match(m.group())
        k = lead.end() if lead else 0
        out.append((canonical_name(m.group()[k:]), m.start() + k, m.end()))
    return out


_CODE_CHARS = re.compile(r"[0-9A-Za-z]+")


def accept_code(text: str) -> str | None:
    """An 18-character code reading (17–19 kept too, so a misread length is reported, not lost)."""
    t = uscc.normalise(text)
    m = _CODE_CHARS.match(t)
    if not m:
        return None
    code = m.group().upper()
    return code if 17 <= len(code) <= 19 else None


USCC_TOKEN = re.compile(r"(?<![0-9A-Za-z])[0-9A-Za-z]{18}(?![0-9A-Za-z])")


@dataclass(frozen=True)
class CodeReading:
    value: str
    note: str
    penalty: float
    valid: bool


def read_code(code: str, source: str) -> CodeReading:
    """Validate a USCC as read; repair OCR confusions only for OCR pages and only when the repaired
    code passes both checks (the note says what changed)."""
    chk = uscc.check(code)
    if chk.valid:
        return CodeReading(chk.code, "", 1.0, True)
    if source == "ocr":
        fix = uscc.repair(code)
        if fix and fix.guessed:  # the check characters chose it: a pass needs a place that reads it
            return CodeReading(fix.code, f"{CODE_SUSPECTED}：识别为“{chk.code}”，校验不通过，疑为“{fix.code}”（"
                               + "，".join(fix.changes) + "），请核对原件", 0.85, True)
        if fix and fix.changes:
            return CodeReading(fix.code, "统一社会信用代码按识别易混字符修正（" + "，".join(fix.changes)
                               + "），修正后两位校验码均通过", 1.0, True)
    return CodeReading(chk.code, f"统一社会信用代码校验不通过：{chk.problem}", 0.6, False)


def best(found: Sequence[Found], key: Callable[[Found], str] = lambda f: f.value) -> tuple[str, list[Found], list[str]]:
    """Vote among readings of one field: the value with the most confidence behind it, the
    readings that support it, and the other values (to surface a disagreement)."""
    score: dict[str, float] = {}
    for f in found:
        score[key(f)] = score.get(key(f), 0.0) + f.confidence
    win = max(score, key=lambda k: score[k])
    return win, [f for f in found if key(f) == win], [k for k in score if k != win]
