"""Where a consortium's member list is written whole in a table: a member table read by what its
header means (any column order, extra columns, 续表 on the next page); key-value member cards are in
member_cards.py, sentences in member_prose.py.

Column words, type words, list and count phrasings are in patterns/consortium.yaml. Knowing the list
was read whole is what lets a one-member consortium be a `fail` (SPEC §4, fail only on evidence)."""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Sequence

from pipeline.extract.code_parts import despecked_code, glyph_code, overlong
from pipeline.extract.config import consortium_patterns, labels
from pipeline.extract.fields import USCC_TOKEN, accept_name
from pipeline.extract.layout import Cell, join_cells
from pipeline.extract.member_header import split_header
from pipeline.extract.member_names import is_label_piece, is_type_word, leading_name, names_in  # noqa: F401
from pipeline.extract.nlp import role_mentions
from pipeline.extract.role_ticks import guessed_roles, roles_in  # noqa: F401  (the names other modules import from here)


patterns = consortium_patterns  # the name the member modules use


# ---------------------------------------------------------------- tables

@lru_cache(maxsize=1)
def _no_specks() -> dict[int, None]:
    return str.maketrans("", "", labels()["line_specks"])


def column_of(text: str) -> str | None:
    """What a header cell means (name, uscc, role, type, number, other), by its longest word. A scan's
    specks inside it are no part of it (机构代码（统一社会信”用代码）, a card's key wrapped over two lines:
    dev seed 1520 #003 lost the member's code)."""
    text = text.translate(_no_specks()) if text else text
    if not text or len(text) > 14 or USCC_TOKEN.search(text):
        return None
    best, length = None, 0
    for meaning, words in patterns()["member_columns"].items():
        for w in words:
            if w in text and len(w) > length:
                best, length = meaning, len(w)
    return best


def header_columns(row: Sequence[Cell]) -> list[str | None] | None:
    """The meaning of each cell of a member table's header row, or None when the row is not one:
    it needs a name column and a code or role column, and no cell holding a unit's name."""
    cols = [column_of(c.text) for c in row]
    if "name" not in cols or not ({"uscc", "role"} & set(cols)):
        return None
    if any(accept_name(c.text) and column_of(c.text) != "name" for c in row):
        return None
    return cols


def _mask_role_words(text: str) -> str:
    chars = list(text)
    for _, s, e, _ in role_mentions(text):
        chars[s:e] = "|" * (e - s)
    return "".join(chars)


@dataclass(frozen=True)
class MemberRow:
    name: str | None
    name_cells: tuple[Cell, ...]
    code: str | None
    code_cell: Cell | None
    roles: tuple[tuple[str, Cell], ...]
    type_cell: Cell | None
    cells: tuple[Cell, ...]
    stub: str = ""
    """The name cell's text when it holds no whole name (a narrow scan's cell whose last character the
    rule clipped: 重庆青禾互联网科技有限公): not a name, but what ties the row to the member other
    places name (consortium.member_for)."""


READ_BY = ("name", "uscc", "role", "type")
"""The member-table columns a member is read from (patterns/consortium.yaml member_columns)."""


@dataclass(frozen=True)
class MemberTable:
    header: tuple[Cell, ...]
    columns: tuple[str | None, ...]
    rows: tuple[MemberRow, ...]

    @property
    def confidence(self) -> float:
        """The least confidence of the header cells the members are read by (name, code, role and type
        columns): a 序号 read 序 at 0.80 or a 联系电话 read low says nothing about the list (dev seed
        1303 #005: every member and role read right, consortium.application_unit a review)."""
        used = [c for c, k in zip(self.header, self.columns) if k in READ_BY]
        return min(c.confidence for c in used or self.header)


def _xoverlap(a: Cell, b: Cell) -> float:
    return min(a.bbox[2], b.bbox[2]) - max(a.bbox[0], b.bbox[0])


