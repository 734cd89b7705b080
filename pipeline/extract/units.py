"""One unit, many places: the applicant's name and 统一社会信用代码 are written on the cover, the
basic-information table, the member table, the agreement's signature blocks. Each place is read;
the reading the places agree on stands, a code found in only one place fills a gap, and a real
disagreement (two confident names that are not OCR variants of each other, or two different valid
codes, each written beside this unit's name) keeps the majority reading but lowers its confidence
and names both places, so the rules say `review` (SPEC §4: fail only on evidence). A code that fails
its check characters where another place reads a valid code differing only by OCR look-alikes
(8/B, 0/D …) is one printed code read twice: the valid reading stands, naming both places.

Which labels name the applicant itself (not any 单位名称 on a lease or a member page) is data:
patterns/consortium.yaml `unit_places`."""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Sequence, get_args

from rapidfuzz import fuzz

from pipeline import uscc
from pipeline.extract.entity import code_fact, name_fact
from pipeline.extract.config import label_regex
from pipeline.extract.code_parts import CODE17, completed
from pipeline.extract.fields import (USCC_TOKEN, Found, accept_code, accept_name, canonical_name, labelled, read_code,
                                     same_unit)
from pipeline.extract.layout import Cell, PageLayout
from pipeline.extract.member_list import names_in, patterns
from pipeline.facts import CODE_SUSPECTED, PLACES_DISAGREE as DISAGREE, Evidence, Fact, Role, RoleClaim, Unit

SAME_NAME = 90
DIFFERENT = 80
"""Two names this far apart are two units, not OCR variants of one (a misread character or two)."""
CODE_BELOW = 0.25
"""A code labelled within this share of the page under a name belongs to that name."""
SURE_NAME = 0.9
"""A name read less surely than this, with the unit's own code labelled under it, is a misread of the
unit (a seal over it), not another name: the code is checksummed, two units never share one."""


@dataclass(frozen=True)
class Reading:
    value: str
    place: str
    found: Found

    @property
    def evidence(self) -> Evidence:
        return self.found.evidence()[-1]


def place_of(page: PageLayout, pages: Sequence[PageLayout] = ()) -> str:
    """The kind of page a reading is on, for the reviewer (封面 / 联合体协议 / 成员表 / 第N页). N counts
    the submission's pages in reading order (`pages`): in a folder of JPEGs every file is a page 1."""
    words = patterns()["unit_places"]["page_kinds"]
    at = next((k for k, p in enumerate(pages) if (p.file, p.number) == (page.file, page.number)), None)
    n = page.number if at is None else at + 1
    if n == 1:
        return "封面（第1页）"
    text = page.text[:400]
    for kind, keys in words.items():
        if any(k in text for k in keys):
            return f"{kind}（第{n}页）"
    return f"第{n}页"


def _own_label(label: str) -> bool:
    return any(w in label for w in patterns()["unit_places"]["applicant_label_words"])


def name_readings(pages: Sequence[PageLayout]) -> list[Reading]:
    """The applicant's name wherever a label says it is the applicant's (申报单位, 牵头单位 …)."""
    out = []
    for page in pages:
        for kind in ("applicant_name", "lead_name"):
            for f in labelled([page], kind, accept_name):
                clean = names_in(f.value)  # 联合体牵头单位为A公司 → A公司
                if _own_label(f.label) and clean:
                    out.append(Reading(clean[0][0], place_of(page, pages), replace(f, value=clean[0][0])))
    return out


def code_readings(pages: Sequence[PageLayout], name: str) -> list[Reading]:
    """Codes written beside `name`: in the name's table row, or labelled just under it on its page."""
    out = []
    for page in pages:
        names = [f for kind in ("applicant_name", "lead_name") for f in labelled([page], kind, accept_name)
                 if same_unit(f.value, name, SAME_NAME)]
        if not names:
            continue
        codes = labelled([page], "uscc", accept_code) or _codes_in_label_rows(page)
        for n in names[:1]:
            y = n.cells[0].bbox[1]
            near = [c for c in codes if 0 <= c.cells[0].bbox[1] - y < CODE_BELOW
                    and not _other_unit_between(page, name, y, c.cells[0].bbox[1])]
            if near:
                out.append(Reading(near[0].value, place_of(page, pages), near[0]))
    return out


