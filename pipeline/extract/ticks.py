"""Option rows with tick marks (■企业 □事业单位 …; ☑牵头单位 □应用单位): which options are ticked.

A checked mark (☑ √ ■ ▇ ✓ …) ticks its option. OCR garbles marks (■ read as 国 or 口, □ as 口): a
garbled mark ticks only as the odd one out of the row (the others all alike). Marks are in
patterns/consortium.yaml `ticks`. When OCR drops the filled mark altogether, the one option without a
mark among open boxes is the ticked one."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Sequence

from pipeline.extract.config import consortium_patterns as patterns


@dataclass(frozen=True)
class TickRead:
    ticked: tuple[str, ...]
    """Ticked options in row order (empty when none could be told)."""
    quality: float
    why: str = ""


def marked_options(text: str, spans: Sequence[tuple[str, int, int]]) -> list[tuple[str, int, int, str]]:
    """(option, start, end, mark) for every option span with a mark character right before it."""
    t = patterns()["ticks"]
    marks = set(t["checked"]) | set(t["unchecked"]) | set(t["garbled"])
    out = []
    for opt, s, e in spans:
        k = s - 1
        while k >= 0 and text[k] in " 　":
            k -= 1
        if k >= 0 and text[k] in marks:
            out.append((opt, s, e, text[k]))
    return out


def read_ticks(text: str, spans: Sequence[tuple[str, int, int]], multi: bool = False) -> TickRead | None:
    """Which of the option spans (option, start, end) in `text` are ticked; None when the text is no
    tick row (fewer than two options with a mark). `multi`: several options may be ticked (承担角色),
    so where OCR dropped the filled marks every option left without a mark beside open boxes is
    ticked (牵头单位开源代码贡献单位□应用单位)."""
    t = patterns()["ticks"]
    checked, unchecked = set(t["checked"]), set(t["unchecked"])
    marked = marked_options(text, spans)
    if multi and marked and len(spans) >= 2 and all(mk in unchecked for *_, mk in marked):
        bare = tuple(o for o, s, _ in spans if s not in {ms for _, ms, _, _ in marked})
        if bare:
            return TickRead(bare, 0.75, "勾选符号未识别出，其余选项均为未勾选框，按无框选项认定")
    if len(marked) < 2:
        return None
    ticked = tuple(o for o, _, _, mk in marked if mk in checked)
    if ticked:
        return TickRead(ticked, 1.0)
    bare = [o for o, s, _ in spans if s not in {ms for _, ms, _, _ in marked}]
    if len(spans) >= 3 and len(bare) == 1 and all(mk in unchecked for *_, mk in marked):
        # every other option (2+) has an open box: OCR dropped the filled one (■企业 read as 企业,
        # □牵头单位开源代码贡献单位□应用单位)
        return TickRead((bare[0],), 0.75, "勾选符号未识别出，其余选项均为未勾选，按唯一无框选项认定")
    kinds = Counter(mk for *_, mk in marked)
    odd = [mk for mk, n in kinds.items() if n == 1]
    if len(kinds) == 2 and len(odd) == 1 and len(marked) >= 3 and odd[0] not in unchecked:
        option = next(o for o, _, _, mk in marked if mk == odd[0])
        return TickRead((option,), 0.75, f"勾选符号识别为“{odd[0]}”，按与其他选项符号不同认定")
    return TickRead((), 0.0, "勾选项未能识别")


def option_spans(text: str, rx: re.Pattern) -> list[tuple[str, int, int]]:
    return [(m.group(), m.start(), m.end()) for m in rx.finditer(text)]
