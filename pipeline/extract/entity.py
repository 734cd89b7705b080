"""The applying unit: full legal name, 统一社会信用代码, entity type (declared 单位性质 cross-checked with
USCC positions 1–2; a disagreement lowers confidence and is said in the note, never hidden)."""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Sequence

from rapidfuzz import fuzz

from pipeline import uscc
from pipeline.extract.code_parts import completed
from pipeline.extract.config import labels
from pipeline.extract.fields import Found, canonical_name, accept_code, accept_name, best, labelled, read_code, strip_value
from pipeline.extract.layout import PageLayout
from pipeline.extract.config import consortium_patterns as patterns
from pipeline.extract.ticks import TickRead, marked_options, option_spans, read_ticks
from pipeline.facts import Fact, Unit

TICK_LABEL = "勾选"
"""Found.label of a type read from a tick row."""


@dataclass(frozen=True)
class Tick:
    option: str | None
    """The ticked option's text, None when the row could not be decided."""
    quality: float
    why: str = ""
    several: tuple[str, ...] = ()
    """The options ticked when more than one is (OCR read an open box as ☑ or v)."""
    unmarked: tuple[str, ...] = ()
    """When none could be told: the options left without a mark while every mark read is an open box
    (企业事业单位 □社会组织 □其他: OCR dropped the ■ before one and the □ before another)."""
    bare: str | None = None
    """Beside one ticked option, the one option with no mark at all among open boxes (□企业 事业单位
    □社会组织 ☑其他): its ■ may be what OCR dropped, the ☑ a speck in an open box."""


BARE = TICK_LABEL + "无框对"
"""Found.label of the option with no mark beside a ticked one: taken only where the ticked option
contradicts the code's positions 1–2 and this one fits them."""
SEVERAL = TICK_LABEL + "多项"
"""Found.label of one of several ticked types: the code's positions 1–2 may choose among them."""
UNMARKED = TICK_LABEL + "无框"
"""Found.label of one of the options left without a mark among open boxes: one of them was ticked,
and only the code's positions 1–2 choosing one of them make it a reading."""


@lru_cache(maxsize=1)
def _options() -> re.Pattern:
    return re.compile("|".join(map(re.escape, sorted(patterns()["ticks"]["options"], key=len, reverse=True))))


