"""Consortium rules (SPEC §4 consortium.*): size and lead, code contributor, application unit.

A missing member or role is a `fail` only when the member list was read whole (table from header to
end, or an agreement sentence naming or counting the members) with every member's role understood;
otherwise `review` naming why — a member not read gets no credit-list check. A doubled lead is a
`fail` only when the places that state roles (成员表, 联合体协议) do not contradict one another (a role
missing everywhere cannot be contradicted: no place gives it).
"""
from __future__ import annotations

from typing import Iterable, Sequence

from pipeline.checks.base import ROLE_ZH, _low, _result, unit_label
from pipeline.checks.rules import Rules
from pipeline.facts import ROLE_CUT, ROLES_UNREAD, ApplicationFacts, CheckResult, Evidence, RoleClaim, Unit

def _role_low(members: Iterable[Unit], rules: Rules, agreed: bool = False) -> bool:
    """Some member's roles or name read below the threshold. With `agreed` (for a pass only, never
    a fail): roles read low in one place count as read when another place states the same roles
    confidently — a wrapped role cell's lone 位 read at 0.69 while the agreement says 乙方作为开源贡献单位
    at 0.93 (dev seed 1306 #003)."""
    t = rules.thresholds.low_confidence
    return any(not (agreed and _roles_agreed(m, t)) and any(e.confidence < t for e in m.role_evidence)
               for m in members) or any(m.name.found and _low(m.name, rules) for m in members)


def _roles_agreed(m: Unit, t: float) -> bool:
    """Two or more places state roles for `m`, one of them read confidently throughout stating every
    role `m` holds, and every other one the same roles — or, read below the threshold, some of them
    only: a garbled cell that lost a role (联合体牵头。联、代贡献方 at 0.44 read as the lead alone, while
    the agreement says 甲方作为联合体牵头人、代码贡献方 at 0.94; dev seed 935 #009) adds no role of its own."""
    claims = m.role_claims
    held = set(m.roles)

    def sure(c) -> bool:
        return bool(c.evidence) and all(e.confidence >= t for e in c.evidence)

    return (len(claims) >= 2 and any(sure(c) and set(c.roles) == held for c in claims)
            and all(set(c.roles) == held or (set(c.roles) < held and not sure(c)) for c in claims))


def _role_ev(members: Iterable[Unit]) -> tuple[Evidence, ...]:
    return tuple(e for m in members for e in m.role_evidence[:1])


def _list_whole(facts: ApplicationFacts, rules: Rules) -> str:
    """Why the member list cannot carry a `fail` ('' when it can): it must have been read whole
    (member table from header to end, or an agreement sentence naming or counting the members),
    confidently, naming as many units as were found, with some member's role understood."""
    lst = facts.consortium_list
    if lst.found and _low(lst, rules):
        return "成员名单识别置信度偏低"
    why = _members_unseen(facts)
    if why:
        return why
    if not any(m.roles for m in facts.consortium):
        return "未能识别任何成员的分工（分工栏未读懂）"
    return ""


def _members_unseen(facts: ApplicationFacts) -> str:
    """Why members may be missing from what was read ('' when the list read whole names as many
    units as were found): a member not read gets no credit-list check."""
    lst, n = facts.consortium_list, len(facts.consortium)
    if not lst.found:
        return lst.reason or "未找到完整的联合体成员表或协议中的成员名单"
    if isinstance(lst.value, (int, float)) and int(lst.value) != n:
        return f"成员名单列出{int(lst.value)}家，但只识别出{n}家的名称"
    return ""


def _roles_whole(facts: ApplicationFacts, rules: Rules) -> str:
    """Why a missing or doubled role cannot be a `fail` ('' when it can): the list must be read whole
    and every member's roles read from it (not only the member count), none of them left without one."""
    why = _list_whole(facts, rules)
    if why:
        return why
    if any(ROLES_UNREAD in e.note for e in facts.consortium_list.evidence):
        return "只读到协议写明的成员家数，成员表的分工栏未读懂"
    cut = [unit_label(m, i) for i, m in enumerate(facts.consortium) if any(ROLE_CUT in e.note for e in m.role_evidence)]
    if cut:  # 代码贡献单位、应用 / (推广单位 not joined): the role read may not be all of them
        return f"{'、'.join(cut[:3])}的分工栏末尾似被截断，分工可能未读全"
    bare = [unit_label(m, i) for i, m in enumerate(facts.consortium) if not m.roles]
    if bare:
        # a member with no role read may hold the missing one (seed 806 #003: the code contributor's
        # role cell lost on a scan → 联合体无开源代码贡献单位 fail on an eligible application)
        return f"{'、'.join(bare[:3])}的分工未能识别"
    return ""


