"""The application date (declared_on): 申报日期 / 日期 on the cover or the commitment page, in any
common form; else a date standing alone on a line of the cover (落款日期)."""
from __future__ import annotations

import datetime as dt
from typing import Sequence

from pipeline.extract.fields import Found, labelled
from pipeline.extract.layout import PageLayout
from pipeline.extract.values import DATE_RE, date_from_match
from pipeline.facts import Fact


def _accept_date(text: str) -> str | None:
    m = DATE_RE.match(text)
    if not m:
        return None
    d = date_from_match(m)
    return d.isoformat() if d else None


def extract_declared_on(pages: Sequence[PageLayout]) -> Fact:
    found = labelled(pages, "declared_on", _accept_date)
    # 申报日期 beats a plain 日期 under a signature; the cover/commitment come first in the booklet
    strong = [f for f in found if f.label != "日期"]
    pool = strong or found
    quality_note = ""
    if not pool:
        pool = _standalone(pages)
        quality_note = "未见“申报日期”字样，取封面上单独成行的日期"
    if not pool:
        return Fact(reason="未找到申报日期（封面或承诺书上的“申报日期/日期”）")
    f = pool[0]
    others = sorted({g.value for g in pool if g.value != f.value})
    notes = [n for n in (quality_note, "材料中另有日期：" + "、".join(others) if others else "") if n]
    conf = f.confidence * (0.8 if others else 1.0) * (0.8 if quality_note else 1.0)
    return Fact(value=dt.date.fromisoformat(f.value), evidence=f.evidence("；".join(notes), conf), confidence=conf)


def _standalone(pages: Sequence[PageLayout]) -> list[Found]:
    out = []
    first: set[str] = set()
    for page in pages:
        if page.file in first:
            continue
        first.add(page.file)
        for row in page.rows:
            for c in row:
                m = DATE_RE.fullmatch(c.text)
                if m and date_from_match(m):
                    out.append(Found(date_from_match(m).isoformat(), (c,), 0.9, ""))
    return out
