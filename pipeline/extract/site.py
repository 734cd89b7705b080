"""The community's site: owned (产权证明/不动产权证/自有) or leased (租赁), and the lease period from a
date range (2026年7月1日至2029年6月30日, 2026.7.1—2029.6.30, Chinese numerals) or a written term
(租期三年 / 叁年 / 36个月 / 5年). A term without an end date leaves lease_end empty with the reason.
A tick row (▇自有 □租赁) decides the tenure by its ticked option; its open options are no lease wording."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

from pipeline.extract.config import labels
from pipeline.extract.layout import Cell, Flow, PageLayout, flow, is_toc, toc_pages
from pipeline.extract.config import consortium_patterns
from pipeline.extract.ticks import TickRead, marked_options, option_spans, read_ticks
from pipeline.extract.values import CN_DIGITS, DATE_RE, cn_int, date_from_match, years_between
from pipeline.facts import Evidence, Fact, Site


@lru_cache(maxsize=1)
def _range_re() -> re.Pattern:
    """Two dates joined by a range separator of labels.yaml (site.range_separators), each repeatable
    (—— is one dash written twice, 一一 how OCR reads it)."""
    seps = "|".join(f"(?:{re.escape(s)})+" for s in sorted(labels()["site"]["range_separators"], key=len, reverse=True))
    return re.compile(rf"(?P<a>{DATE_RE.pattern})\s*(?:{seps})\s*(?P<b>{DATE_RE.pattern.replace('?P<', '?P<b_')})")


_TERM = re.compile(rf"(?:租期|租赁期限|租赁期|期限|使用期限|租用期|承租期)(?:为|是|共|:)?(?P<n>[\d{CN_DIGITS}]{{1,4}})(?:[(（]\d{{1,3}}[)）])?(?P<u>年|个月|月)(?![\d{CN_DIGITS}]{{1,3}}[月日号])")  # 2025年1月: a date, not a term


_START_AFTER = re.compile(rf"[(（,，;；]?(?:起租日|起租日期|起始日|起始日期|起算日|自|从|开始日期)[为:：]?(?P<date>{DATE_RE.pattern})")


def _ev(f: Flow, start: int, end: int, conf_mult: float, note: str = "") -> tuple[tuple[Evidence, ...], float]:
    cells: list[Cell] = f.cells_between(start, end)
    conf = min(c.confidence for c in cells) * conf_mult
    return tuple(c.evidence(conf, note) for c in cells), conf


def _first_keyword(f: Flow, words: list[str], skip: Sequence[tuple[int, int]] = (),
                   contents: frozenset[tuple[str, int]] = frozenset()) -> tuple[int, str] | None:
    """The first place a word is written outside a 目录 line or page (`contents`: layout.toc_pages)
    and outside the `skip` spans (options of a tick row)."""
    hits = []
    for w in words:
        k = f.text.find(w)
        while k >= 0 and (any(is_toc(c.text) or (c.file, c.page) in contents for c in f.cells_between(k, k + len(w)))
                          or any(a <= k < b for a, b in skip)):
            k = f.text.find(w, k + 1)
        if k >= 0:
            hits.append((k, w))
    return min(hits) if hits else None


@lru_cache(maxsize=1)
def _alternatives_re() -> re.Pattern:
    cfg = labels()["site"]
    words = lambda kind: "|".join(map(re.escape, sorted(cfg[kind], key=len, reverse=True)))  # noqa: E731
    join = f"[{re.escape(cfg['alternative_joiners'])}]{{1,{int(cfg['alternative_gap'])}}}"
    return re.compile(f"(?:{words('leased')}){join}(?:{words('owned')})|(?:{words('owned')}){join}(?:{words('leased')})")


def _alternatives(text: str) -> list[tuple[int, int]]:
    """Spans where a lease word and an ownership word are written as alternatives (labels.yaml
    site.alternative_joiners): neither tells the site's tenure."""
    return [m.span() for m in _alternatives_re().finditer(text)]


@lru_cache(maxsize=1)
def _tick_options() -> re.Pattern:
    return re.compile("|".join(map(re.escape, sorted(labels()["site"]["tick_options"], key=len, reverse=True))))


@dataclass(frozen=True)
class TenureTick:
    tenure: str | None
    """owned / leased as ticked; None when the row's tick could not be told."""
    start: int
    end: int
    """Flow offsets of the ticked option (of the whole row when undecided)."""
    options: tuple[tuple[int, int], ...]
    """Flow offsets of every option of the row (their words are no tenure wording)."""
    quality: float
    why: str = ""