def _columns_for(row: Sequence[Cell], header: Sequence[Cell], cols: Sequence[str | None], docx: bool) -> list[str | None]:
    """Each cell's column: by position in a Word table with as many cells as the header (its cells
    have no geometry of their own), else by the header cell it overlaps most."""
    if docx:
        return list(cols) if len(row) == len(header) else [None] * len(row)
    out = []
    for c in row:
        k = max(range(len(header)), key=lambda i: _xoverlap(header[i], c))
        out.append(cols[k] if _xoverlap(header[k], c) > 0 else None)
    return out


@lru_cache(maxsize=1)
def _specks() -> re.Pattern:
    marks = re.escape(patterns()["name_cell_specks"])
    return re.compile(rf"(?<=[\u4e00-\u9fff])[{marks}]+(?=[\u4e00-\u9fff])")


def despecked(text: str) -> str:
    """A name cell's text without the specks OCR read as marks between its characters (有限。公司)."""
    return _specks().sub("", text)


def _member_row(row: Sequence[Cell], cols: Sequence[str | None]) -> MemberRow | None:
    """A table row as a member: the name from the name column (else a name-shaped cell outside the
    code, role and type columns), the code, the roles, the type cell. None when it has neither a
    name nor a code (the table has ended)."""
    name = None
    name_cells: tuple[Cell, ...] = ()
    ranked = sorted(range(len(row)), key=lambda i: cols[i] != "name")
    for i in ranked:
        if cols[i] in ("uscc", "role", "type", "other"):
            continue
        found = names_in(despecked(row[i].text) if cols[i] == "name" else row[i].text) or (
            leading_name(despecked(row[i].text)) if cols[i] == "name" else [])
        if found:
            name, name_cells = found[0][0], (row[i],)
            break
    if name is None:  # a role cell holding the name too (开源代码贡献单位重庆长风……公司: the columns ran together)
        for i in (i for i in range(len(row)) if cols[i] == "role"):
            found = [n for n in names_in(_mask_role_words(row[i].text)) if "|" not in n[0]]
            if found:
                name, name_cells = found[0][0], (row[i],)
                break
    code, code_cell = None, None
    for i in sorted(range(len(row)), key=lambda i: cols[i] != "uscc"):
        m = USCC_TOKEN.search(row[i].text)
        if m:
            code, code_cell = m.group().upper(), row[i]
            break
    if code is None:  # a narrow code column's cell: its wrapped end and a clipped glyph glued on,
        for i in (i for i in range(len(row)) if cols[i] == "uscc"):  # or a speck read inside it
            code = overlong(row[i].text) or despecked_code(row[i].text) or glyph_code(row[i].text)
            if code:
                code_cell = row[i]
                break
    roles = []
    for i, c in enumerate(row):
        if cols[i] == "role" or (cols[i] is None and c not in name_cells):
            # a speck inside a role phrase (开源代码贡,献单位) is no part of it
            roles += [(label, c) for label, *_ in roles_in(despecked(c.text) if cols[i] == "role" else c.text)]
    type_cell = next((c for i, c in enumerate(row) if cols[i] == "type"), None)
    stub = "" if name else next((t for i in range(len(row)) if cols[i] == "name"
                                 for t in [despecked(row[i].text)] if _STUB.fullmatch(t)), "")
    if name is None and code is None and not (stub and roles):  # a name cut short with its roles is a member
        return None  # (重庆市瀚海物联科技有限 | 9150…9Q, a code read short: dev seed 1421 #005)
    return MemberRow(name, name_cells, code, code_cell, tuple(roles), type_cell, tuple(row), stub)


_STUB = re.compile(r"[\u4e00-\u9fff()（）]{8,40}")


