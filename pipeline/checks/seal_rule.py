"""`seal.present` (SPEC §4): a unit's seal is on the booklet.

Fail only on evidence (issue 16): a `fail` rests on the unit's own seal place (盖章处) found on a
page that shows colour, with no seal at it or another unit's seal there. A detector that saw no
seal anywhere, or only other units' seals while the unit's place was not found, proves nothing
(a missed seal looks the same): that is `review` with the reason.
Which places are a unit's: the place names the unit; else (no name, or one that is no unit of the
application: garbled) its label names the unit's role
(`rules.seal_place_roles`: 牵头 → lead, 申报单位 → applicant, 各方 → every unit, 成员单位 → none said); else, in an
application of one unit, every place is that unit's.
"""
from __future__ import annotations

from pipeline.checks.base import _result, units_of
from pipeline.checks.rules import Rules
from pipeline.checks.unit_rules import _same_unit
from pipeline.facts import ApplicationFacts, CheckResult, Evidence, Seal, SealPlace, Unit

RULE = "seal.present"


def _seal_evidence(s: Seal, note: str) -> Evidence:
    return Evidence(file=s.file, page=s.page, bbox=s.bbox, text=s.text, confidence=s.confidence, note=note)


def _place_evidence(p: SealPlace, note: str = "盖章处") -> Evidence:
    return Evidence(file=p.file, page=p.page, bbox=p.bbox, text=p.label, note=note)


def _role_of(label: str, rules: Rules) -> str | None:
    for word, role in rules.seal_place_roles.items():
        if word in label:
            return role
    return None


def own_places(unit: Unit, name: str | None, facts: ApplicationFacts, rules: Rules) -> list[SealPlace]:
    """The seal places that ask this unit for its seal (see the module docstring)."""
    lone = len(units_of(facts)) == 1
    known = [n for n in (_name(u) for _, u in units_of(facts)) if n]
    out = []
    for p in facts.seal_places:
        role = _role_of(p.label, rules)
        if role == "all":  # 联合体各方（盖章）: one place per seal found there; judged apart (`_shared_place`)
            continue
        # a name beside the place read as no unit of the application (garbled under the seal: 民有限公司湖斯
        # 科技园发博位 at 申报单位（盖章）, dev seed 1425 #012) says nothing: the label's role says whose it is
        if p.unit and (not role or any(_same_unit(p.unit, n, rules) for n in known)):
            if name and _same_unit(p.unit, name, rules):
                out.append(p)
        elif role == "applicant":
            if unit is facts.applicant or (name and _same_unit(_name(facts.applicant), name, rules)):
                out.append(p)
        elif role:
            if role in unit.roles:
                out.append(p)
        elif lone:
            out.append(p)
    return out


def _name(u: Unit) -> str:
    return str(u.name.value) if u.name.found else ""


def _shared_places(facts: ApplicationFacts, rules: Rules) -> dict[tuple, list[SealPlace]]:
    """联合体各方（盖章） lines: (file, page, label, bbox) → the places found there (one per seal)."""
    out: dict[tuple, list[SealPlace]] = {}
    for p in facts.seal_places:
        if _role_of(p.label, rules) == "all":
            out.setdefault((p.file, p.page, p.label, p.bbox), []).append(p)
    return out


def _place_faults(unit: Unit, name: str, facts: ApplicationFacts, rules: Rules) -> tuple[list[str], list[Evidence]]:
    """What the unit's own places show against it, on pages with colour: (reasons, evidence)."""
    seals, blind = facts.seals, set(facts.colourless_pages)
    if _maybe_own_unread(unit, name, facts, rules):
        return [], []  # the unit's seal may be among those not read: its bare places prove nothing
    loose = _loose_unread(facts, rules)
    why: list[str] = []
    ev: list[Evidence] = []
    for p in own_places(unit, name, facts, rules):
        if (p.file, p.page) in blind:
            continue
        if p.seal_index is None and (p.file, p.page) in loose:
            continue  # a seal on this page whose text and place are unknown could be this unit's
        s = seals[p.seal_index] if p.seal_index is not None and 0 <= p.seal_index < len(seals) else None
        if s is None:
            why.append(f"第{p.page}页“{p.label}”处未见公章")
            ev.append(_place_evidence(p, "盖章处（未见公章）"))
        elif s.matched_unit and not _same_unit(s.matched_unit, name, rules):
            why.append(f"第{p.page}页“{p.label}”处为“{s.matched_unit}”的公章")
            ev += [_place_evidence(p), _seal_evidence(s, "其他单位公章")]
    for (file, page, label, _), group in _shared_places(facts, rules).items():
        if (file, page) in blind:
            continue
        at = [seals[p.seal_index] for p in group if p.seal_index is not None and 0 <= p.seal_index < len(seals)]
        if not at:
            why.append(f"第{page}页“{label}”处未见任何公章")
            ev.append(_place_evidence(group[0], "盖章处（未见公章）"))
        elif all(s.matched_unit for s in at) and len(at) < len(units_of(facts)):
            who = "、".join(dict.fromkeys(str(s.matched_unit) for s in at))
            why.append(f"第{page}页“{label}”处只有{who}的公章")
            ev += [_place_evidence(group[0]), *(_seal_evidence(s, "其他单位公章") for s in at)]
    for p in _left_over_places(name, facts, rules):
        why.append(f"第{p.page}页的其他盖章处均为其他联合体成员的公章，“{p.label}”处未见公章")
        ev.append(_place_evidence(p, "盖章处（未见公章）"))
    return why, ev


