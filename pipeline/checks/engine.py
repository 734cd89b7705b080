"""Rules engine: facts + rules file (+ credit lists) → one CheckResult per SPEC §4 rule (and unit).

Each rule is one small pure function. The policy throughout: a condition shown to be violated
by confident evidence is `fail`; anything missing, unreadable or below the rules file's
confidence threshold is `review` with the reason — never a silent pass, and never a `fail` a
reviewer could not see on the page (SPEC §4).

`entity.uscc_valid` uses pipeline.uscc (both check characters) rather than python-stdnum's
`stdnum.cn.uscc`: stdnum requires positions 1–8 to be digits, so legally issued codes of
登记管理部门 A (军队), N (农业) and Y (其他) fail its format check, and it does not verify
position 17 (the GB 11714 organisation-code check). tests/test_checks_engine.py compares the two
on the digit-only codes stdnum accepts, so it serves only as a cross-check. A failing check
character is `review`, not `fail`: OCR misreads and legal pre-2015 pilot codes (e.g.
91350203M0001QKT19, domain-notes §1.7) fail the checksum.
"""
from __future__ import annotations

import datetime as dt
from typing import Callable, Iterable

from pipeline import uscc as uscc_mod
from pipeline.checks.credit import KIND_NAMES, CreditHit, CreditIndex, normalise_name
from pipeline.checks.rules import RULE_IDS, Rules
from pipeline.facts import PLACES_DISAGREE, ROLES_UNREAD, ApplicationFacts, CheckResult, Evidence, Fact, Status, Unit, Verdict

TYPE_ZH = {"enterprise": "企业", "public_institution": "事业单位", "social_organization": "社会组织",
           "park_operator": "产业园区运营管理机构", "other": "其他"}
ROLE_ZH = {"lead": "牵头单位", "code_contributor": "开源代码贡献单位", "application_unit": "应用单位"}
TRACK_ZH = {"innovation_community": "创新创业社区", "open_source_community": "开源社区"}


# ------------------------------------------------------------------ helpers

def _result(rules: Rules, rule: str, status: Status, detail: str, evidence: Iterable[Evidence] = (),
            unit: str | None = None) -> CheckResult:
    return CheckResult(rule=rule, unit=unit, status=status, detail=detail, clause=rules.rules[rule].clause,
                       evidence=tuple(evidence))


def _low(fact: Fact, rules: Rules) -> bool:
    """Found, but read with less confidence than the rules file accepts."""
    t = rules.thresholds.low_confidence
    return fact.confidence < t or any(e.confidence < t for e in fact.evidence)


def _conf(fact: Fact) -> str:
    return f"（识别置信度 {fact.confidence:.2f}，低于阈值，请核对原件）"


def unit_label(unit: Unit, index: int | None = None) -> str:
    if unit.name.found:
        return str(unit.name.value)
    if unit.uscc.found:
        return f"代码为 {unit.uscc.value} 的单位"
    return "申报单位（名称未识别）" if index is None else f"联合体第{index + 1}家成员（名称未识别）"


def units_of(facts: ApplicationFacts) -> list[tuple[str, Unit]]:
    """The units per-unit rules run for: the applicant, and for a consortium every member
    (the applicant is usually also the lead member: listed once)."""
    out: list[tuple[str, Unit]] = []
    seen: set[str] = set()
    track = facts.track.value
    members = list(facts.consortium) if track != "innovation_community" else []
    applicant = facts.applicant
    if applicant.name.found or applicant.uscc.found or not members:
        out.append((unit_label(applicant), applicant))
        seen.add(_unit_key(applicant))
    for i, m in enumerate(members):
        k = _unit_key(m)
        if k and k in seen:
            continue
        seen.add(k)
        out.append((unit_label(m, i), m))
    return out


def _unit_key(unit: Unit) -> str:
    if unit.uscc.found and uscc_mod.is_valid(str(unit.uscc.value)):
        return uscc_mod.normalise(str(unit.uscc.value))
    return normalise_name(str(unit.name.value)) if unit.name.found else ""