def _other_unit_between(page: PageLayout, name: str, top: float, code_y: float) -> bool:
    """Another unit is named in a row below `name`'s and at or above the code's: the code is that
    unit's ((二)……：B研究院（统 / 一社会信用代码：1250…, under the lead's own line)."""
    for row in page.rows:
        y = min(c.bbox[1] for c in row)
        if top < y <= code_y and any(not same_unit(n, name, SAME_NAME)
                                     for n, *_ in names_in("".join(c.text for c in row))):
            return True
    return False


def _codes_in_label_rows(page: PageLayout) -> list[Found]:
    """A code further along its label's row than the next cell (统一社会信用代码 | （注册 | 1250…)."""
    exact, fuzzy = label_regex("uscc")
    out = []
    for row in page.rows:
        for i, cell in enumerate(row):
            if exact.search(cell.text) or fuzzy.search(cell.text):
                for c in row[i:]:
                    m = USCC_TOKEN.search(c.text)
                    if m:
                        out.append(Found(m.group().upper(), (cell, c), 0.9, "uscc"))
                        break
                break
    return out


def _places(ev: Sequence[Evidence], pages: Sequence[PageLayout]) -> str:
    by_number = {(p.file, p.number): p for p in pages}
    e = ev[0] if ev else None
    page = by_number.get((e.file, e.page)) if e else None
    return place_of(page, pages) if page else (f"第{e.page}页" if e and e.page else "材料中")


def _disagree(fact: Fact, value: str, other: Reading, here: str, what: str) -> Fact:
    note = f"{DISAGREE}：{here}{what}为“{value}”，{other.place}为“{other.value}”，请核对是否为同一单位"
    conf = min(fact.confidence, 0.6)
    ev = tuple(e.model_copy(update={"note": note, "confidence": min(e.confidence, conf)})
               for e in (*fact.evidence[:1], other.evidence))
    return fact.model_copy(update={"evidence": ev, "confidence": conf})


def _misread_of(r: Reading, code: Fact, pages: Sequence[PageLayout]) -> bool:
    """`r` names the unit of `code`, misread (dev seed 932 #007: the cover's 重庆市森域市进安有里支住公司
    under a seal, its code 9150…3X labelled under it, the table's 重庆市森域云计算有限责任公司 with the same
    code). A surely read other name over the same code stays a disagreement (a renamed unit)."""
    if r.found.confidence >= SURE_NAME or not (code.found and uscc.is_valid(str(code.value))):
        return False
    return any(c.value == code.value for c in code_readings(pages, r.value))


def _only_elsewhere(code: Fact, pages: Sequence[PageLayout], name: str) -> bool:
    """The code as voted was not written beside this unit's name anywhere (another unit's code)."""
    return not any(r.value == code.value for r in code_readings(pages, name))


def reconcile(unit: Unit, pages: Sequence[PageLayout]) -> Unit:
    """The applicant checked against every place its name and code are written."""
    name, code = unit.name, unit.uscc
    own = name_readings(pages)
    if own and name.found and all(same_unit(r.value, str(name.value), SAME_NAME) for r in own):
        # the places that say they name the applicant agree: a bare 单位名称 elsewhere (the lessor
        # on a lease) is another unit, not another spelling — unless it is an OCR variant of this
        # name: then it is this unit written once more, and votes on the spelling (a cover misread
        # is outvoted by the info table, the pledge and the member table agreeing)
        same = [f for f in labelled(pages, "applicant_name", accept_name)
                if not _own_label(f.label) and same_unit(f.value, str(name.value), SAME_NAME)]
        name = name_fact([r.found for r in own] + same)
    if name.found:
        here = _places(name.evidence, pages)
        for r in own:
            if (r.found.confidence >= 0.6 and fuzz.ratio(r.value, str(name.value)) < DIFFERENT
                    and not _misread_of(r, code, pages)):
                name = _disagree(name, str(name.value), r, here, "单位名称")
                break
        beside = code_readings(pages, str(name.value))
        readings = [r for r in beside if read_code(r.value, r.found.cells[-1].source).valid]
        valid = {read_code(r.value, r.found.cells[-1].source).value: r for r in readings}
        if beside and not code.found:
            code = code_fact([r.found for r in beside])  # a failing check is said by the rule, not dropped
        elif len(valid) == 1 and (code.value in valid or not uscc.is_valid(str(code.value))
                                  or _only_elsewhere(code, pages, str(name.value))):
            # the code written beside the applicant's name; codes beside other units' names
            # (a lessor, a member) do not vote
            code = code_fact([r.found for r in beside])
        elif code.found and uscc.is_valid(str(code.value)):
            others = [r for v, r in valid.items() if v != code.value]
            if others:
                code = _disagree(code, str(code.value), others[0], _places(code.evidence, pages), "统一社会信用代码")
    return unit.model_copy(update={"name": name, "uscc": confirmed(code, pages)})


