"""Which form this is: 附件2 innovation community, 附件3 open-source community, 附件4 recommendation
form. Read from the annex label and the title on the first pages, fuzzily (OCR noise: 附 件 3,
开源社伭), so one misread character does not lose the track."""
from __future__ import annotations

import re
from typing import Sequence

from rapidfuzz import fuzz

from pipeline.extract.config import labels
from pipeline.extract.layout import Cell, PageLayout
from pipeline.facts import Fact

FIRST_PAGES = 3
_ANNEX = re.compile(r"附\s*件\s*([2-4])")
NAMES = {"innovation_community": "创新创业社区（附件2）", "open_source_community": "开源社区（附件3）",
         "recommendation_form": "申报单位推荐表（附件4）"}


def _keyword_score(text: str, kw: str) -> float:
    if kw in text:
        return 1.0
    if len(text) < len(kw) - 1:
        return 0.0
    s = fuzz.partial_ratio(kw, text) / 100
    return s if s >= 0.8 else 0.0


def detect_track(pages: Sequence[PageLayout]) -> Fact:
    cfg = labels()["track"]
    scores = {t: 0.0 for t in cfg}
    ev: dict[str, tuple[float, Cell]] = {}
    by_file: dict[str, int] = {}
    for page in pages:
        # the first pages count most; later ones still count (a DOCX puts its scanned cover last)
        k = by_file.get(page.file, 0)
        by_file[page.file] = k + 1
        weight = 1.0 if k == 0 else 0.5 if k < FIRST_PAGES else 0.3
        for row in page.rows:
            for cell in row:
                t = cell.text
                m = _ANNEX.search(t)
                if m and len(t) <= 12:
                    for track, c in cfg.items():
                        if c["annex"].endswith(m.group(1)):
                            s = 2.0 * weight
                            scores[track] += s
                            if s > ev.get(track, (0, None))[0]:
                                ev[track] = (s * cell.confidence, cell)
                for track, c in cfg.items():
                    for kw in c["keywords"]:
                        q = _keyword_score(t, kw)
                        if q:
                            # a title (short line) counts more than a mention in a paragraph
                            s = q * weight * (1.5 if len(t) <= 40 else 0.5)
                            scores[track] += s
                            if s * cell.confidence > ev.get(track, (0, None))[0]:
                                ev[track] = (s * cell.confidence, cell)
                            break
    # 推荐表 forms list applicants of both tracks: when the form title is there, it decides.
    if scores["recommendation_form"] >= 1.5:
        win = "recommendation_form"
    else:
        win = max(("innovation_community", "open_source_community"), key=lambda t: scores[t])
    if scores[win] <= 0:
        return Fact(value="unknown", confidence=0.0, reason="首页未找到“附件2/附件3/附件4”或申报方向标题，无法判断申报类别")
    total = sum(scores.values())
    margin = scores[win] / total if total else 0
    conf_ev, cell = ev[win]
    conf = min(1.0, cell.confidence * (0.5 + 0.5 * margin) * min(1.0, 0.6 + 0.2 * scores[win]))
    note = f"判定为{NAMES[win]}（得分 " + "，".join(f"{NAMES[t]} {s:.1f}" for t, s in scores.items() if s) + "）"
    return Fact(value=win, evidence=(cell.evidence(conf, note),), confidence=conf)