def _date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _add_years(d: dt.date, years: float) -> dt.date:
    whole = int(years)
    months = round((years - whole) * 12)
    y, m = d.year + whole + (d.month - 1 + months) // 12, (d.month - 1 + months) % 12 + 1
    try:
        return d.replace(year=y, month=m)
    except ValueError:  # 29 February, 31st of a short month
        return (d.replace(year=y, month=m, day=1) + dt.timedelta(days=31)).replace(day=1) - dt.timedelta(days=1)


def _num(x: float) -> str:
    return f"{x:g}"


# ------------------------------------------------------------------ per-unit rules

def check_uscc_valid(unit: Unit, label: str, rules: Rules) -> CheckResult:
    rule, f = "entity.uscc_valid", unit.uscc
    if not f.found:
        return _result(rules, rule, "review", f"未找到统一社会信用代码{('：' + f.reason) if f.reason else ''}，请人工核对", unit=label)
    chk = uscc_mod.check(str(f.value))
    places = [e.note for e in (*unit.name.evidence, *f.evidence) if e.note.startswith(PLACES_DISAGREE)]
    if chk.valid and places:
        return _result(rules, rule, "review", f"统一社会信用代码 {chk.code} 校验通过，但{places[0]}",
                       (*unit.name.evidence, *f.evidence), label)
    if not chk.valid:
        return _result(rules, rule, "review",
                       f"统一社会信用代码 {chk.code} {chk.problem}：可能是识别错误或早期试点代码，需人工核对",
                       f.evidence, label)
    notes = "；".join(e.note for e in f.evidence if e.note)
    if _low(f, rules):
        said = f"（{notes}）" if notes else ""
        return _result(rules, rule, "review", f"统一社会信用代码 {chk.code} 校验通过{_conf(f)}{said}", f.evidence, label)
    return _result(rules, rule, "pass", f"统一社会信用代码 {chk.code} 两位校验码均正确" + (f"（{notes}）" if notes else ""),
                   f.evidence, label)


def check_type_allowed(unit: Unit, label: str, rules: Rules) -> CheckResult:
    rule, f = "entity.type_allowed", unit.entity_type
    allowed = rules.entity.allowed_types
    allowed_zh = "、".join(TYPE_ZH[t] for t in allowed)
    code = uscc_mod.normalise(str(unit.uscc.value)) if unit.uscc.found else ""
    prefix = code[:2] if uscc_mod.is_valid(code) else ""
    if not f.found:
        return _result(rules, rule, "review",
                       f"未找到单位性质{('（代码第1–2位为 ' + prefix + '）') if prefix else ''}，请人工核对是否为{allowed_zh}",
                       unit.uscc.evidence, label)
    etype = str(f.value)
    written = unit.declared_type_text or TYPE_ZH.get(etype, etype)
    if etype not in allowed:
        if _low(f, rules):
            return _result(rules, rule, "review", f"单位性质识别为“{written}”，不在允许范围内{_conf(f)}", f.evidence, label)
        return _result(rules, rule, "fail", f"单位性质为“{written}”，不属于{allowed_zh}", f.evidence, label)
    expected = rules.entity.code_prefixes.get(etype)  # type: ignore[call-overload]
    if prefix and expected and prefix not in expected:
        return _result(rules, rule, "review",
                       f"单位性质为“{written}”，但统一社会信用代码第1–2位为 {prefix}，与之不符，请核对",
                       (*f.evidence, *unit.uscc.evidence), label)
    if _low(f, rules):
        return _result(rules, rule, "review", f"单位性质为“{written}”{_conf(f)}", f.evidence, label)
    return _result(rules, rule, "pass", f"单位性质为“{written}”，属于允许的{TYPE_ZH[etype]}", f.evidence, label)


def _hit_evidence(hit: CreditHit) -> Evidence:
    r = hit.record
    shown = "；".join(f"{k}：{v}" for k, v in r.fields.items() if v)[:300]
    sheet = f"工作表“{r.sheet}”" if r.sheet else ""
    return Evidence(file=r.file, text=shown, confidence=1.0 if hit.kind != "fuzzy_name" else hit.score / 100,
                    note=f"{KIND_NAMES.get(r.list_kind, r.list_kind)}名单{sheet}第{r.row}行；sha256 {r.sha256}")