def tenure_ticks(pages: Sequence[PageLayout]) -> list[TenureTick]:
    """Tenure tick rows (▇自有 □租赁) in reading order, at offsets of `flow(pages)`."""
    kinds, rx = labels()["site"]["tick_options"], _tick_options()
    out, pos = [], 0
    for page in pages:
        for row in page.rows:
            text = "".join(c.text for c in row)
            spans = option_spans(text, rx)
            read = read_ticks(text, spans) if len(spans) >= 2 else None
            if read is None or not read.ticked:
                read = _dropped_mark(text, spans) or read
            if read is not None:
                marked = tuple((pos + s, pos + e) for _, s, e in spans)
                tenures = {kinds[o] for o in read.ticked}
                if len(tenures) == 1:
                    _, s, e = next(sp for sp in spans if sp[0] == read.ticked[0])
                    out.append(TenureTick(tenures.pop(), pos + s, pos + e, marked, read.quality, read.why))
                else:
                    out.append(TenureTick(None, pos, pos + len(text), marked, 0.0, read.why or "勾选了多项"))
            pos += len(text)
    return out


def _dropped_mark(text: str, spans: Sequence[tuple[str, int, int]]) -> TickRead | None:
    """Two options, one with an open box and one bare (▇自有 □租赁 read as 自有 □租赁): OCR dropped
    the filled mark, the bare option is the ticked one."""
    marked = marked_options(text, spans)
    unchecked = set(consortium_patterns()["ticks"]["unchecked"])
    if len(spans) != 2 or len(marked) != 1 or marked[0][3] not in unchecked:
        return None
    bare = next(o for o, s, _ in spans if s != marked[0][1])
    return TickRead((bare,), 0.75, "勾选符号未识别出，另一选项为未勾选，按无框选项认定")


def _ticked(f: Flow, ticks: Sequence[TenureTick]) -> Fact | None:
    t = next((t for t in ticks if t.tenure), None)
    if t is None:
        return None
    word = f.text[t.start:t.end]
    note = f"权属情况勾选“{word}”，判定为{'租赁' if t.tenure == 'leased' else '自有'}场地"
    ev, conf = _ev(f, t.start, t.end, 0.95 * t.quality, note + (f"（{t.why}）" if t.why else ""))
    return Fact(value=t.tenure, evidence=ev, confidence=conf)


def extract_site(pages: Sequence[PageLayout]) -> Site:
    f = flow(pages)
    cfg = labels()["site"]
    ticks = tenure_ticks(pages)
    skip = [sp for t in ticks for sp in t.options] + _alternatives(f.text)
    contents = toc_pages(pages)
    leased = _first_keyword(f, cfg["leased"], skip, contents)
    owned = _first_keyword(f, cfg["owned"], skip, contents)
    ticked = _ticked(f, ticks)
    if ticked is not None:
        tenure = ticked
        words = leased if ticked.value == "leased" else (None if leased else owned)
        if words and ticked.confidence < 0.9:
            # a tick told by a missing or odd mark, confirmed by the page's own wording (自有产权 …)
            pos, word = words
            conf = min(c.confidence for c in f.cells_between(pos, pos + len(word))) * 0.95
            if conf > ticked.confidence:
                note = f"；另有“{word}”相符"
                tenure = ticked.model_copy(update={"confidence": conf, "evidence": tuple(
                    e.model_copy(update={"confidence": conf, "note": e.note + note}) for e in ticked.evidence)})
        if ticked.value == "leased":
            start = next(t.start for t in ticks if t.tenure)
            leased = (min(start, leased[0]) if leased else start, "")
    # a lease text also mentions the landlord's 产权证明, so lease wording decides
    elif leased:
        pos, word = leased
        ev, conf = _ev(f, pos, pos + len(word), 0.95, f"出现“{word}”，判定为租赁场地")
        tenure = Fact(value="leased", evidence=ev, confidence=conf)
    elif owned:
        pos, word = owned
        ev, conf = _ev(f, pos, pos + len(word), 0.95, f"出现“{word}”，判定为自有场地")
        tenure = Fact(value="owned", evidence=ev, confidence=conf)
    else:
        return Site(tenure=Fact(reason="未找到场地产权证明或租赁说明"),
                    lease_start=Fact(reason="未找到场地说明"), lease_end=Fact(reason="未找到场地说明"),
                    lease_years=Fact(reason="未找到场地说明"))
    if tenure.value == "owned":
        why = "自有场地，无租赁期限"
        return Site(tenure=tenure, lease_start=Fact(reason=why), lease_end=Fact(reason=why), lease_years=Fact(reason=why))
    return Site(tenure=tenure, **_lease(f, max(0, leased[0] - 60)))


