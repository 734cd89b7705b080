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

from pipeline.checks.credit import CreditIndex
from pipeline.checks.rules import RULE_IDS, Rules
from pipeline.facts import ApplicationFacts, CheckResult, Evidence, Fact, Verdict

from pipeline.checks.base import (  # noqa: F401 (re-exported: callers use engine.X)
    TYPE_ZH, ROLE_ZH, TRACK_ZH, _result, _low, _conf, unit_label, units_of, _unit_key, _date, _add_years, _num,
)
from pipeline.checks.unit_rules import (  # noqa: F401
    check_uscc_valid, check_type_allowed, _hit_evidence, _hit_phrase, _basename, check_credit, _same_unit,
)
from pipeline.checks.seal_rule import check_seal, _colourless_evidence, _colourless_detail  # noqa: F401
from pipeline.checks.consortium_rules import (  # noqa: F401
    check_consortium_size, check_code_contributor, check_application_unit,
)

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
    most = rules.site.lease_max_years
    if years > most:  # e.g. the year 2025 read as the term: evidence of a misread, not of a long lease
        return _result(rules, rule, "review", f"{shown}，超过法定最长租期{_num(most)}年，可能识别有误，请核对原件", ev)
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
    below, missing, doubtful, ev, name_doubts = [], [], [], [], []
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
        elif low and t.value_confidence is not None and t.value_confidence >= low_t:
            # the name read low but matched its indicator exactly, the value read clearly: enough for a pass
            name_doubts.append(ind.name)
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
    names = (f"（{'、'.join(name_doubts)}的指标名称识别置信度偏低，与榜单指标名称一致，目标值清晰）"
             if name_doubts else "")
    return _result(rules, rule, "pass", f"{len(indicators)}项建设目标均不低于榜单指标" + names + note, ev)


def check_deadline(facts: ApplicationFacts, rules: Rules) -> CheckResult:
    rule, f = "submission.deadline", facts.declared_on
    deadline = rules.dates.deadline
    d = _date(f.value)
    if d is None:
        return _result(rules, rule, "review", f"未找到申报日期{('：' + f.reason) if f.reason else ''}，请核对是否于{deadline.isoformat()}前提交", f.evidence)
    if _low(f, rules):
        return _result(rules, rule, "review", f"申报日期{d.isoformat()}{_conf(f)}", f.evidence)
    earliest = rules.dates.earliest_declared
    if earliest is not None and d < earliest:
        return _result(rules, rule, "review", f"申报日期{d.isoformat()}早于{earliest.isoformat()}，不合常理，疑为误读，请核对", f.evidence)
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
    A seal of low confidence passes when it stands on the form's 盖章 place (a greyscale scan:
    found by shape, its red cannot show).
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
    placed = [s for f, s in sealed if any(_centre_in(p.bbox, s.bbox) for p in f.seal_places
                                         if p.file == s.file and p.page == s.page)]
    if best < rules.thresholds.low_confidence and placed:
        # a seal seen by its shape only (a greyscale scan shows no red, so its confidence stays
        # low) standing on the form's own 盖章 place: the form is sealed where it asks to be
        ev = [Evidence(file=s.file, page=s.page, bbox=s.bbox, text=s.text, confidence=s.confidence,
                       note="推荐表盖章处的公章（按印章形状识别）") for s in placed[:3]]
        return _result(rules, rule, "pass", f"有申报单位推荐表{who}，盖章处有公章", ev)
    if best < rules.thresholds.low_confidence:
        return _result(rules, rule, "review", f"申报单位推荐表{who}上的公章识别置信度 {best:.2f} 偏低，请核对", ev)
    return _result(rules, rule, "pass", f"有申报单位推荐表{who}并加盖公章", ev)


def _centre_in(inner, outer) -> bool:
    """The centre of box `inner` lies inside box `outer` (a 盖章 label under a seal)."""
    cx, cy = (inner[0] + inner[2]) / 2, (inner[1] + inner[3]) / 2
    return outer[0] <= cx <= outer[2] and outer[1] <= cy <= outer[3]


def verdict(checks: Iterable[CheckResult]) -> Verdict:
    """SPEC §4: ineligible if any fails, else needs_review if any is review (or nothing was
    checked), else eligible."""
    statuses = [c.status for c in checks]
    if "fail" in statuses:
        return "ineligible"
    if "review" in statuses or not statuses:
        return "needs_review"
    return "eligible"