def _hit_phrase(hit: CreditHit) -> str:
    r = hit.record
    sheet = f"工作表“{r.sheet}”" if r.sheet else ""
    via = f"，曾用名“{hit.via}”" if hit.via else ""
    return f"{KIND_NAMES.get(r.list_kind, r.list_kind)}名单（{_basename(r.file)} {sheet}第{r.row}行“{r.name}”{via}）"


def _basename(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1]


def check_credit(rule: str, list_kind: str, unit: Unit, label: str, rules: Rules,
                 credit: CreditIndex | None) -> CheckResult:
    """One unit against one kind of list. fail = its code, or its exact normalised name (or a former
    name the list gives) without a conflicting code, is on the list; review = a close name or a
    same name with another code; pass = compared with every record and not found. A unit whose
    code was not read is matched on its name alone, and the detail says so."""
    list_zh = KIND_NAMES[list_kind]
    own = (*unit.name.evidence, *unit.uscc.evidence)
    if credit is None or list_kind not in credit.kinds:
        return _result(rules, rule, "review", f"未提供{list_zh}名单，无法核查，请人工查询", own, label)
    name = str(unit.name.value) if unit.name.found else None
    code = str(unit.uscc.value) if unit.uscc.found else None
    if name is None and code is None:
        return _result(rules, rule, "review", f"单位名称和统一社会信用代码均未识别，无法核查{list_zh}名单", own, label)
    only_name = "（该单位的统一社会信用代码未识别，仅按名称比对）" if code is None else ""
    hits = [h for h in credit.match(name, code) if h.list_kind == list_kind]
    by_code = [h for h in hits if h.kind in ("uscc", "org_code")]
    if by_code:
        h = by_code[0]
        what = "统一社会信用代码" if h.kind == "uscc" else "组织机构代码（代码第9–17位）"
        return _result(rules, rule, "fail", f"{what}与{_hit_phrase(h)}一致",
                       (_hit_evidence(h), *own), label)
    exact = [h for h in hits if h.kind == "exact_name" and not h.code_conflict]
    if exact:
        h = exact[0]
        how = "名单无代码，" if not (h.record.uscc or h.record.org_code) else ""
        whose = "中的曾用名" if h.via else ""
        return _result(rules, rule, "fail", f"{how}名称规范化后与{_hit_phrase(h)}{whose}完全一致{only_name}",
                       (_hit_evidence(h), *own), label)
    doubtful = [h for h in hits if (h.kind == "exact_name" and h.code_conflict)
                or (h.kind == "fuzzy_name" and not h.code_conflict)]
    if doubtful:
        h = doubtful[0]
        why = ("名称相同但统一社会信用代码不同" if h.kind == "exact_name"
               else f"名称相近（相似度 {h.score:.0f}）" + ("，名单无代码可比对" if not (h.record.uscc or h.record.org_code) else ""))
        return _result(rules, rule, "review", f"{why}：{_hit_phrase(h)}，请核对是否为同一主体{only_name}",
                       (*(_hit_evidence(x) for x in doubtful[:3]), *own), label)
    others = [h for h in hits if h.code_conflict]
    low = (code is None or not uscc_mod.is_valid(code) or _low(unit.uscc, rules)) and (name is None or _low(unit.name, rules))
    if low:
        return _result(rules, rule, "review",
                       f"未在{list_zh}名单中找到，但单位名称/代码识别不可靠，请人工核对", own, label)
    detail = f"未在{list_zh}名单中找到该单位（{len(credit):,} 条记录已比对）{only_name}"
    if others:
        h = others[0]
        detail += f"；名单中“{h.record.name}”名称相近但统一社会信用代码不同，不是同一主体"
        return _result(rules, rule, "pass", detail, (*own, _hit_evidence(h)), label)
    return _result(rules, rule, "pass", detail, own, label)


def _same_unit(a: str | None, b: str, rules: Rules) -> bool:
    if not a:
        return False
    na, nb = normalise_name(a), normalise_name(b)
    if not na or not nb:
        return False
    if na == nb:
        return True
    from rapidfuzz import fuzz

    return fuzz.ratio(na, nb) >= rules.thresholds.fuzzy_name