def _with_wrapped(mr: MemberRow, fragment: Sequence[Cell]) -> MemberRow:
    """The member row with the wrapped end of its role cell put back (牵头方、代码贡献 / 单位;
    开源代码贡献单位 / 、应用单位): the roles are read again from the whole cell, so a role written on
    the second line is not lost (a lost 应用单位 would be a wrong `fail`)."""
    role_cells = [c for _, c in mr.roles]
    cell = role_cells[-1] if role_cells else max(
        (c for c in mr.cells if c not in mr.name_cells and c is not mr.code_cell),
        key=lambda c: _xoverlap(c, fragment[0]), default=None)
    if cell is None:
        return mr
    # a speck under another column (= under 序号 beside 推广单位) is no part of the cell
    fragment = [c for c in fragment if _xoverlap(c, cell) > 0 or c.text[:1] in _JOINERS] or list(fragment)
    tail = "".join(c.text for c in fragment)
    box = (min(cell.bbox[0], *(c.bbox[0] for c in fragment)), cell.bbox[1],
           max(cell.bbox[2], *(c.bbox[2] for c in fragment)), max(c.bbox[3] for c in fragment))
    whole = Cell(cell.text + tail, cell.raw + "".join(c.raw for c in fragment), cell.file, cell.page, box,
                 min(cell.confidence, *(c.confidence for c in fragment)), cell.source, cell.origin)
    roles = tuple((lb, c) for lb, c in mr.roles if c is not cell) + tuple(
        (lb, whole) for lb, *_ in roles_in(despecked(whole.text)))
    if {lb for lb, _ in roles} == {lb for lb, _ in mr.roles}:
        return mr
    return replace(mr, roles=roles, cells=tuple(whole if c is cell else c for c in mr.cells))


def _rest_of_row(mr: MemberRow, row: Sequence[Cell], header: Sequence[Cell], cols: Sequence[str | None],
                 docx: bool) -> MemberRow | None:
    """The member row whose role, type and contact cells OCR read as a line of their own under its name
    and code (重庆启明……产业研究 | 1250… / 院 | 事业单位法人 | 开源贡献单位 | 魏秀英: the cells centred lower
    than the top-aligned name): the two lines as one row, cells under one column joined, when the row
    above had no role and this line gives one. Word rows never split so."""
    if docx or mr.roles or not any(roles_in(c.text) for c in row):
        return None
    whole = _joined_rows(mr, row, header, cols)
    return whole if whole is not None and whole.roles else None


def _name_below(mr: MemberRow, below: MemberRow | None, row: Sequence[Cell], header: Sequence[Cell],
                cols: Sequence[str | None], docx: bool) -> MemberRow | None:
    """The reverse: a row with code and roles but no name, its name read as a line of its own under it
    (12500119131765003N | 事业单位（ | 牵头单位 / 重庆市新桥数字化转型促进中心 | 公益一类）: a skewed scan, dev seed
    1471 #003 — two table rows, the table's count one too many). One row when the line has a name only."""
    if docx or mr.name or not mr.code or below is None or not below.name or below.code or below.roles:
        return None
    whole = _joined_rows(mr, row, header, cols)
    return whole if whole is not None and whole.name and whole.code else None


def _joined_rows(mr: MemberRow, row: Sequence[Cell], header: Sequence[Cell], cols: Sequence[str | None]) -> MemberRow | None:
    at: dict[str, Cell] = {}
    for c, col in zip(mr.cells, _columns_for(mr.cells, header, cols, False)):
        if col:
            at.setdefault(col, c)
    cells = list(mr.cells)
    for c, col in zip(row, _columns_for(row, header, cols, False)):
        above = at.get(col) if col else None
        if above is None:
            cells.append(c)
        else:  # two pieces under one column join in turn (the cell above already joined once)
            k = next(i for i, x in enumerate(cells) if x is above)
            cells[k] = at[col] = join_cells(above, c)
    cells.sort(key=lambda c: c.bbox[0])
    return _member_row(cells, _columns_for(cells, header, cols, False))


_ROW_NO = re.compile(r"^(\d{1,2})(?!\d)")