def _term_years(t: re.Match) -> float | None:
    n = cn_int(t.group("n"))
    if not n:
        return None
    return float(n) if t.group("u") == "年" else round(n / 12, 2)


def _lease(f: Flow, near: int = 0) -> dict[str, Fact]:
    """The first lease period written after (or just before) the first lease wording."""
    text = f.text
    for m in _range_re().finditer(text, near):
        a = date_from_match(DATE_RE.match(m.group("a")))
        b = date_from_match(DATE_RE.match(m.group("b")))
        if a and b and b > a:
            ev, conf = _ev(f, m.start(), m.end(), 0.95)
            years = years_between(a, b)
            note = f"租赁期限{a.isoformat()}至{b.isoformat()}，合{years:g}年"
            ev = tuple(e.model_copy(update={"note": note}) for e in ev)
            return {"lease_start": Fact(value=a, evidence=ev, confidence=conf),
                    "lease_end": Fact(value=b, evidence=ev, confidence=conf),
                    "lease_years": Fact(value=years, evidence=ev, confidence=conf)}
    out: dict[str, Fact] = {}
    terms = list(_TERM.finditer(text, near))
    years = None
    for t in terms:
        y = _term_years(t)
        if y is None:
            continue
        if years is None:
            years = y
            ev, conf = _ev(f, t.start(), t.end(), 0.9, f"写明“{t.group()}”，合{y:g}年")
            out["lease_years"] = Fact(value=y, evidence=ev, confidence=conf)
            out["lease_end"] = Fact(reason="只写明租期，未写明到期日")
        if y != years:
            continue
        # the start date written just before the term: 自2026年7月1日起租期三年 (the site page, else
        # the lease contract excerpt when OCR spoilt the first one)
        before = text[max(0, t.start() - 30): t.start()]
        starts = [(max(0, t.start() - 30) + m.start(), m) for m in DATE_RE.finditer(before)][-1:]
        # …or just after it with a start word: 租赁期两年（起租日二〇二四年二月一日）
        after = _START_AFTER.match(text, t.end())
        if not starts and after:
            starts = [(after.start("date"), DATE_RE.match(text, after.start("date")))]
        d = date_from_match(starts[-1][1]) if starts and starts[-1][1] else None
        if d:
            s0, m0 = starts[-1]
            ev2, conf2 = _ev(f, s0, s0 + len(m0.group()), 0.9, "租赁起始日期")
            out["lease_start"] = Fact(value=d, evidence=ev2, confidence=conf2)
            break
    # the same term in two places (the site page and the lease contract): the better reading stands
    # (租 / 期120个月 wrapped on the site page at 0.80, the contract's 租期120个月 at 0.91: dev seed 1426 #012)
    agree = [t for t in terms if years is not None and _term_years(t) == years]
    if len(agree) >= 2:
        t = max(agree, key=lambda t: _ev(f, t.start(), t.end(), 0.9)[1])
        ev, conf = _ev(f, t.start(), t.end(), 0.9, f"写明“{t.group()}”，合{years:g}年（材料中{len(agree)}处写法一致）")
        if conf > out["lease_years"].confidence:
            out["lease_years"] = Fact(value=years, evidence=ev, confidence=conf)
    others = sorted({v for t in terms if (v := _term_years(t)) is not None and v != years})
    if years is not None and others:
        # the site page and the lease contract disagree: say so, a person decides
        f0 = out["lease_years"]
        note = f"材料中另写有租期{'、'.join(f'{v:g}年' for v in others)}，与{years:g}年不一致，请核对租赁合同"
        conf = f0.confidence * 0.6
        out["lease_years"] = f0.model_copy(update={"confidence": conf, "evidence": tuple(
            e.model_copy(update={"note": e.note + "；" + note, "confidence": conf}) for e in f0.evidence)})
    out.setdefault("lease_start", Fact(reason="未找到租赁起始日期"))
    out.setdefault("lease_end", Fact(reason="未找到租赁到期日期"))
    out.setdefault("lease_years", Fact(reason="未找到租赁期限（起止日期或租期）"))
    return out