def check_seal(unit: Unit, label: str, facts: ApplicationFacts, rules: Rules) -> CheckResult:
    rule = "seal.present"
    seals = facts.seals
    name = str(unit.name.value) if unit.name.found else None
    mine = {i for i, s in enumerate(seals) if name and _same_unit(s.matched_unit, name, rules)}
    places = [p for p in facts.seal_places if name and p.unit and _same_unit(p.unit, name, rules)]
    mine |= {p.seal_index for p in places if p.seal_index is not None and 0 <= p.seal_index < len(seals)
             and seals[p.seal_index].matched_unit in (None, "") }
    place_ev = [Evidence(file=p.file, page=p.page, bbox=p.bbox, text=p.label, note="盖章处") for p in places]
    if mine:
        found = [seals[i] for i in sorted(mine)]
        ev = [Evidence(file=s.file, page=s.page, bbox=s.bbox, text=s.text, confidence=s.confidence,
                       note=f"公章（{s.kind}）") for s in found]
        best = max(s.confidence for s in found)
        where = "、".join(f"第{s.page}页" for s in found[:4])
        blind = set(facts.colourless_pages)
        if all((s.file, s.page) in blind and not s.matched_unit for s in found):
            return _result(rules, rule, "review", f"颜色信息缺失，无法确认公章：{where}的疑似公章在灰度/黑白扫描页上，"
                           "印文无法识别，请核对原件", ev, label)
        if best < rules.thresholds.low_confidence:
            return _result(rules, rule, "review", f"{where}有疑似该单位公章，但识别置信度 {best:.2f} 偏低，请核对", ev, label)
        return _result(rules, rule, "pass", f"{where}有该单位公章", ev, label)
    blind = _colourless_evidence(facts)
    if blind:  # no red can show on these pages: a missing seal there is no evidence (issue 16)
        return _result(rules, rule, "review", _colourless_detail(facts, bool(seals)), (*place_ev, *blind), label)
    if not seals:
        return _result(rules, rule, "fail", "申报材料上未发现任何公章", place_ev, label)
    if name is None:
        return _result(rules, rule, "review", "单位名称未识别，无法确认材料上的公章是否属于该单位，请核对", place_ev, label)
    unattributed = [s for s in seals if not s.matched_unit]
    if unattributed:
        ev = [Evidence(file=s.file, page=s.page, bbox=s.bbox, text=s.text, confidence=s.confidence,
                       note="未能识别印文的公章") for s in unattributed[:4]]
        return _result(rules, rule, "review",
                       f"材料上有 {len(unattributed)} 枚公章印文未能识别，无法确认是否为该单位公章，请核对",
                       (*place_ev, *ev), label)
    return _result(rules, rule, "fail", "材料上的公章均属于其他单位，该单位在申报材料上没有加盖公章", place_ev, label)


def _colourless_evidence(facts: ApplicationFacts) -> tuple[Evidence, ...]:
    return tuple(Evidence(file=f, page=p, bbox=(0.0, 0.0, 1.0, 1.0), text="", note="无颜色信息的页面")
                 for f, p in facts.colourless_pages[:4])


def _colourless_detail(facts: ApplicationFacts, any_seal: bool) -> str:
    pages = "、".join(f"第{p}页" for _, p in facts.colourless_pages[:4])
    more = "等" if len(facts.colourless_pages) > 4 else ""
    found = "未找到该单位的公章" if any_seal else "未发现公章"
    return f"颜色信息缺失，无法确认公章：{pages}{more}为灰度/黑白扫描，{found}，请核对原件"


# ------------------------------------------------------------------ application rules

def check_tenure_proof(facts: ApplicationFacts, rules: Rules) -> CheckResult:
    rule, f = "site.tenure_proof", facts.site.tenure
    if not f.found:
        return _result(rules, rule, "review", f"未找到场地产权证明或租赁证明{('：' + f.reason) if f.reason else ''}，请人工核对")
    word = {"owned": "所有权产权证明", "leased": "使用权租赁证明"}.get(str(f.value), str(f.value))
    if _low(f, rules):
        return _result(rules, rule, "review", f"识别到{word}{_conf(f)}", f.evidence)
    return _result(rules, rule, "pass", f"具有{word}", f.evidence)


