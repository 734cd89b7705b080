"""The expected SPEC §4 status of every rule and the truth record of a planned application, from the
planted facts alone — one oracle for both sample families, so their expectations cannot drift.

What differs between the families is data (`Oracle`): which planted defect puts which unit on which
credit list, how a reason is worded, which extra facts a family's truth records. The statuses
themselves follow from the plan the same way for both."""
from __future__ import annotations

from dataclasses import dataclass

ACCEPT_ALSO = "also_acceptable"


@dataclass(frozen=True)
class CreditHit:
    """A planted credit-list hit: the defect, the rule it fails, the unit it hits (applicant |
    second_member | last_member) and the reason."""
    defect: str
    rule: str
    unit: str
    why: str


@dataclass(frozen=True)
class Oracle:
    hits: tuple[CreditHit, ...]
    type_why: str
    """reason of a disallowed entity type; {type_text} is the declared type"""
    near_miss_why: str
    """reason of a near-miss credit-list name; {name} is the listed name"""
    target_why: str
    """one target under its minimum; {t} is the planned target"""
    target_fields: tuple[str, ...] = ("indicator", "value", "unit", "written")
    lease_text: bool = False
    """the truth records the lease period as written"""
    cover_date: bool = False
    """the truth records the cover's date as written"""


def _hit_unit(app, which: str):
    return {"applicant": app.applicant, "second_member": app.members[1:2] and app.members[1],
            "last_member": app.members[-1:] and app.members[-1]}[which]


def expected_checks(app, oracle: Oracle, deadline) -> list[dict]:
    """Expected status of every SPEC §4 rule for this application, with the reason when not pass.
    (district.recommendation is bundle-level: the 附件4 form's submission carries it.)"""
    units = app.members if app.track == "open_source_community" else [app.applicant]
    a = app.applicant
    out: list[dict] = []

    def add(rule, unit, status, why="", also=()):
        row = {"rule": rule, "unit": unit, "status": status}
        if why:
            row["why"] = why
        if also:
            row[ACCEPT_ALSO] = list(also)
        out.append(row)

    def credit(rule: str, u) -> None:
        hit = next((h for h in oracle.hits if h.rule == rule and h.defect in app.defects
                    and _hit_unit(app, h.unit) is u), None)
        if hit:
            add(rule, u.name, "fail", hit.why)
        elif rule == "credit.dishonest_debtor" and "near_miss_name" in app.defects and u is a:
            add(rule, u.name, "pass", oracle.near_miss_why.format(name=app.near_miss_name), also=("review",))
        else:
            add(rule, u.name, "pass")

    for u in units:
        if u.uscc_valid:
            add("entity.uscc_valid", u.name, "pass")
        else:
            add("entity.uscc_valid", u.name, "review", "第18位校验码不符：可能是识别错误或早期试点代码，需人工核对")
    if app.track == "innovation_community":
        if a.entity_type == "other":
            add("entity.type_allowed", a.name, "fail", oracle.type_why.format(type_text=a.type_text))
        else:
            add("entity.type_allowed", a.name, "pass")
    for rule in ("credit.dishonest_debtor", "credit.tax_violation"):
        for u in units:
            credit(rule, u)
    if app.track == "innovation_community":
        add("site.tenure_proof", None, "pass")
        if app.site.tenure == "leased":
            years = app.site.lease_years
            add("site.lease_term", None, "fail" if years < 3 else "pass", f"租期{years:g}年，少于3年" if years < 3 else "")
        add("plan.complete", None, "pass")
    else:
        n = len(app.members)
        leads = sum("lead" in m.roles for m in app.members)
        add("consortium.size", None, "pass" if n >= 2 and leads == 1 else "fail", "" if n >= 2 else "联合体只有1家成员单位")
        has_cc = any("code_contributor" in m.roles for m in app.members)
        add("consortium.code_contributor", None, "pass" if has_cc else "fail")
        has_au = any("application_unit" in m.roles for m in app.members)
        add("consortium.application_unit", None, "pass" if has_au else "fail", "" if has_au else "联合体无应用单位")
    for u in units:
        if u.sealed:
            add("seal.present", u.name, "pass")
        else:  # no seal found is also missing evidence (SPEC: review); a person confirms either way
            add("seal.present", u.name, "fail", "该单位在申报材料上没有加盖公章（未检出印章时标“需人工核对”亦可）",
                also=("review",))
    low = [t for t in app.targets if getattr(t, "matched", True) and t.value < t.minimum]
    add("targets.meet_indicators", None, "fail" if low else "pass", "；".join(oracle.target_why.format(t=t) for t in low))
    late = app.declared_on > deadline
    add("submission.deadline", None, "fail" if late else "pass",
        f"申报日期{app.declared_on.isoformat()}晚于{deadline.isoformat()}" if late else "")
    return out


def verdict(statuses: list[str]) -> str:
    if "fail" in statuses:
        return "ineligible"
    if "review" in statuses:
        return "needs_review"
    return "eligible"


def application_truth(app, seals: list[dict], oracle: Oracle, deadline) -> dict:
    """The `expected` record of an application in truth.json (benchmarks/accuracy.py reads it)."""
    checks = expected_checks(app, oracle, deadline)
    strict = verdict([c["status"] for c in checks])
    lenient = verdict([c.get(ACCEPT_ALSO, [c["status"]])[0] for c in checks])
    site = {"tenure": None, "lease_start": None, "lease_end": None, "lease_years": None}
    if app.site:
        s = app.site
        site = {"tenure": s.tenure, "lease_start": s.lease_start and s.lease_start.isoformat(),
                "lease_end": s.lease_end and s.lease_end.isoformat(), "lease_years": s.lease_years}
        if oracle.lease_text:
            site["lease_text"] = s.period_text or None
    a = app.applicant
    exp = {
        "track": app.track,
        "applicant": {"name": a.name, "uscc": a.uscc, "entity_type": a.entity_type, "declared_type_text": a.type_text},
        "site": site,
        "consortium": [{"name": m.name, "uscc": m.uscc, "roles": list(m.roles), "role_text": m.role_text}
                       for m in app.members],
        "seals": seals,
        "targets": [{k: getattr(t, k) for k in oracle.target_fields} for t in app.targets],
        "declared_on": app.declared_on.isoformat(),
        "declared_on_text": app.date_text,
    }
    if oracle.cover_date:
        exp["cover_date_text"] = app.cover_date_text
    exp.update({"checks": checks, "verdict": strict})
    if lenient != strict:
        exp["verdict_also_acceptable"] = [lenient]
    return exp