def _wrapped_fragment(row: Sequence[Cell], header: Sequence[Cell], docx: bool) -> bool:
    """A short run under an inner column (the wrapped end of a role cell: 代码贡献 / 方), not a line
    under the table starting at its left edge (联合体各方（盖章）：); Word rows never wrap into rows."""
    if docx or len(row) >= len(header):
        return False
    short = all(len(c.text) <= 6 and not any(ch.isdigit() or ch in ":：" for ch in c.text) for c in row)
    # a run starting with a list separator continues the cell above wherever OCR boxed it (、应用单位)
    return short and (min(c.bbox[0] for c in row) >= header[0].bbox[2] or row[0].text[:1] in _JOINERS)


_JOINERS = "、，,/／;；"


def _next_numbered(row: Sequence[Cell], number: int) -> bool:
    """The row starts with the table's next 序号 (so it is a member row read badly)."""
    m = _ROW_NO.match(row[0].text) if row else None
    return bool(m) and int(m.group(1)) == number


def read_tables(pages: Sequence[Sequence[Sequence[Cell]]], docx: Sequence[bool]) -> list[tuple[MemberTable, bool]]:
    """Every member table, with whether it was read to its end (a row that is no member row came
    after it, or the pages ended). A table running to a page's foot continues on the next page
    (a repeated header is skipped)."""
    out: list[tuple[MemberTable, bool]] = []
    p = 0
    while p < len(pages):
        rows = pages[p]
        r = 0
        while r < len(rows):
            header = split_header(rows[r])
            cols = header_columns(header)
            if cols is None:
                r += 1
                continue
            members: list[MemberRow] = []
            q, k, ended = p, r + 1, False
            while not ended:
                if k >= len(pages[q]):
                    if q + 1 >= len(pages):
                        ended = True  # the pages ended with the table
                        break
                    nxt = pages[q + 1]
                    # the table goes on only with its header repeated (续表) or a row shaped like its
                    # rows: the next 序号 or a code in a row of several cells (not 乙方：B公司 below it)
                    first = next((i for i, rw in enumerate(nxt) if header_columns(rw) or (
                        len(rw) >= 2 and (_next_numbered(rw, len(members) + 1) or any(USCC_TOKEN.search(c.text) for c in rw))
                        and _member_row(rw, [None] * len(rw)))), None)
                    if first is None or first > 2:
                        ended = True  # the next page starts with something else
                        break
                    q, k = q + 1, first + (1 if header_columns(nxt[first]) else 0)
                    continue
                row = pages[q][k]
                row_cols = _columns_for(row, header, cols, docx[q])
                mr = _member_row(row, row_cols)
                if mr is None and _wrapped_fragment(row, header, docx[q]) and k + 1 < len(pages[q]):
                    if members:  # the wrapped end of a cell read as a row of its own (…代码贡献 / 单位)
                        members[-1] = _with_wrapped(members[-1], row)
                    k += 1
                    continue
                rest = _rest_of_row(members[-1], row, header, cols, docx[q]) if mr is None and members else None
                if rest is not None:  # its other cells sit lower than its name and code
                    members[-1] = rest
                    k += 1
                    continue
                named = _name_below(members[-1], mr, row, header, cols, docx[q]) if members else None
                if named is not None:
                    members[-1] = named
                    k += 1
                    continue
                if mr is None and not members and all(column_of(c.text) for c in row):
                    k += 1  # a header cell read as a row of its own under the header (a skewed 序 / 号)
                    continue
                if mr is None:
                    # a row shaped like the table's (its cells under two columns, or a 序号 first)
                    # whose name and code were not read is a member lost, not the table's end
                    ended = not _next_numbered(row, len(members) + 1)
                    break
                members.append(mr)
                k += 1
            if members:
                out.append((MemberTable(header, tuple(cols), tuple(members)), ended))
            if q != p:
                p, r = q, k
                rows = pages[p]
            else:
                r = k
        p += 1
    return out