def _lease_years(facts: ApplicationFacts) -> tuple[float | None, str, tuple[Evidence, ...], list[Fact]]:
    """(years, how it was found, evidence, facts used)."""
    s = facts.site
    start, end = _date(s.lease_start.value), _date(s.lease_end.value)
    stated = float(s.lease_years.value) if isinstance(s.lease_years.value, (int, float)) else None
    if start and end:
        days = (end - start).days + 1
        years = days / 365.2425
        ev = (*s.lease_start.evidence, *s.lease_end.evidence)
        return years, f"租期 {start.isoformat()} 至 {end.isoformat()}", ev, [s.lease_start, s.lease_end]
    if stated is not None:
        return stated, f"租期{_num(stated)}年", s.lease_years.evidence, [s.lease_years]
    return None, "", (), []


def check_lease_term(facts: ApplicationFacts, rules: Rules) -> CheckResult | None:
    rule = "site.lease_term"
    tenure = facts.site.tenure.value
    if tenure == "owned":
        return None  # applies to leased sites only
    need = rules.site.lease_min_years
    years, how, ev, used = _lease_years(facts)
    if years is None:
        if tenure is None:
            return _result(rules, rule, "review", "场地权属不明，未找到租赁期限，请核对")
        return _result(rules, rule, "review", "未找到租赁期限（起止日期或租期），请人工核对")
    s = facts.site
    start, end = _date(s.lease_start.value), _date(s.lease_end.value)
    if start and end:
        ok = end + dt.timedelta(days=1) >= _add_years(start, need)
        shown = f"{how}（约{years:.1f}年）"
    else:
        ok = years >= need
        shown = how
    stated = s.lease_years.value
    low = any(_low(f, rules) for f in used)
    if start and end and isinstance(stated, (int, float)) and abs(float(stated) - years) > 0.1:
        return _result(rules, rule, "review", f"{shown}与写明的租期{_num(float(stated))}年不一致，请核对",
                       (*ev, *s.lease_years.evidence))
    if low:
        return _result(rules, rule, "review", f"{shown}，识别置信度偏低，请核对原件", ev)
    if not ok:
        return _result(rules, rule, "fail", f"{shown}，少于{_num(need)}年", ev)
    return _result(rules, rule, "pass", f"{shown}，不少于{_num(need)}年", ev)


def check_plan(facts: ApplicationFacts, rules: Rules) -> CheckResult:
    rule = "plan.complete"
    missing, low, ev = [], [], []
    for key, zh in rules.plan_sections.items():
        f = facts.plan_sections.get(key)
        if f is None or not f.found:
            missing.append(zh)
            continue
        ev.extend(f.evidence[:1])
        if _low(f, rules):
            low.append(zh)
    if missing:
        return _result(rules, rule, "review", f"未找到：{'、'.join(missing)}，请人工核对申报材料是否包含", ev)
    if low:
        return _result(rules, rule, "review", f"{'、'.join(low)}识别置信度偏低，请核对", ev)
    return _result(rules, rule, "pass", f"{'、'.join(rules.plan_sections.values())}均已具备", ev)


def _role_low(members: Iterable[Unit], rules: Rules) -> bool:
    t = rules.thresholds.low_confidence
    return any(e.confidence < t for m in members for e in m.role_evidence) or any(
        m.name.found and _low(m.name, rules) for m in members)


def _role_ev(members: Iterable[Unit]) -> tuple[Evidence, ...]:
    return tuple(e for m in members for e in m.role_evidence[:1])


def _list_whole(facts: ApplicationFacts, rules: Rules) -> str:
    """Why the member list cannot carry a `fail` ('' when it can): it must have been read whole
    (member table from header to end, or an agreement sentence naming or counting the members),
    confidently, naming as many units as were found, with some member's role understood."""
    lst, n = facts.consortium_list, len(facts.consortium)
    if not lst.found:
        return lst.reason or "未找到完整的联合体成员表或协议中的成员名单"
    if _low(lst, rules):
        return "成员名单识别置信度偏低"
    if isinstance(lst.value, (int, float)) and int(lst.value) != n:
        return f"成员名单列出{int(lst.value)}家，但只识别出{n}家的名称"
    if not any(m.roles for m in facts.consortium):
        return "未能识别任何成员的分工（分工栏未读懂）"
    return ""