def with_own_type(lead: Unit, form: Unit) -> Unit:
    """The lead unit of a consortium with the 单位性质 its own form declares (法人类型 | 有限责任公司
    （自然人投资或控股）) when the member list gave only a weaker one (implied by the code): the same
    unit, the better-read place."""
    t = form.entity_type
    if not (t.found and form.declared_type_text and lead.name.found and form.name.found):
        return lead
    if not same_unit(str(lead.name.value), str(form.name.value), SAME_NAME) or t.confidence <= lead.entity_type.confidence:
        return lead
    return lead.model_copy(update={"entity_type": t, "declared_type_text": form.declared_type_text})


def fill_member_codes(members: Sequence[Unit], applicant: Unit, pages: Sequence[PageLayout]) -> tuple[Unit, ...]:
    """Members whose code was not read (or fails its check) take it from another place: the
    applicant's own valid code when the member is the applicant, else the member's table row where
    OCR split the code over two cells (code_parts). Anything else stays as read (the rule says review)."""
    out = []
    for m in members:
        m = m.model_copy(update={"uscc": confirmed(m.uscc, pages)})
        if not m.name.found or (m.uscc.found and uscc.is_valid(str(m.uscc.value))):
            out.append(m)
            continue
        name = str(m.name.value)
        if (applicant.name.found and applicant.uscc.found and uscc.is_valid(str(applicant.uscc.value))
                and same_unit(name, str(applicant.name.value), SAME_NAME)):
            note = f"成员表中未读出代码，取{_places(applicant.uscc.evidence, pages)}同一单位的代码"
            code = applicant.uscc.model_copy(update={"evidence": tuple(
                e.model_copy(update={"note": note}) for e in applicant.uscc.evidence)})
            out.append(m.model_copy(update={"uscc": code}))
            continue
        split = _split_code(name, pages)
        out.append(m.model_copy(update={"uscc": split}) if split else m)
    return tuple(out)


def one_unit_per_code(members: Sequence[Unit]) -> tuple[Unit, ...]:
    """Members that are one unit read in two places (a member-table row whose name was lost and the
    agreement's 牵头单位为… sentence) become one: same valid code and the same name (or no name on
    one side). Roles are joined; the better-read name and the found type are kept. Two units never
    share a valid code, so a shared code with different names stays two members (the rules review),
    unless one of the names was not read (UNREAD_NAME)."""
    out: list[Unit] = []
    for m in members:
        code = str(m.uscc.value) if m.uscc.found and uscc.is_valid(str(m.uscc.value)) else None
        twin = next((k for k, o in enumerate(out) if code and o.uscc.found and str(o.uscc.value) == code
                     and _same_or_unnamed(o.name, m.name)), None)
        if twin is None:
            out.append(m)
            continue
        o = out[twin]
        roles = tuple(r for r in get_args(Role) if r in o.roles + m.roles)
        evidence = {r: e for r, e in zip(reversed(m.roles), reversed(m.role_evidence))}
        evidence.update(zip(o.roles, o.role_evidence))
        name = max((o.name, m.name), key=lambda f: (f.found, f.confidence))
        etype = o.entity_type if o.entity_type.found else m.entity_type
        out[twin] = o.model_copy(update={
            "name": name, "uscc": max((o.uscc, m.uscc), key=lambda f: f.confidence), "entity_type": etype, "roles": roles,
            "role_evidence": tuple(evidence[r] for r in roles if r in evidence),
            "role_claims": joined_claims(o.role_claims + m.role_claims),
            "declared_type_text": o.declared_type_text or m.declared_type_text})
    return tuple(out)


def joined_claims(claims: Sequence[RoleClaim]) -> tuple[RoleClaim, ...]:
    """One claim per place: the roles a place gives either reading of one unit, each with its first evidence."""
    by_place: dict[str, dict[str, Evidence]] = {}
    for c in claims:
        got = by_place.setdefault(c.place, {})
        for r, e in zip(c.roles, c.evidence):
            got.setdefault(r, e)
    order = get_args(Role)
    return tuple(RoleClaim(place=p, roles=tuple(r for r in order if r in got), evidence=tuple(got[r] for r in order if r in got))
                 for p, got in by_place.items())


