"""A unit name an OCR engine returned as two touching runs of one line, read whole: a job of its own,
apart from reading members (consortium.py)."""
from __future__ import annotations

import re
from typing import Sequence

from pipeline.extract.fields import accept_name, canonical_name
from pipeline.extract.layout import Cell
from pipeline.extract.member_list import names_in
from pipeline.extract.nlp import role_mentions

RUN_GAP = 0.002
"""Two runs of one OCR line at most this far apart (page widths) touch: one run the engine split."""


def touching_runs(row: Sequence[Cell]) -> tuple[Cell, ...]:
    """The row with a unit name RapidOCR returned as two touching runs of one line (重庆市悦来 |
    数字化转型促进中心, a seal's arc across it) joined: the tail alone ends like a unit's name and became
    a second lead beside the real one (dev seed 1306 #003, consortium.size review). Joined only when
    the head is Chinese naming no unit and no role and the two make one whole name."""
    out = list(row)
    i = 0
    while i < len(out) - 1:
        a, b = out[i], out[i + 1]
        whole = a.text + b.text
        if (a.source == "ocr" and a.origin == b.origin >= 0 and abs(b.bbox[0] - a.bbox[2]) <= RUN_GAP
                and re.fullmatch(r"[\u4e00-\u9fff（）()]{2,}", a.text) and not names_in(a.text)
                and not role_mentions(a.text) and names_in(b.text)
                and accept_name(whole) == canonical_name(whole) == canonical_name(names_in(whole)[0][0]
                                                                              if names_in(whole) else "")):
            box = (a.bbox[0], min(a.bbox[1], b.bbox[1]), b.bbox[2], max(a.bbox[3], b.bbox[3]))
            out[i:i + 2] = [Cell(whole, a.raw + b.raw, a.file, a.page, box, min(a.confidence, b.confidence), a.source,
                                 a.origin)]
            continue
        i += 1
    return tuple(out)