def _roles_whole(facts: ApplicationFacts, rules: Rules) -> str:
    """Why a missing or doubled role cannot be a `fail` ('' when it can): the list must be read whole
    and every member's roles read from it (not only the member count)."""
    why = _list_whole(facts, rules)
    if why:
        return why
    if any(ROLES_UNREAD in e.note for e in facts.consortium_list.evidence):
        return "只读到协议写明的成员家数，成员表的分工栏未读懂"
    return ""


def _list_ev(facts: ApplicationFacts) -> tuple[Evidence, ...]:
    return facts.consortium_list.evidence[:2]


def check_consortium_size(facts: ApplicationFacts, rules: Rules) -> CheckResult:
    rule, members = "consortium.size", facts.consortium
    c = rules.consortium
    if not members:
        why = facts.consortium_list.reason
        return _result(rules, rule, "review", "未找到联合体成员单位名单" + (f"（{why}）" if why else "") + "，请人工核对")
    n, leads = len(members), [m for m in members if "lead" in m.roles]
    names = "、".join(unit_label(m, i) for i, m in enumerate(leads))
    problems = []
    if n < c.min_members:
        problems.append(f"联合体只有{n}家成员单位，少于{c.min_members}家")
    if len(leads) != c.leads:
        problems.append("未写明牵头单位" if not leads else f"牵头单位有{len(leads)}家（{names}），应为{c.leads}家")
    ev = (*_role_ev(members), *_list_ev(facts))
    if problems:
        if _role_low(members, rules):
            return _result(rules, rule, "review", "；".join(problems) + "（识别置信度偏低，请核对）", ev)
        why = _list_whole(facts, rules) if len(leads) == c.leads else _roles_whole(facts, rules)
        if why:
            return _result(rules, rule, "review", f"识别到{'；'.join(problems)}，但{why}，请人工核对成员名单", ev)
        return _result(rules, rule, "fail", "；".join(problems), ev)
    if _role_low(members, rules):
        return _result(rules, rule, "review", f"联合体{n}家成员单位，牵头单位为{names}（识别置信度偏低，请核对）", ev)
    return _result(rules, rule, "pass", f"联合体{n}家成员单位，牵头单位为{names}", ev)


def _check_role(rule: str, role: str, minimum: int, facts: ApplicationFacts, rules: Rules) -> CheckResult:
    members = facts.consortium
    zh = ROLE_ZH[role]
    if not members:
        return _result(rules, rule, "review", f"未找到联合体成员单位名单，无法确认{zh}，请人工核对")
    having = [m for m in members if role in m.roles]
    ev = _role_ev(having or members)
    names = "、".join(unit_label(m) for m in having)
    if len(having) < minimum:
        if _role_low(members, rules):
            return _result(rules, rule, "review", f"联合体无{zh}（识别置信度偏低，请核对）", ev)
        why = _roles_whole(facts, rules)
        if why:
            return _result(rules, rule, "review", f"未识别到{zh}，但{why}，请人工核对",
                           (*ev, *_list_ev(facts)))
        return _result(rules, rule, "fail", f"联合体无{zh}", (*ev, *_list_ev(facts)))
    if _role_low(having, rules):
        return _result(rules, rule, "review", f"{zh}：{names}（识别置信度偏低，请核对）", ev)
    return _result(rules, rule, "pass", f"{zh}：{names}", ev)


def check_code_contributor(facts: ApplicationFacts, rules: Rules) -> CheckResult:
    return _check_role("consortium.code_contributor", "code_contributor", rules.consortium.min_code_contributors, facts, rules)


def check_application_unit(facts: ApplicationFacts, rules: Rules) -> CheckResult:
    return _check_role("consortium.application_unit", "application_unit", rules.consortium.min_application_units, facts, rules)


