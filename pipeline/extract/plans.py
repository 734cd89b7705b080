"""Plan sections an innovation application must contain (一(一)3): 发展规划, 年度目标, 实施方案, 管理制度 —
found as headings (short lines, often numbered 一、/（二）/3.), not as words inside a paragraph."""
from __future__ import annotations

import re
from typing import Sequence

from pipeline.extract.config import labels
from pipeline.extract.layout import PageLayout
from pipeline.facts import Fact

HEADING_MAX = 24
_NUM = re.compile(r"^(?:第[一二三四五六七八九十]+[章部分节]|[(（]?[一二三四五六七八九十\d]{1,3}[)）、.．])")


def extract_plan_sections(pages: Sequence[PageLayout]) -> dict[str, Fact]:
    cfg = labels()["plan_sections"]
    out: dict[str, Fact] = {}
    for page in pages:
        for row in page.rows:
            text = "".join(c.text for c in row)
            if len(text) > HEADING_MAX:
                continue
            for key, words in cfg.items():
                if key in out:
                    continue
                w = next((w for w in words if w in text), None)
                if w:
                    numbered = bool(_NUM.match(text))
                    conf = min(c.confidence for c in row) * (1.0 if numbered else 0.85)
                    out[key] = Fact(value=row[0].raw if len(row) == 1 else " ".join(c.raw for c in row),
                                    evidence=tuple(c.evidence(conf, f"章节标题含“{w}”") for c in row[:1]),
                                    confidence=conf)
    for key, words in cfg.items():
        out.setdefault(key, Fact(reason=f"未找到“{words[0]}”章节"))
    return out
