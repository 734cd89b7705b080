"""附件4 recommendation form: the recommending district (推荐单位 / 区县) and its opinion text."""
from __future__ import annotations

from typing import Sequence

from pipeline.extract.config import labels
from pipeline.extract.fields import labelled, strip_value
from pipeline.extract.layout import PageLayout
from pipeline.facts import Fact

STOP = ("盖章", "公章", "负责人", "签字", "日期", "年月日")


def _district_in(text: str) -> str | None:
    hits = [d for d in labels()["districts"] if d in text]
    if not hits:
        # 忠县 vs 忠县经信委; 石柱土家族自治县 → 石柱县
        short = [d for d in labels()["districts"] if len(d) > 2 and d[:-1] in text]
        hits = short
    return max(hits, key=len) if hits else None


def extract_district(pages: Sequence[PageLayout]) -> tuple[Fact, Fact]:
    found = labelled(pages, "district", lambda t: _district_in(t))
    if found:
        f = found[0]
        district = Fact(value=f.value, evidence=f.evidence(), confidence=f.confidence)
    else:
        district = Fact(reason="推荐表上未找到推荐单位或区县")
        for page in pages:
            for row in page.rows:
                for c in row:
                    d = _district_in(c.text)
                    if d and ("经济" in c.text or "经信" in c.text or "推荐" in c.text):
                        conf = c.confidence * 0.8
                        district = Fact(value=d, evidence=(c.evidence(conf, "从落款单位名称推定区县"),), confidence=conf)
                        break
                if district.found:
                    break
            if district.found:
                break
    return district, _opinion(pages)


def _opinion(pages: Sequence[PageLayout]) -> Fact:
    """The opinion: the rest of the label's cell, plus the rows below it up to the signature."""
    for page in pages:
        for r, row in enumerate(page.rows):
            hits = labelled([PageLayout(page.file, page.number, page.source, (row,))], "opinion", lambda t: t or None)
            label_only = not hits and any(any(w in c.text for w in labels()["labels"]["opinion"]) for c in row)
            if not hits and not label_only:
                continue
            parts, cells = [], list(row)
            if hits:
                parts.append(strip_value(hits[0].value))
            for nxt in page.rows[r + 1:]:
                text = "".join(c.text for c in nxt)
                if any(s in text for s in STOP) or len(parts) >= 8:
                    break
                parts.append(" ".join(c.raw for c in nxt))
                cells.extend(nxt)
            text = "".join(p for p in parts if p).strip()
            if not text:
                continue
            conf = min(c.confidence for c in cells)
            return Fact(value=text, evidence=tuple(c.evidence(conf) for c in cells[:4]), confidence=conf)
    return Fact(reason="推荐表上未找到推荐意见")