def _as_written(t, value: float, ind) -> str:
    """'1.2万人（合12000人）' when a conversion was needed, else '45人'."""
    shown = f"{_num(float(t.value))}{t.unit or ind.unit}"
    return shown if not t.unit or t.unit == ind.unit else f"{shown}（合{_num(round(value, 2))}{ind.unit}）"


def check_targets(facts: ApplicationFacts, rules: Rules, track: str) -> CheckResult:
    """Every 榜单 indicator declared at or above its minimum. Units of one class (人/名/位, 万人) are
    converted by the rules file's unit_classes; `fail` only for a confidently read value under the
    minimum — not found, not convertible or doubtful readings are `review`."""
    rule = "targets.meet_indicators"
    indicators = rules.indicators.get(track, ())  # type: ignore[call-overload]
    below, missing, doubtful, ev = [], [], [], []
    low_t = rules.thresholds.low_confidence
    for ind in indicators:
        cands = [t for t in facts.targets
                 if t.indicator == ind.name or rules.indicator_for(track, t.indicator) is ind
                 or (t.written and rules.indicator_for(track, t.written) is ind)]
        with_value = [t for t in cands if t.value is not None]
        if not with_value:
            missing.append(ind.name)
            continue
        t = max(with_value, key=lambda t: min((e.confidence for e in t.evidence), default=1.0))
        ev.extend(t.evidence[:1])
        value = rules.convert(float(t.value), t.unit, ind.unit) if ind.unit else float(t.value)  # type: ignore[arg-type]
        if value is None:
            doubtful.append(f"{ind.name}写为{_num(float(t.value))}{t.unit}，单位与榜单“{ind.unit}”不能换算")  # type: ignore[arg-type]
            continue
        low = any(e.confidence < low_t for e in t.evidence)
        shown = _as_written(t, value, ind)
        if value < ind.min:
            (doubtful if low else below).append(f"{ind.name}{shown}低于{_num(ind.min)}{ind.unit}"
                                                 + ("（识别置信度偏低）" if low else ""))
        elif low:
            doubtful.append(f"{ind.name}{shown}识别置信度偏低")
    note = "（榜单指标为占位值，待替换为正式值）" if any(i.placeholder for i in indicators) else ""
    if not indicators:
        return _result(rules, rule, "review", f"规则文件未给出{TRACK_ZH.get(track, track)}的榜单指标，请人工核对")
    if below:
        return _result(rules, rule, "fail", "；".join(below) + note, ev)
    if missing or doubtful:
        parts = ([f"未找到指标：{'、'.join(missing)}"] if missing else []) + doubtful
        return _result(rules, rule, "review", "；".join(parts) + "，请核对" + note, ev)
    return _result(rules, rule, "pass", f"{len(indicators)}项建设目标均不低于榜单指标" + note, ev)


def check_deadline(facts: ApplicationFacts, rules: Rules) -> CheckResult:
    rule, f = "submission.deadline", facts.declared_on
    deadline = rules.dates.deadline
    d = _date(f.value)
    if d is None:
        return _result(rules, rule, "review", f"未找到申报日期{('：' + f.reason) if f.reason else ''}，请核对是否于{deadline.isoformat()}前提交", f.evidence)
    if _low(f, rules):
        return _result(rules, rule, "review", f"申报日期{d.isoformat()}{_conf(f)}", f.evidence)
    if d > deadline:
        return _result(rules, rule, "fail", f"申报日期{d.isoformat()}晚于{deadline.isoformat()}", f.evidence)
    return _result(rules, rule, "pass", f"申报日期{d.isoformat()}，不晚于{deadline.isoformat()}", f.evidence)


# ------------------------------------------------------------------ assembly