def _maybe_own_unread(unit: Unit, name: str, facts: ApplicationFacts, rules: Rules) -> list[int]:
    """Seals (not 骑缝章) whose text was not read and that no place gives to another unit: any of
    them could be this unit's, wherever it is (seed 745 #002: the applicant's seal on a greyscale
    scan pasted into a .docx, found by shape, unread, at a place whose unit name OCR garbled, while
    the Word cover's 申报单位（盖章） line held none). A bare place then is no evidence (issue 16)."""
    mine = {id(p) for p in own_places(unit, name, facts, rules)}
    others = [n for n in (_name(u) for _, u in units_of(facts)) if n and not _same_unit(n, name, rules)]
    given = set()
    for p in facts.seal_places:
        if p.seal_index is None or id(p) in mine:
            continue
        if (p.unit and any(_same_unit(p.unit, n, rules) for n in others)) \
                or (not p.unit and _role_of(p.label, rules) not in (None, "none", "all")):
            given.add(p.seal_index)
    return [i for i, s in enumerate(facts.seals)
            if not s.matched_unit and s.kind != "straddle" and i not in given]


def _loose_unread(facts: ApplicationFacts, rules: Rules) -> set[tuple[str, int]]:
    """Pages holding a seal (not a 骑缝章) whose text was not read and that sits at no place naming
    a unit or a role: such a seal could be anyone's, so a bare place on its page proves nothing."""
    held = {p.seal_index for p in facts.seal_places
            if p.seal_index is not None and (p.unit or _role_of(p.label, rules) not in (None, "none"))}
    return {(s.file, s.page) for i, s in enumerate(facts.seals)
            if not s.matched_unit and s.kind != "straddle" and i not in held}


def _left_over_places(name: str, facts: ApplicationFacts, rules: Rules) -> list[SealPlace]:
    """Places that name no unit and hold no seal, on a page (with colour) whose other places all
    hold read seals of the application's other units: where the members sign one under another,
    the one place left bare is the unsealed member's. A seal not read there could be this unit's:
    then nothing is concluded."""
    others = [n for n in (_name(u) for _, u in units_of(facts)) if n and not _same_unit(n, name, rules)]
    seals, blind = facts.seals, set(facts.colourless_pages)
    pages: dict[tuple[str, int], list[SealPlace]] = {}
    for p in facts.seal_places:
        pages.setdefault((p.file, p.page), []).append(p)
    out: list[SealPlace] = []
    for key, ps in pages.items():
        if key in blind:
            continue
        bare = [p for p in ps if p.seal_index is None and not p.unit
                and _role_of(p.label, rules) in (None, "all", "none")]
        held = [seals[p.seal_index] for p in ps if p.seal_index is not None and 0 <= p.seal_index < len(seals)]
        if bare and held and all(any(_same_unit(s.matched_unit, n, rules) for n in others) for s in held):
            out += bare
    return out


def _at_own_places(unit: Unit, name: str | None, facts: ApplicationFacts, rules: Rules) -> set[int]:
    """Seals whose text was not read, stamped on a place that asks this unit for its seal: the
    place is the evidence whose they are (a seal on another unit's place, or read as another
    unit's, is not)."""
    seals = facts.seals
    return {p.seal_index for p in own_places(unit, name, facts, rules)
            if p.seal_index is not None and 0 <= p.seal_index < len(seals) and not seals[p.seal_index].matched_unit}


AT_PLACE_MIN = 0.6
"""A seal read this surely as a unit, on a 盖章 place, is the unit's: below it the text is too weak a reading."""


def _read_at_a_place(read: set[int], name: str | None, facts: ApplicationFacts, rules: Rules) -> set[int]:
    """Seals read as this unit that stand on a 盖章 place naming this unit or no unit."""
    return {p.seal_index for p in facts.seal_places if p.seal_index in read
            and facts.seals[p.seal_index].confidence >= AT_PLACE_MIN
            and (not p.unit or (name is not None and _same_unit(p.unit, name, rules)))}


