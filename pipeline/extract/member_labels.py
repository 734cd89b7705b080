"""Members' codes and types from labels near their names: a per-member page (单位名称 … 统一社会信用代码
… 单位性质) and a cover row (联合体牵头单位 | A公司) with its code labelled on the row right under it."""
from __future__ import annotations

from typing import Sequence

from pipeline import uscc
from pipeline.extract.config import label_regex
from pipeline.extract.entity import classify_declared, declared_types
from pipeline.extract.fields import USCC_TOKEN, accept_code, accept_name, labelled, same_unit
from pipeline.extract.layout import Cell, PageLayout


def fill_from_labels(pages: Sequence[PageLayout], members: list) -> None:
    """Pair each labelled unit name with the code and 单位性质 labelled within the next rows of the
    same page, and give them to the member of that name (members: consortium._Member)."""
    for page in pages:
        names = labelled([page], "applicant_name", accept_name)
        if not names:
            continue
        codes = labelled([page], "uscc", accept_code)
        types = declared_types([page])
        for n in names:
            mb = next((m for m in members if any(same_unit(n.value, f.value) for f in m.names)), None)
            if mb is None:
                continue
            y = n.cells[0].bbox[1]
            near_codes = [c for c in codes if 0 <= c.cells[0].bbox[1] - y < 0.25]
            near_types = [t for t in types if 0 <= t.cells[0].bbox[1] - y < 0.3]
            if near_codes:
                mb.codes.append(near_codes[0])
            if near_types and classify_declared(near_types[0].value):
                mb.types.append(near_types[0])


def code_under(rows: Sequence[Sequence[Cell]], k: int) -> str | None:
    """The valid code labelled on the row right under row `k` (联合体牵头单位（盖章） | A公司, then
    统一社会信用代码 | 9150…): that unit's code, which ties a name misread there (a seal over it,
    dev seed 932 #007: 重庆市森域市进安有里支住公司) to the member the table gives that code."""
    if k + 1 >= len(rows):
        return None
    exact, fuzzy = label_regex("uscc")
    text = "".join(c.text for c in rows[k + 1])
    m = USCC_TOKEN.search(text)
    if not m or not (exact.search(text[:m.start()]) or fuzzy.search(text[:m.start()])):
        return None
    code = m.group().upper()
    return code if uscc.is_valid(code) else None
