"""Consortium members (open-source track): name, USCC and roles from the member table and the
agreement text, however the roles are phrased (phrases in patterns/roles.jsonl, read by spaCy).

A member is keyed by its code when one is read, else by its name; OCR variants of one name merge
(rapidfuzz ratio ≥ 90) unless they end in two legal forms (fields.same_unit)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Sequence

from rapidfuzz import fuzz

from pipeline.extract.code_parts import wrapped_code
from pipeline.extract.entity import accept_type_text, code_fact, name_fact, type_fact
from pipeline.extract.fields import (USCC_TOKEN, Found, accept_name, canonical_name, find_names, same_unit,
                                     whole_name)
from pipeline.extract.layout import Cell, PageLayout, norm
from pipeline.extract.member_count import list_fact
from pipeline.extract.member_cards import read_cards
from pipeline.extract.member_labels import code_under, fill_from_labels
from pipeline.extract.member_list import guessed_roles, is_type_word, names_in, read_tables, roles_in
from pipeline.extract.member_prose import coded_names, named_parties, read_parties, read_sentences
from pipeline.extract.name_runs import touching_runs
from pipeline.extract.nlp import cut_role, role_mentions
from pipeline.extract.unweave import split_role
from pipeline.facts import ROLE_CUT, Evidence, Fact, RoleClaim, Unit

ROLE_ORDER = ("lead", "code_contributor", "application_unit")
ROLE_NAMES = {"lead": "牵头单位", "code_contributor": "开源代码贡献单位", "application_unit": "应用单位"}
# The kinds of place that state members' roles (Unit.role_claims): the rules hold a fail back when they contradict
TABLE, AGREEMENT, PROSE = "成员表", "联合体协议", "成员说明文字"
ROW_NAME_SURE = 0.65
"""A unit named beside a role word in a row read less surely than this, that no table, agreement or code
names, is not made a member (what else was read there may be a seal's text)."""


def _holding(cells: Sequence[Cell], text: str) -> tuple[Cell, ...]:
    """The cell that holds `text` (the whole row when it spans cells)."""
    hit = [c for c in cells if text and text in c.text]
    return (hit[0],) if hit else tuple(cells)


@dataclass
class _Member:
    names: list[Found] = field(default_factory=list)
    codes: list[Found] = field(default_factory=list)
    types: list[Found] = field(default_factory=list)
    roles: dict[str, list[Evidence]] = field(default_factory=dict)
    stubs: list[str] = field(default_factory=list)
    """Name cells read cut short (MemberRow.stub): a name they begin is this member's."""
    claims: dict[str, dict[str, Evidence]] = field(default_factory=dict)
    """place → role → the first evidence that place gives it (Unit.role_claims)."""


def _mask_roles(text: str) -> tuple[str, list[tuple[str, int, int, str]]]:
    ments = [m for m in role_mentions(text) if m[0] == "member"] + roles_in(text)
    chars = list(text)
    for _, s, e, _ in role_mentions(text):
        chars[s:e] = "|" * (e - s)
    masked = "".join(chars)
    # 甲方/乙方 and member words are not part of a name
    for w in ("甲方", "乙方", "丙方", "丁方", "戊方", "单位名称", "名称"):
        masked = masked.replace(w, "|" * len(w))
    return masked, ments


_LABEL_END = re.compile(r"(?:[(（][^)）]{0,8}[)）])?[:：]")


def _row_units(row: Sequence[Cell]) -> list[tuple[str, list[str], str | None, list[Cell]]]:
    """Units named in one row with the roles phrased beside them.

    A row with one name (a member-table row, or 甲方（牵头单位）：A公司) gives every role in the row to
    it; a cell with several names gives each role to the nearest name after it, or before it when the
    role is in brackets right behind the name (A公司（牵头单位）)."""
    row = touching_runs(row)
    text = "|".join(c.text for c in row)
    masked, ments = _mask_roles(text)
    # type words (其他有限责任公司 from a 单位类型 column) are no names; sentence words are cut off
    names = [(n, s, e) for n, s, e in names_in(masked) if "|" not in n]
    if not names and len(row) > 1:
        # a name OCR split into two runs of one cell (重庆市天府信息技术服务联 | 合会): read the row joined
        return _row_units(tuple([_joined(row)]))
    if not names:
        return []
    code = None
    m = USCC_TOKEN.search(text)
    if m:
        code = m.group()
    roles_for: list[list[str]] = [[] for _ in names]
    for label, s, e, _ in ments:
        if label == "member":
            continue
        if len(names) == 1:
            roles_for[0].append(label)
            continue
        after = [i for i, (_, ns, _) in enumerate(names) if ns >= e]
        before = [i for i, (_, _, ne) in enumerate(names) if ne <= s and s - ne <= 2]
        colon = _LABEL_END.match(masked, e)
        if colon:  # 牵头单位（盖章）：B公司 — a label of the name right after it, even right behind another name
            if not (after and names[after[0]][1] - colon.end() <= 2):
                continue  # what follows the label was not read as a name: the role goes to nobody
            before = []
        target = before[-1] if before else (after[0] if after else len(names) - 1)
        roles_for[target].append(label)
    out = []
    for (n, _, _), roles in zip(names, roles_for):
        out.append((n, roles, code if len(names) == 1 else None, list(row)))
    return out


def _stub_of(stub: str, name: str) -> bool:
    """A table row's name cell that is not a whole name is `name`'s: its start cut short by a clipped
    end (……有限公) or a wrapped line lost (……科技有限 / 责任公司, dev seed 1421 #005), or an OCR variant
    of it by the rule names merge by (……产业研究元 for 研究院, 服务业商云 for 服务业商会)."""
    return (name.startswith(stub) and len(name) - len(stub) <= 4) or fuzz.ratio(name, stub) >= 90


def _with_text(c: Cell, text: str) -> Cell:
    return Cell(text, text, c.file, c.page, c.bbox, c.confidence, c.source, c.origin)


def _stitch(rows: Sequence[Sequence[Cell]]) -> list[tuple[Cell, ...]]:
    """Member-table rows whose wrapped name and role came back from OCR as ONE run under the row
    (…（西部科学城）有限 / 牵头单位、代码贡 + '公司献单位'): split that run where the name becomes a
    full unit name, give the rest to the role cell."""
    out: list[tuple[Cell, ...]] = []
    i = 0
    while i < len(rows):
        row = tuple(rows[i])
        nxt = rows[i + 1] if i + 1 < len(rows) else ()
        whole = wrapped_code(row, nxt) if nxt else None
        if whole is not None:  # the code's end wrapped under it (91500116MA4T7DUH / 4T)
            row, nxt = whole
            if not nxt:
                out.append(row)
                i += 2
                continue
            rows = [*rows[:i + 1], nxt, *rows[i + 2:]]
        code_at = next((k for k, c in enumerate(row) if USCC_TOKEN.search(c.text)), None)
        cut = _continuation_cut(row, nxt, code_at)
        if cut is not None:
            name_k, role_k, cont = code_at - 1, len(row) - 1, nxt[0].text
            cells = list(row)
            cells[name_k] = _with_text(row[name_k], row[name_k].text + cont[:cut])
            cells[role_k] = _with_text(row[role_k], row[role_k].text + cont[cut:])
            out.append(tuple(cells))
            i += 2
            continue
        row = _split_woven(row)
        code_at = next((k for k, c in enumerate(row) if USCC_TOKEN.search(c.text)), None)
        joined = _with_wrapped_lines(row, nxt, code_wrapped=code_at is None)
        if joined is not None:
            out.append(joined)
            i += 2
            continue
        out.append(_move_name_tail(row, code_at) if code_at else row)
        i += 1
    return out


def _with_wrapped_lines(row: tuple[Cell, ...], nxt: Sequence[Cell], code_wrapped: bool = False) -> tuple[Cell, ...] | None:
    """A member row whose cells wrapped, their second lines read as a row of their own under it
    (重庆青禾……产业研究 / 院, 联合体牵头人、 / 开源贡献单位): each line joined to the cell above it, when
    the lines hold no code and no 序号 and the join completes a unit name the row's cell had cut.
    `code_wrapped` (the row holds no whole code): the join must also complete a code the row had cut
    (5150011616550845 / 11: seed 1100 #003, a member lost and the table read as one row long)."""
    if not nxt or len(nxt) > len(row) or any(USCC_TOKEN.search(c.text) for c in nxt) or _ROW_NUMBER.match(nxt[0].text) \
            or nxt[0].text.isdigit():
        return None
    cells = list(row)
    for c in nxt:
        k = max(range(len(row)), key=lambda i: min(row[i].bbox[2], c.bbox[2]) - max(row[i].bbox[0], c.bbox[0]))
        if min(row[k].bbox[2], c.bbox[2]) - max(row[k].bbox[0], c.bbox[0]) <= 0 or cells[k] is not row[k]:
            return None
        cells[k] = _with_text(row[k], row[k].text + c.text)
    # the completed name must be a unit's: a type cell completed (事业单位 + 其他有限责任公司, the next
    # row's type under it when its code was misread short: seed 805 #001) names no unit
    if not any(names_in(c.text) and whole_name(c.text) and not whole_name(r.text) for c, r in zip(cells, row)):
        return None
    if code_wrapped and not any(USCC_TOKEN.search(c.text) and not USCC_TOKEN.search(r.text) for c, r in zip(cells, row)):
        return None
    return tuple(cells)


def _split_woven(row: tuple[Cell, ...]) -> tuple[Cell, ...]:
    """A role cell and the name cell right of it that OCR read as one interleaved line become two
    cells again, the role on the left (pipeline.extract.unweave)."""
    out: list[Cell] = []
    for c in row:
        woven = split_role(c.text, whole_name) if c.source == "ocr" and len(c.text) >= 10 else None
        if woven is None:
            out.append(c)
            continue
        role, name = woven
        x0, y0, x1, y1 = c.bbox
        cut = x0 + (x1 - x0) * len(role) / (len(role) + len(name))
        out.append(Cell(role, c.raw, c.file, c.page, (x0, y0, cut, y1), c.confidence, c.source, c.origin))
        out.append(Cell(name, c.raw, c.file, c.page, (cut, y0, x1, y1), c.confidence, c.source, c.origin))
    return tuple(out)


_ROW_NUMBER = re.compile(r"^\d{1,2}(?=[\u4e00-\u9fff])")


def _continuation_cut(row: tuple[Cell, ...], nxt: Sequence[Cell], code_at: int | None) -> int | None:
    """Where the name's end stops in `nxt` when it is one run continuing `row` (name | code | role),
    else None. The run starts right of the row's 序号 (a cell of its own, or read into the name cell:
    1山城信息科技……有限) and names no unit and no code; a run with a role phrase of its own (a note
    under the table) counts only when it starts with the end of the row's name (公司 + 源代码贡献单位)."""
    if code_at is None or not 1 <= code_at < len(row) - 1 or len(nxt) != 1:
        return None
    first, cont = row[0].bbox, nxt[0].text
    number_width = min(first[2] - first[0], 2 * (first[3] - first[1]))
    if USCC_TOKEN.search(cont) or nxt[0].bbox[0] <= first[0] + number_width or find_names(cont):
        return None
    head = _ROW_NUMBER.sub("", row[code_at - 1].text)
    cut = next((k for k in range(len(cont) + 1) if accept_name(head + cont[:k]) == canonical_name(head + cont[:k])), 0)
    return cut if cut > 0 or not role_mentions(cont) else None


_NAME_TAIL = re.compile(r"股份有限公司|有限责任公司|有限公司|公司")


def _move_name_tail(row: tuple[Cell, ...], code_at: int) -> tuple[Cell, ...]:
    """OCR may read the wrapped end of a name into the role cell (代码贡有限公司献单位): move it back
    when it completes the name cell. A 单位性质 cell is no such cell (有限公 + 有限责任公司（自然人投资或控股）
    made 重庆鹿鸣……有限公有限责任公司, a fourth member: dev seed 1420 #003)."""
    name = row[code_at - 1]
    if accept_name(name.text) == canonical_name(name.text):
        return row
    for k in range(code_at, len(row)):
        m = _NAME_TAIL.search(row[k].text)
        if m and not is_type_word(row[k].text) and accept_name(name.text + m.group()) == canonical_name(name.text + m.group()):
            cells = list(row)
            cells[code_at - 1] = _with_text(name, name.text + m.group())
            cells[k] = _with_text(row[k], row[k].text[: m.start()] + row[k].text[m.end():])
            return tuple(cells)
    return row


def _joined(row: Sequence[Cell]) -> Cell:
    a = row[0]
    text = ""
    for c in row:
        # OCR of a wrapped cell may repeat the character at the break (服务联 | 联合会)
        text += c.text[1:] if (c.source == "ocr" and text and c.text[:1] == text[-1:] and not c.text[:1].isascii()) else c.text
    box = (min(c.bbox[0] for c in row), min(c.bbox[1] for c in row), max(c.bbox[2] for c in row), max(c.bbox[3] for c in row))
    return Cell(text, " ".join(c.raw for c in row), a.file, a.page, box,
                min(c.confidence for c in row), a.source, a.origin)


def extract_consortium(pages: Sequence[PageLayout]) -> tuple[Unit, ...]:
    return extract_members(pages)[0]


def _cut_note(text: str) -> str:
    cut = cut_role(text)
    return f"（{ROLE_CUT}：“{cut}”）" if cut else ""


def extract_members(pages: Sequence[PageLayout]) -> tuple[tuple[Unit, ...], Fact]:
    """The members, and the member list as read whole (see ApplicationFacts.consortium_list)."""
    members: list[_Member] = []

    def known(name: str | None, code: str | None) -> _Member | None:
        for mb in members:
            if code and any(c.value == code for c in mb.codes):
                return mb
            if name and any(same_unit(name, f.value) for f in mb.names):
                return mb
            if name and not mb.names and any(_stub_of(s, name) for s in mb.stubs):
                return mb
        return None

    def member_for(name: str | None, code: str | None) -> _Member:
        mb = known(name, code)
        if mb is None:
            mb = _Member()
            members.append(mb)
        return mb

    def add_role(mb: _Member, name: str, r: str, cell: Cell, place: str) -> None:
        note = f"{place}中“{name}”的分工写为“{cell.raw}”，认定为{ROLE_NAMES[r]}" + _cut_note(cell.text)
        ev = cell.evidence(cell.confidence, note)
        mb.roles.setdefault(r, []).append(ev)
        mb.claims.setdefault(place, {}).setdefault(r, ev)

    stitched = [_stitch(page.rows) for page in pages]
    tables = read_tables(stitched, [p.source == "docx" for p in pages])
    lists, counts = read_sentences(pages)
    cards, cards_whole = read_cards(stitched)
    for row in [r for table, _ in tables for r in table.rows] + cards:
        mb = member_for(row.name, row.code)
        if row.name:
            mb.names.append(Found(row.name, row.name_cells, 1.0, "table"))
        if row.code:
            mb.codes.append(Found(row.code, (row.code_cell,), 1.0, "table"))
        if row.stub:
            mb.stubs.append(row.stub)
        for r, cell in row.roles:
            add_role(mb, row.name or row.code or "", r, cell, TABLE)
        declared = accept_type_text(row.type_cell.text) if row.type_cell is not None else None
        if declared:
            mb.types.append(Found(declared, (row.type_cell,), 1.0, "table"))
    for sentence in lists:
        for name, roles in sentence.names:
            mb = member_for(name, None)
            mb.names.append(Found(name, sentence.cells[:1], 0.95, "sentence"))
            for r in roles:
                add_role(mb, name, r, sentence.cells[0], PROSE)

    for name, roles, cell in read_parties(pages):
        mb = member_for(name, None)
        mb.names.append(Found(name, (cell,), 0.9, "party"))
        for r in roles:
            add_role(mb, name, r, cell, AGREEMENT)

    mentions: list[Found] = []
    for page, rows in zip(pages, stitched):
        for k, row in enumerate(rows):
            for name, roles, code, cells in _row_units(row):
                name_cells = _holding(cells, norm(name))
                if not roles and not code:
                    mentions.append(Found(name, name_cells, 0.9, "mention"))
                    continue  # a unit merely mentioned is not a member
                code = code or code_under(rows, k)
                if min(c.confidence for c in name_cells) < ROW_NAME_SURE and known(name, code) is None:
                    # an unsure reading no other place names: a seal's ring text read as a line beside a
                    # role label (联合体牵头单位（盖章）： | 由妇新张字化转理社 0.57, dev seed 1471 #003) is no member
                    mentions.append(Found(name, name_cells, 0.5, "mention"))
                    continue
                mb = member_for(name, code)
                mb.names.append(Found(name, name_cells, 1.0, "row"))
                if code:
                    mb.codes.append(Found(code, _holding(cells, code), 1.0, "row"))
                for r in roles:
                    word = ROLE_NAMES[r]
                    role_cells = [c for c in cells if any(lb == r for lb, *_ in roles_in(c.text))] or list(name_cells)
                    conf = min(c.confidence for c in role_cells)
                    note = f"“{name}”的分工写为“{role_cells[0].raw}”，认定为{word}" + _cut_note(role_cells[0].text)
                    mb.roles.setdefault(r, []).append(role_cells[0].evidence(conf, note))
    # names written elsewhere (signature slots, agreement) vote on how a member's name is spelled
    for m in mentions:
        mb = next((mb for mb in members if any(same_unit(m.value, f.value) for f in mb.names)), None)
        if mb is not None:
            mb.names.append(m)
    # codes given in prose right after a member's name (wrapped onto the next line)
    for name, code, cells in coded_names(pages):
        mb = next((mb for mb in members if any(same_unit(name, f.value) for f in mb.names)), None)
        if mb is not None:
            mb.codes.append(Found(code, cells, 0.95, "prose"))
    # per-member pages (单位名称 … 统一社会信用代码 … 单位性质) fill codes and types by name
    fill_from_labels(pages, members)
    for mb in members:
        _drop_outvoted_guesses(mb)
    units = []
    for mb in members:
        name = name_fact(mb.names, "成员单位名称")
        code = code_fact(mb.codes)
        etype, text = type_fact(mb.types, code)
        roles = tuple(r for r in ROLE_ORDER if r in mb.roles)
        ev = tuple(e for r in roles for e in mb.roles[r][:1])
        claims = tuple(RoleClaim(place=p, roles=tuple(r for r in ROLE_ORDER if r in got),
                                 evidence=tuple(got[r] for r in ROLE_ORDER if r in got)) for p, got in mb.claims.items())
        units.append(Unit(name=name, uscc=code, entity_type=etype, declared_type_text=text, roles=roles, role_evidence=ev,
                          role_claims=claims))
    return tuple(units), list_fact(tables, cards, lists, counts, named_parties(pages), cards_whole)


def _drop_outvoted_guesses(mb: _Member) -> None:
    """A role only a tick row's guess gives (guessed_roles: two marks dropped, both options taken) that
    another place stating the member's roles does not give is no role (dev seed 1360 #011: 开源代码贡献单位
    guessed on a card, the agreement making the member 应用推广单位 only — a code contributor read
    where there was none could pass consortium.code_contributor). The table's claim keeps it: the
    places disagree, and a role rule may not fail on that (consortium_rules.places_contradict)."""
    for r in list(mb.roles):
        places = [p for p, got in mb.claims.items() if r in got]
        others = [p for p in mb.claims if p not in places and mb.claims[p]]
        if places == [TABLE] and others and r in guessed_roles(mb.claims[TABLE][r].text):
            guess = mb.claims[TABLE][r]
            mb.roles[r] = [e for e in mb.roles[r] if e.text != guess.text]
            if not mb.roles[r]:
                del mb.roles[r]


def lead_of(units: Sequence[Unit]) -> Unit | None:
    leads = [u for u in units if "lead" in u.roles]
    return leads[0] if leads else None