def check_seal(unit: Unit, label: str, facts: ApplicationFacts, rules: Rules) -> CheckResult:
    seals = facts.seals
    name = _name(unit) or None
    read = {i for i, s in enumerate(seals) if name and _same_unit(s.matched_unit, name, rules)}
    placed = _at_own_places(unit, name, facts, rules) - read
    places = [p for p in facts.seal_places if name and p.unit and _same_unit(p.unit, name, rules)]
    place_ev = [_place_evidence(p) for p in places]
    if read or placed:
        blind = set(facts.colourless_pages)
        # found by its ring's shape on a page without colour (detection capped below the low-confidence
        # line) and its ring text read as this unit's name: two findings agree (dev seed 935 #012)
        shaped = {i for i in read if (seals[i].file, seals[i].page) in blind}
        ev = [_seal_evidence(seals[i], f"公章（{seals[i].kind}）" + ("，灰度页面按形状检出，印文识读为该单位名称"
                                                                   if i in shaped else "")) for i in sorted(read)]
        ev += [_seal_evidence(seals[i], ("灰度页面按形状检出，" if (seals[i].file, seals[i].page) in blind else "")
                              + "印文未能识读，按盖章位置归属") for i in sorted(placed)]
        found = [seals[i] for i in sorted(read | placed)]
        best = max(s.confidence for s in found)
        where = "、".join(f"第{s.page}页" for s in found[:4])
        how = "有该单位公章" if read else "该单位盖章处有公章（印文未能识读，按盖章位置归属）"
        if best < rules.thresholds.low_confidence and not placed and not shaped:
            at_place = _read_at_a_place(read, name, facts, rules)
            if at_place:
                # read nearly as this unit (its text matched it over every other unit) and stamped on a 盖章
                # place asking for it or for nobody named: two readings agree (dev seed 1472 #06: 重庆市云帆人工智歙学会
                # at 0.78 on the agreement's （盖章）)
                ev = [_seal_evidence(seals[i], f"公章（{seals[i].kind}），印文识别置信度 {seals[i].confidence:.2f}，位于盖章处")
                      for i in sorted(at_place)]
                return _result(rules, RULE, "pass", f"{where}有该单位公章（印文与该单位名称相近，且盖在盖章处）", ev, label)
            return _result(rules, RULE, "review", f"{where}有疑似该单位公章，但识别置信度 {best:.2f} 偏低，请核对", ev, label)
        return _result(rules, RULE, "pass", f"{where}{how}", ev, label)
    if name is None:
        return _result(rules, RULE, "review", "单位名称未识别，无法确认材料上的公章是否属于该单位，请核对", place_ev, label)
    why, fault_ev = _place_faults(unit, name, facts, rules)
    if why:  # the unit's own place, on a page with colour, shows no seal of it: evidence
        return _result(rules, RULE, "fail", "该单位的盖章处未加盖该单位公章：" + "；".join(why[:3]), fault_ev, label)
    blind = _colourless_evidence(facts)
    if blind:  # no red can show on these pages: a missing seal there is no evidence (issue 16)
        return _result(rules, RULE, "review", _colourless_detail(facts, bool(seals)), (*place_ev, *blind), label)
    unattributed = [s for s in seals if not s.matched_unit]
    if unattributed:
        ev = [_seal_evidence(s, "未能识别印文的公章") for s in unattributed[:4]]
        return _result(rules, RULE, "review",
                       f"材料上有 {len(unattributed)} 枚公章印文未能识别，无法确认是否为该单位公章，请核对",
                       (*place_ev, *ev), label)
    found = "材料上的公章均属于其他单位" if seals else "申报材料上未检出公章"
    return _result(rules, RULE, "review", f"{found}，且未找到该单位的盖章处，无法确认是否盖章，请核对原件",
                   place_ev, label)


def _colourless_evidence(facts: ApplicationFacts) -> tuple[Evidence, ...]:
    return tuple(Evidence(file=f, page=p, bbox=(0.0, 0.0, 1.0, 1.0), text="", note="无颜色信息的页面")
                 for f, p in facts.colourless_pages[:4])


def _colourless_detail(facts: ApplicationFacts, any_seal: bool) -> str:
    pages = "、".join(f"第{p}页" for _, p in facts.colourless_pages[:4])
    more = "等" if len(facts.colourless_pages) > 4 else ""
    found = "未找到该单位的公章" if any_seal else "未发现公章"
    return f"颜色信息缺失，无法确认公章：{pages}{more}为灰度/黑白扫描，{found}，请核对原件"