PER_UNIT: dict[str, Callable[..., CheckResult]] = {
    "entity.uscc_valid": lambda u, label, facts, rules, credit: check_uscc_valid(u, label, rules),
    "credit.dishonest_debtor": lambda u, label, facts, rules, credit: check_credit(
        "credit.dishonest_debtor", "dishonest_debtor", u, label, rules, credit),
    "credit.tax_violation": lambda u, label, facts, rules, credit: check_credit(
        "credit.tax_violation", "tax_violation", u, label, rules, credit),
    "seal.present": lambda u, label, facts, rules, credit: check_seal(u, label, facts, rules),
}
PER_APPLICATION: dict[str, Callable[[ApplicationFacts, Rules, str], CheckResult | None]] = {
    "entity.type_allowed": lambda f, r, t: check_type_allowed(f.applicant, unit_label(f.applicant), r),
    "site.tenure_proof": lambda f, r, t: check_tenure_proof(f, r),
    "site.lease_term": lambda f, r, t: check_lease_term(f, r),
    "plan.complete": lambda f, r, t: check_plan(f, r),
    "consortium.size": lambda f, r, t: check_consortium_size(f, r),
    "consortium.code_contributor": lambda f, r, t: check_code_contributor(f, r),
    "consortium.application_unit": lambda f, r, t: check_application_unit(f, r),
    "targets.meet_indicators": check_targets,
    "submission.deadline": lambda f, r, t: check_deadline(f, r),
}


def run_checks(facts: ApplicationFacts, rules: Rules, credit: CreditIndex | None) -> list[CheckResult]:
    """Every SPEC §4 rule that applies to this application's track, in SPEC order.

    With the track unknown, rules of both tracks run and track-specific ones are `review`.
    `district.recommendation` is bundle-level: see district_recommendation().
    """
    track = str(facts.track.value) if facts.track.found else "unknown"
    known = track in ("innovation_community", "open_source_community")
    units = units_of(facts)
    out: list[CheckResult] = []
    for rule in RULE_IDS:
        spec = rules.rules[rule]
        if "bundle" in spec.tracks:
            continue
        tracks = set(spec.tracks)
        if known and track not in tracks:
            continue
        if not known and tracks != {"innovation_community", "open_source_community"}:
            only = "、".join(TRACK_ZH[t] for t in spec.tracks if t in TRACK_ZH)
            out.append(_result(rules, rule, "review",
                               f"未能识别申报类型（附件2/附件3），本项仅适用于{only}，请人工确认", facts.track.evidence))
            continue
        if spec.per_unit:
            for label, unit in units:
                out.append(PER_UNIT[rule](unit, label, facts, rules, credit))
        else:
            r = PER_APPLICATION[rule](facts, rules, track)
            if r is not None:
                out.append(r)
    return out


def district_recommendation(forms: list[ApplicationFacts], rules: Rules) -> CheckResult:
    """The bundle's 附件4 申报单位推荐表 with the district's seal (二(二)).

    No form → fail (the notice requires it). A form without a detected seal → review, not fail:
    seal detection misses faint or photocopied seals, and a reviewer sees the page in seconds.
    """
    rule = "district.recommendation"
    if not forms:
        return _result(rules, rule, "fail", "未发现区县经信部门填写的申报单位推荐表（附件4）")
    sealed = [(f, s) for f in forms for s in f.seals]
    ev_forms = [e for f in forms for e in f.track.evidence[:1]]
    district = next((str(f.district.value) for f in forms if f.district.found), "")
    who = f"（{district}）" if district else ""
    if not sealed:
        places = [Evidence(file=p.file, page=p.page, bbox=p.bbox, text=p.label, note="盖章处")
                  for f in forms for p in f.seal_places]
        return _result(rules, rule, "review", f"有申报单位推荐表{who}，但未识别到公章，请核对原件", (*ev_forms, *places))
    ev = [Evidence(file=s.file, page=s.page, bbox=s.bbox, text=s.text, confidence=s.confidence, note="推荐表公章")
          for _, s in sealed[:3]]
    best = max(s.confidence for _, s in sealed)
    if best < rules.thresholds.low_confidence:
        return _result(rules, rule, "review", f"申报单位推荐表{who}上的公章识别置信度 {best:.2f} 偏低，请核对", ev)
    return _result(rules, rule, "pass", f"有申报单位推荐表{who}并加盖公章", ev)


def verdict(checks: Iterable[CheckResult]) -> Verdict:
    """SPEC §4: ineligible if any fails, else needs_review if any is review (or nothing was
    checked), else eligible."""
    statuses = [c.status for c in checks]
    if "fail" in statuses:
        return "ineligible"
    if "review" in statuses or not statuses:
        return "needs_review"
    return "eligible"