def _claim(m: Unit, place: str) -> RoleClaim | None:
    return next((c for c in m.role_claims if c.place == place), None)


def _said(c: RoleClaim, role: str) -> Evidence:
    """The evidence where claim `c` gives `role`."""
    return c.evidence[c.roles.index(role)]


def _roles_zh(c: RoleClaim) -> str:
    return "、".join(ROLE_ZH[r] for r in c.roles)


def places_contradict(members: Sequence[Unit], role: str, exact: bool = False) -> tuple[str, tuple[Evidence, ...]]:
    """Where two places that state members' roles (成员表, 联合体协议 …) contradict each other on
    `role`, with the evidence of both ('' when they agree): a member both places give roles holds
    `role` in both or in neither; with `exact` (a role the rules count exactly: the lead), places
    that each name holders of it name the same ones."""
    places = list(dict.fromkeys(c.place for m in members for c in m.role_claims))
    zh = ROLE_ZH[role]
    for i, p in enumerate(places):
        for q in places[i + 1:]:
            for k, m in enumerate(members):
                cp, cq = _claim(m, p), _claim(m, q)
                if not (cp and cq) or (role in cp.roles) == (role in cq.roles):
                    continue
                has, lacks = (cp, cq) if role in cp.roles else (cq, cp)
                return (f"{has.place}写明{unit_label(m, k)}为{zh}，{lacks.place}写其为{_roles_zh(lacks)}",
                        (_said(has, role), *lacks.evidence[:1]))
            if not exact:
                continue
            held = [[k for k, m in enumerate(members) if (c := _claim(m, x)) and role in c.roles] for x in (p, q)]
            if all(held) and held[0] != held[1]:
                said = [f"{x}写明{zh}为{'、'.join(unit_label(members[k], k) for k in ks)}" for x, ks in zip((p, q), held)]
                return "，".join(said), tuple(_said(_claim(members[ks[0]], x), role) for x, ks in zip((p, q), held))
    return "", ()


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
        clash, clash_ev = places_contradict(members, "lead", exact=True) if len(leads) != c.leads else ("", ())
        if clash:  # seed 840 #011: tick rows misread gave three leads, the agreement names one
            return _result(rules, rule, "review", f"识别到{'；'.join(problems)}，但{clash}，两处不一致，请人工核对",
                           (*clash_ev, *ev))
        why = _list_whole(facts, rules) if len(leads) == c.leads else _roles_whole(facts, rules)
        if why:
            return _result(rules, rule, "review", f"识别到{'；'.join(problems)}，但{why}，请人工核对成员名单", ev)
        return _result(rules, rule, "fail", "；".join(problems), ev)
    if _role_low(members, rules, agreed=True):
        return _result(rules, rule, "review", f"联合体{n}家成员单位，牵头单位为{names}（识别置信度偏低，请核对）", ev)
    why = _members_unseen(facts)
    if why:
        # a member not read gets no credit-list check: the list must be read whole for a pass
        return _result(rules, rule, "review", f"识别到联合体{n}家成员单位，牵头单位为{names}，但{why}，"
                       "可能有成员单位未识别（其信用核查未做），请人工核对成员名单", ev)
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
        clash, clash_ev = places_contradict(members, role)
        if clash:  # one place gives the role, another does not (a tick row's guess set aside): no evidence of none
            return _result(rules, rule, "review", f"未认定{zh}，但{clash}，两处不一致，请人工核对", (*clash_ev, *ev))
        return _result(rules, rule, "fail", f"联合体无{zh}", (*ev, *_list_ev(facts)))
    if _role_low(having, rules, agreed=True):
        return _result(rules, rule, "review", f"{zh}：{names}（识别置信度偏低，请核对）", ev)
    return _result(rules, rule, "pass", f"{zh}：{names}", ev)


def check_code_contributor(facts: ApplicationFacts, rules: Rules) -> CheckResult:
    return _check_role("consortium.code_contributor", "code_contributor", rules.consortium.min_code_contributors, facts, rules)


def check_application_unit(facts: ApplicationFacts, rules: Rules) -> CheckResult:
    return _check_role("consortium.application_unit", "application_unit", rules.consortium.min_application_units, facts, rules)
