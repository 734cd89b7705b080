"""The application date (declared_on): 申报日期 / 日期 on the cover or the commitment page, in any
common form; else a date standing alone on a line of the cover or of a signed page (落款日期: a
cover may give only the month while the 承诺书 is dated in full)."""
from __future__ import annotations

import datetime as dt
from typing import Sequence

from pipeline.extract.config import labels
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
    # a bare 日期, but not the end of 成立日期 / 注册日期 (words in labels.yaml)
    other = tuple(labels().get("other_dates", []))
    weak = [f for f in found if f.label == "日期"
            and not f.cells[0].text.split("日期")[0].endswith(other or ("\0",))]
    pool = strong or weak
    quality_note = ""
    if not pool:
        pool = _standalone(pages)
        quality_note = "未见“申报日期”字样，取封面或承诺书落款处单独成行的日期"
    if not pool:
        return Fact(reason="未找到申报日期（封面或承诺书上的“申报日期/日期”）")
    f = pool[0]
    others = sorted({g.value for g in pool if g.value != f.value})
    notes = [n for n in (quality_note, "材料中另有日期：" + "、".join(others) if others else "") if n]
    conf = f.confidence * (0.8 if others else 1.0) * (0.9 if quality_note else 1.0)
    return Fact(value=dt.date.fromisoformat(f.value), evidence=f.evidence("；".join(notes), conf), confidence=conf)


def _signed(page: PageLayout) -> bool:
    """A page where an application is signed (承诺书, 盖章/签字 lines): its date is the signing date."""
    words = labels().get("signing_words", [])
    return any(w in page.text for w in words)


def _standalone(pages: Sequence[PageLayout]) -> list[Found]:
    """Dates standing alone on a row of a cover (first page of each file) or of a signed page (the
    承诺书 when the cover gives only the month), in booklet order."""
    out = []
    first: set[str] = set()
    for page in pages:
        is_first = page.file not in first
        first.add(page.file)
        if not (is_first or _signed(page)):
            continue
        for row in page.rows:
            if len(row) != 1:
                continue  # a date beside a label is that label's value (成立时间 | 2010年7月8日)
            for c in row:
                m = DATE_RE.fullmatch(c.text)
                if m and date_from_match(m):
                    out.append(Found(date_from_match(m).isoformat(), (c,), 1.0, ""))
    return out
