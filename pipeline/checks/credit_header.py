"""Finding a credit list's header row, not assuming it: title rows, notes and blank rows may come
first, and a header may span two merged rows. The widest row that names a name or code column wins.
"""
from __future__ import annotations

import re

from pipeline.checks import credit_columns as CC
from pipeline.checks.credit_codes import codes_anywhere
from pipeline.checks.credit_model import SEP


def _header_like(cell: str) -> bool:
    """Could be a header cell: short, no year or long number, no company name, not `label：value`
    (制表单位：…) and not a note."""
    t = cell.strip()
    return (bool(t) and len(t) <= 40 and not re.search(r"\d{4}", t) and "有限" not in t and "公司" not in t
            and not re.search(r"[:：]\s*\S", t) and not CC.is_note(t))


def _looks_like_header(cells: list[str]) -> bool:
    filled = [c for c in cells if c.strip()]
    return len(filled) >= 2 and sum(map(_header_like, filled)) >= 0.6 * len(filled)


def _continues_header(top: list[str], bottom: list[str]) -> bool:
    """Is `bottom` the lower row of a two-row (merged) header rather than the first record?"""
    filled = [c for c in bottom if c.strip()]
    if not filled or not all(map(_header_like, filled)) or codes_anywhere(SEP.join(bottom)):
        return False
    width = max(len(top), len(bottom))
    t = top + [""] * (width - len(top))
    b = bottom + [""] * (width - len(bottom))
    shaped = any(bool(t[i].strip()) != bool(b[i].strip()) for i in range(width))
    named = any((CC.classify(c) in ("code", "date", "removal_date", "former_name"))
                or (CC.classify(c) == "name" and ("名称" in c or "姓名" in c)) for c in filled)
    return shaped and named


def _merge_header(top: list[str], bottom: list[str]) -> tuple[list[str], list[str | None]]:
    width = max(len(top), len(bottom))
    t = top + [""] * (width - len(top))
    b = bottom + [""] * (width - len(bottom))
    group = ""
    header, roles = [], []
    for i in range(width):
        if t[i].strip():
            group = t[i].strip()
        elif not b[i].strip():
            group = ""
        upper = t[i].strip() or (group if b[i].strip() else "")
        lower = b[i].strip()
        header.append(f"{upper}-{lower}" if upper and lower else upper or lower)
        roles.append(CC.classify_pair(upper, lower))
    return header, roles


def find_header(buffer: list[tuple[list[str], str]]):
    """(index of the first header row, rows it spans, header cells, roles) or None. Of the rows that
    could be a header naming a name or code column, the widest wins (earliest on a tie): a title or
    `制表单位` line above, or a record below, fills fewer cells than the real header."""
    best, best_width, after = None, 0, 0
    for i, (cells, _) in enumerate(buffer):
        if not _looks_like_header(cells):
            after += best is not None and any(c.strip() for c in cells)
            if after >= 2:
                break  # records have begun under the header found
            continue
        width = sum(1 for c in cells if c.strip())
        if width <= best_width:
            continue
        nxt = buffer[i + 1][0] if i + 1 < len(buffer) else []
        if nxt and _continues_header(cells, nxt):
            header, roles = _merge_header(cells, nxt)
            if CC.detect_columns(header, roles).usable:
                best, best_width = (i, 2, header, roles), sum(1 for h in header if h)
                continue
        roles = [CC.classify(c) for c in cells]
        if CC.detect_columns(cells, roles).usable:
            best, best_width = (i, 1, [c.strip() for c in cells], roles), width
    return best