UNREAD_NAME = 0.6
"""A name read below this confidence tells no two units apart beside a shared valid code: OCR could not
read it (科技有限二着间王联网责任公司 at 0.51, a seal over the lead's row of a member table holding the lead's
code: a fourth member, consortium.size and .code_contributor reviews; dev seed 1420 #003)."""


def _same_or_unnamed(a: Fact, b: Fact) -> bool:
    return (not a.found or not b.found or min(a.confidence, b.confidence) < UNREAD_NAME
            or same_unit(str(a.value), str(b.value), SAME_NAME))


def _split_code(name: str, pages: Sequence[PageLayout]) -> Fact | None:
    for page in pages:
        for row in page.rows:
            if not any(same_unit(canonical_name(c.text), name, SAME_NAME) for c in row):
                continue
            for c in row:
                for m in CODE17.finditer(c.text):
                    done = completed(m.group().upper(), c, row)
                    if done:
                        conf = min(c.confidence, done[1].confidence) * 0.9
                        note = f"代码被识别为两段（“{m.group()}”与“{done[1].text}”），合并后两位校验码均通过"
                        return Fact(value=done[0], confidence=conf,
                                    evidence=(c.evidence(conf, note), done[1].evidence(conf, note)))
    return None


# ---------------------------------------------------------------- one code read in several places

def _code_cells(pages: Sequence[PageLayout]) -> list[tuple[str, Cell]]:
    """Every 18-character code written anywhere, with its cell (cover, tables, signature blocks)."""
    return [(m.group().upper(), c) for p in pages for row in p.rows for c in row for m in USCC_TOKEN.finditer(c.text)]


def confirmed(code: Fact, pages: Sequence[PageLayout]) -> Fact:
    """`code` as another place reads it, when this reading is in doubt and that one is not: a reading
    whose check characters fail, or one the check characters alone corrected (CODE_SUSPECTED), gives
    way to a valid code read elsewhere that differs from it only by OCR look-alikes (8/B, 0/D …).
    Several such codes, or none, leave `code` as it is (the rule says review, 疑为… when it can)."""
    if not code.found or not code.evidence:
        return code
    value = str(code.value)
    guessed = any(e.note.startswith(CODE_SUSPECTED) for e in code.evidence)
    if uscc.is_valid(value) and not guessed:
        return _misread_elsewhere(code, pages)
    # the place as read: the evidence holding the code (a label cell may come first)
    first = next((e for e in code.evidence if USCC_TOKEN.search(e.text)), code.evidence[0])
    raw = USCC_TOKEN.search(first.text).group().upper() if USCC_TOKEN.search(first.text) else value
    here = {(e.file, e.page, e.bbox) for e in code.evidence}
    elsewhere = [(t, c) for t, c in _code_cells(pages) if (c.file, c.page, c.bbox) not in here and uscc.is_valid(t)]
    if guessed:
        cands = [(t, c) for t, c in elsewhere if t == value]
    else:
        cands = [(t, c) for t, c in elsewhere if uscc.confusable(value, t)]
    if len({t for t, _ in cands}) != 1:
        return code
    t, cell = cands[0]
    at = "、".join(f"第{i}位" for i in uscc.confusable(raw, t) or ())
    there = _places((cell.evidence(),), pages)
    note = (f"统一社会信用代码{_places(code.evidence, pages)}识别为“{raw}”（校验不通过），{there}读出“{t}”"
            f"（两位校验码均通过），两处仅{at or '易混字符'}不同（识别易混字符），取后者")
    conf = cell.confidence
    return Fact(value=t, confidence=conf, evidence=(cell.evidence(conf, note), first.model_copy(
        update={"note": note, "confidence": conf})))


def _misread_elsewhere(code: Fact, pages: Sequence[PageLayout]) -> Fact:
    """A valid code with the place that read it with a look-alike wrong named too, so the reviewer
    sees both places (the vote already took the valid reading; the status does not change)."""
    value, here = str(code.value), {(e.file, e.page, e.bbox) for e in code.evidence}
    other = next(((t, c) for t, c in _code_cells(pages) if (c.file, c.page, c.bbox) not in here
                  and not uscc.is_valid(t) and uscc.confusable(t, value)), None)
    if other is None:
        return code
    t, cell = other
    there = _places((cell.evidence(),), pages)
    note = (f"{there}识别为“{t}”（校验不通过），与{_places(code.evidence, pages)}的“{value}”仅"
            + "、".join(f"第{i}位" for i in uscc.confusable(t, value) or ()) + "易混字符不同，取校验通过的写法")
    return code.model_copy(update={"evidence": (*code.evidence, cell.evidence(code.confidence, note))})
