"""Plan sections an innovation application must contain (一(一)3): 发展规划, 年度目标, 实施方案, 管理制度 —
found as headings by what they mean (synonyms in labels.yaml: 年度工作目标, 建设运营实施方案, 运营管理
制度 …): short lines, often numbered 一、/（二）/3., or run-in headings (1.发展规划：……), not words inside
a paragraph."""
from __future__ import annotations

import re
from typing import Sequence

from pipeline.extract.config import labels
from pipeline.extract.layout import PageLayout, is_toc
from pipeline.facts import Fact

HEADING_MAX = 24
_SENTENCE_END = re.compile(r"(?<=[。；;])")
_NUM = re.compile(r"^(?:第[一二三四五六七八九十]+[章部分节]|[(（]?[一二三四五六七八九十\d]{1,3}[)）、.．])")


def _run_in(text: str, word: str) -> bool:
    """`text` starts with the heading word (a qualifier of up to 4 characters before it) and a colon
    follows it."""
    k = text.find(word)
    return 0 <= k <= 4 and text[k + len(word): k + len(word) + 1] in (":", "：")


DROPPED = 0.9
"""Confidence kept by a heading read with one character of its word missing."""


def _short_of(text: str, word: str) -> str:
    """`word` with one character left out as it stands in `text` ('' when it does not)."""
    return next((cut for i in range(1, len(word) - 1) for cut in [word[:i] + word[i + 1:]] if cut in text), "")


def _one_dropped(text: str, words: Sequence[str]) -> str | None:
    """The first heading word (4+ characters) that `text` holds with one inner character dropped (发展划
    for 发展规划: dev seed 1424 #002, plan.complete a review)."""
    return next((w for w in words if len(w) >= 4 and _short_of(text, w)), None)


def extract_plan_sections(pages: Sequence[PageLayout]) -> dict[str, Fact]:
    cfg = labels()["plan_sections"]
    out: dict[str, Fact] = {}
    for page in pages:
        for row in page.rows:
            text = "".join(c.text for c in row)
            if is_toc(text):
                continue  # a 目录 entry names a section; the heading itself is what counts
            # a heading OCR ran onto the last line of the paragraph before it (整改台账。（四）管理制度…)
            tail = _SENTENCE_END.split(text)[-1]
            text = tail if _NUM.match(tail) else text
            short = len(text) <= HEADING_MAX
            lead = _NUM.sub("", text, count=1)
            for key, words in cfg.items():
                if key in out:
                    continue
                # a short row naming the section, or a run-in heading (1.发展规划：立足……)
                w = next((w for w in words if (w in text if short else _run_in(lead, w))), None)
                dropped = None if w or not (short and _NUM.match(text)) else _one_dropped(lead, words)
                if dropped:  # a numbered heading whose word OCR read a character short ((一)发展划)
                    w, lead = dropped, lead.replace(_short_of(lead, dropped), dropped, 1)
                if w:
                    # numbered, or a line that is little more than the heading word: a heading
                    heading = bool(_NUM.match(text)) or len(lead) <= len(w) + 6
                    # the cells holding the word: a speck beside it (川V off a seal) does not lower it
                    holding = [c for c in row if w in c.text] or list(row)
                    conf = min(c.confidence for c in holding) * (1.0 if heading else 0.85) * (DROPPED if dropped else 1.0)
                    out[key] = Fact(value=row[0].raw if len(row) == 1 else " ".join(c.raw for c in row),
                                    evidence=tuple(c.evidence(conf, f"章节标题含“{w}”") for c in holding[:1]),
                                    confidence=conf)
    for key, words in cfg.items():
        out.setdefault(key, Fact(reason=f"未找到“{words[0]}”章节"))
    return out