def outside_brackets(text: str, spans: Sequence[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Option spans not inside brackets: in 其他（个体工商户） the bracket says what 其他 is, it is no
    option of its own (taken as one, the row had two unmarked options and could not be decided)."""
    depth, inside = 0, []
    for ch in text:
        depth += ch in "(（"
        depth -= ch in ")）" and depth > 0
        inside.append(depth > 0)
    return [sp for sp in spans if not inside[sp[1]]]


def _bare_among_open(text: str, spans: Sequence[tuple[str, int, int]]) -> TickRead | None:
    """One option without a mark among 3+ with open boxes, some read as 口 (企业□事业单位□社会组织口其他):
    the filled mark was dropped, the 口 is an open box misread — not the odd mark that ticks."""
    t = patterns()["ticks"]
    open_like = set(t["unchecked"]) | set(t["open_garbled"])
    marked = marked_options(text, spans)
    bare = [o for o, s, _ in spans if s not in {m[1] for m in marked}]
    if len(marked) < 3 or len(bare) != 1 or not all(m[3] in open_like for m in marked):
        return None
    if all(m[3] in t["unchecked"] for m in marked):
        return None  # read_ticks says so itself
    return TickRead((bare[0],), 0.75, "勾选符号未识别出，其余选项均为未勾选（“口”按未勾选框认定），按唯一无框选项认定")


def tick_choice(text: str) -> Tick | None:
    """The 单位性质 ticked in an option row (■企业 □事业单位 □社会组织): None when `text` is no tick
    row; option None when it cannot be told (none or several ticked, marks all alike)."""
    spans = outside_brackets(text, option_spans(text, _options()))
    read = _bare_among_open(text, spans) or read_ticks(text, spans)
    if read is None:
        return None
    # a ticked option may say more in brackets: ■其他（个体工商户）
    full = [o + (d.group() if (d := re.match(r"[(（][^)）□■☐☑]{1,20}[)）]", text[e:])) else "")
            for o, _, e in spans if o in read.ticked]
    if len(read.ticked) == 1:
        return Tick(full[0], read.quality, read.why, bare=_bare_beside_tick(text, spans, read.ticked[0]))
    if read.ticked:
        return Tick(None, 0.0, "勾选了多项：" + "、".join(full), tuple(full))
    return Tick(None, 0.0, "单位性质" + read.why, unmarked=_unmarked(text, spans))


def _bare_beside_tick(text: str, spans: Sequence[tuple[str, int, int]], ticked: str) -> str | None:
    """The one option without a mark in a row of 3+ options whose other marks, the ticked one's aside,
    are open boxes."""
    t = patterns()["ticks"]
    marked = marked_options(text, spans)
    bare = [o for o, s, _ in spans if s not in {m[1] for m in marked}]
    others = [m for m in marked if m[0] != ticked]
    if len(spans) < 3 or len(bare) != 1 or bare[0] == ticked or not others or not all(m[3] in set(t["unchecked"]) | set(t["open_garbled"]) for m in others):
        return None
    return bare[0]


def _unmarked(text: str, spans: Sequence[tuple[str, int, int]]) -> tuple[str, ...]:
    """The 2+ options without a mark when every mark read (at least one) is an open box."""
    t = patterns()["ticks"]
    marked = marked_options(text, spans)
    bare = tuple(o for o, s, _ in spans if s not in {m[1] for m in marked})
    if not marked or len(bare) < 2 or not all(m[3] in set(t["unchecked"]) | set(t["open_garbled"]) for m in marked):
        return ()
    return bare


def classify_declared(text: str) -> str | None:
    """单位性质 as written → entity type. The word written first names the kind, what follows in
    brackets qualifies it (有限责任公司（自然人投资或控股） is an enterprise, 园区运营管理机构（有限责任公司）
    a park operator); at one position the order in labels.yaml decides (园区运营企业 is a park operator)."""
    hits = [(k, order, etype) for order, (etype, words) in enumerate(labels()["entity_types"])
            for w in words if (k := text.find(w)) >= 0]
    if hits:
        return min(hits)[2]
    # a bare option word ticked on a form (其他), its detail in brackets not a type word we know
    # (其他（个体工）: OCR lost the rest of 个体工商户) — the option decides
    return patterns()["ticks"]["option_types"].get(re.split(r"[(（]", text, maxsplit=1)[0])


def code_types(code: str) -> list[str]:
    table = labels()["code_types"]
    return table.get(code[:2], table["default"])


def accept_type_text(text: str) -> str | None:
    t = strip_value(text)
    tick = tick_choice(t)
    if tick is not None:
        return tick.option
    return t[:20] if t and classify_declared(t[:20]) else None


def declared_types(pages: Sequence[PageLayout]) -> list[Found]:
    """单位性质 as declared: written out, or ticked in an option row that may run over the row's
    other cells (OCR splits it) or sit on the next row."""
    out: list[Found] = []
    for page in pages:
        rows = page.rows
        for f in labelled([page], "entity_type", lambda v: v or None):
            label = f.cells[0]
            r = next((i for i, row in enumerate(rows) if label in row), None)
            if r is None:
                continue
            k = rows[r].index(label)
            cells = rows[r][k:]
            tick = tick_choice("".join(c.text for c in cells))
            if tick is None and r + 1 < len(rows):
                cells = cells + rows[r + 1]
                tick = tick_choice("".join(c.text for c in cells))
            if tick is not None:
                if tick.option:
                    out.append(Found(tick.option, tuple(cells), f.quality * tick.quality, TICK_LABEL + "：" + tick.why))
                out.extend(Found(o, tuple(cells), f.quality * 0.5, SEVERAL + "：" + tick.why) for o in tick.several)
                why = "勾选符号未识别出：" + "、".join(tick.unmarked) + "均无框，其余选项为未勾选框"
                out.extend(Found(o, tuple(cells), f.quality * 0.5, UNMARKED + "：" + why) for o in tick.unmarked)
                if tick.option and tick.bare:
                    why = f"“{tick.bare}”前无勾选框（实心方框可能未识别出），“{tick.option}”前的勾选符号可能是框内污点"
                    out.append(Found(tick.bare, tuple(cells), f.quality * 0.5, BARE + "：" + why))
                continue
            v = accept_type_text(f.value)
            if v:
                out.append(Found(v, f.cells, f.quality, f.label))
    if not out:
        # a tick row of entity types under a label we do not know is still the declared type
        for page in pages:
            for row in page.rows:
                tick = tick_choice("".join(c.text for c in row))
                if tick is not None and tick.option and classify_declared(tick.option):
                    out.append(Found(tick.option, tuple(row), 0.9 * tick.quality, TICK_LABEL + "：" + tick.why))
    return out


def name_fact(found: Sequence[Found], what: str = "申报单位名称") -> Fact:
    if not found:
        return Fact(reason=f"未找到{what}（如“申报单位名称：……”）")
    value, support, others = best(found)
    conf = max(f.confidence for f in support)
    note = ""
    if others:
        note = "材料中另有写法：" + "、".join(others[:3])
        if not _outvoted_misreads(value, support, found):
            conf *= 0.85
    return Fact(value=value, evidence=support[0].evidence(note, conf), confidence=conf)


NEAR_MISS = 90
"""Another spelling at least this close (rapidfuzz ratio) to the winning one differs by a character
or so: OCR dropped or misread it in one place (九章互联网技（重庆） beside 九章互联网科技（重庆）)."""


def _outvoted_misreads(value: str, support: Sequence[Found], found: Sequence[Found]) -> bool:
    """The other spellings are near misses of `value`, and more pages agree on `value` than on all of
    them together: no real disagreement (issue 15 §4), so the name keeps its readings' confidence.
    A correct name read on the cover, the agreement and its signature page was `review` (0.9 × 0.85)
    because one member card lost a character (seed 663 #005)."""
    pages = {(c.file, c.page) for f in support for c in f.cells[-1:]}
    rest = [f for f in found if f.value != value]
    other_pages = {(c.file, c.page) for f in rest for c in f.cells[-1:]}
    return (len(pages) >= 2 and len(pages - other_pages) > len(other_pages)
            and all(fuzz.ratio(f.value, value) >= NEAR_MISS for f in rest))


def code_fact(found: Sequence[Found]) -> Fact:
    """Vote among the readings of the code; a repaired or failing reading says so in the note. With none
    valid, an 18-character reading beats a shorter or longer one, which surely lost or gained a character
    (91500118MAEU71T0D on the licence beside 91500118MAEU771T0D in the table: the short one won on
    confidence and the credit lists could not be checked by code, dev seed 1424 #010)."""
    if not found:
        return Fact(reason="未找到统一社会信用代码")
    readings = [(f, read_code(f.value, f.cells[-1].source)) for f in found]
    valid = [(f, r) for f, r in readings if r.valid]
    pool = valid or [(f, r) for f, r in readings if len(r.value) == 18] or readings
    score: dict[str, float] = {}
    for f, r in pool:
        score[r.value] = score.get(r.value, 0) + f.confidence * r.penalty
    win = max(score, key=score.get)
    f, r = max(((f, r) for f, r in pool if r.value == win), key=lambda fr: fr[0].confidence * fr[1].penalty)
    conf = f.confidence * r.penalty
    notes = [r.note] if r.note else []
    others = [k for k in score if k != win]
    if others:
        notes.append("材料中另有代码：" + "、".join(others[:3]))
        conf *= 0.8
    return Fact(value=r.value, evidence=f.evidence("；".join(notes), conf), confidence=conf)


def _by_code(declared: Sequence[Found], implied: list[str], code: Fact) -> Sequence[Found]:
    """Several options ticked in one row (☑企业 … v其他（个体工商户）), or left unmarked among open boxes
    (企业事业单位 □社会组织: dev seed 1202 #004, code 12…): the one the code's positions 1–2 imply is
    taken, the row and the code agreeing on it; otherwise ticked ones stay as read (low, review) and
    unmarked ones are no reading."""
    bare = [f for f in declared if f.label.startswith(BARE)]
    declared = [f for f in declared if not f.label.startswith(BARE)]
    several = [f for f in declared if f.label.startswith((SEVERAL, UNMARKED))]
    as_read = [f for f in declared if not f.label.startswith(UNMARKED)]
    if bare and implied and not several and all(classify_declared(canonical_name(f.value)) not in implied for f in as_read):
        several = [f for f in bare if classify_declared(canonical_name(f.value)) in implied]
        if len(several) == 1:
            declared = several  # the ticked option contradicts the code, the bare one fits it
    if not several or len(several) < len(declared) or not implied:
        return as_read
    fits = [f for f in several if classify_declared(canonical_name(f.value)) in implied]
    if len({classify_declared(canonical_name(f.value)) for f in fits}) != 1:
        return as_read
    conf = min(code.confidence, min(c.confidence for c in fits[0].cells)) * 0.9
    why = f"{fits[0].label.split('：', 1)[1]}，按统一社会信用代码前两位取“{fits[0].value}”"
    return [replace(fits[0], quality=conf / max(fits[0].confidence / fits[0].quality, 1e-6),
                    label=TICK_LABEL + "：" + why)]


def type_fact(declared: Sequence[Found], code: Fact) -> tuple[Fact, str]:
    """Entity type from 单位性质, checked against the code; from the code alone when not declared."""
    names = labels()["entity_type_names"]
    code_val = code.value if isinstance(code.value, str) and len(code.value) >= 2 else None
    implied = code_types(code_val) if code_val else []
    declared = _by_code(declared, implied, code)
    if declared:
        text, support, _ = best(declared)
        text = canonical_name(text)
        etype = classify_declared(text)
        conf = max(f.confidence for f in support)
        note = f"单位性质写为“{text}”"
        if implied and etype in implied and support[0].label.startswith(TICK_LABEL):
            # a tick decided by its odd mark, confirmed by the code's positions 1–2
            conf = max(conf, min(code.confidence, *(c.confidence for f in support for c in f.cells)))
            if len(implied) == 1:
                # the code admits this type only: two independent readings agree, the stronger stands
                # (seed 805 #008: 国其他 ticked, code 92…; the tick row's OCR 0.79 left an 个体工商户 review)
                conf = max(conf, code.confidence)
        why = support[0].label[len(TICK_LABEL) + 1:] if support[0].label.startswith(TICK_LABEL) else ""
        if why:
            note += f"（{why}）"
        if implied and etype not in implied:
            note += (f"，但统一社会信用代码前两位“{code_val[:2]}”对应{names[implied[0]]}，两者不一致，请人工核对")
            conf *= 0.5
        elif implied:
            note += f"，与统一社会信用代码前两位“{code_val[:2]}”相符"
        return Fact(value=etype, evidence=support[0].evidence(note, conf), confidence=conf), text
    if implied:
        conf = code.confidence * 0.7
        note = f"未写明单位性质，按统一社会信用代码前两位“{code_val[:2]}”推定为{names[implied[0]]}"
        ev = tuple(e.model_copy(update={"note": note, "confidence": conf}) for e in code.evidence)
        return Fact(value=implied[0], evidence=ev, confidence=conf), ""
    return Fact(reason="未找到单位性质，也没有可用的统一社会信用代码"), ""


def _glued_tail(f: Found, pages: Sequence[PageLayout]) -> Found:
    """A 17-character code whose last character OCR put into the next cell (9150…E9E6 | 6注册资金)."""
    if len(f.value) != 17 or uscc.is_valid(f.value):
        return f
    cell = f.cells[-1]
    row = next((row for page in pages for row in page.rows if cell in row), ())
    done = completed(f.value, cell, row)
    return replace(f, value=done[0], cells=(*f.cells, done[1]), quality=f.quality * 0.95) if done else f


def unit_from_pages(pages: Sequence[PageLayout], name_kind: str = "applicant_name") -> Unit:
    """The applicant as the form's labels state it (innovation track, or a fallback)."""
    names = labelled(pages, name_kind, accept_name)
    codes = [_glued_tail(f, pages) for f in labelled(pages, "uscc", accept_code)]
    types = declared_types(pages)
    code = code_fact(codes)
    etype, text = type_fact(types, code)
    return Unit(name=name_fact(names), uscc=code, entity_type=etype, declared_type_text=text)
