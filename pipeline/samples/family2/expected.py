"""Family 2: the expected status of every SPEC §4 rule for a planned application, and its truth
record in the same shape as family 1's truth.json (benchmarks/accuracy.py reads both)."""
from __future__ import annotations

from pipeline.samples import plan as P
from pipeline.samples.family2.plan2 import DEADLINE, App2

ACCEPT_ALSO = P.ACCEPT_ALSO


def expected_checks(app: App2) -> list[dict]:
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

    for u in units:
        if u.uscc_valid:
            add("entity.uscc_valid", u.name, "pass")
        else:
            add("entity.uscc_valid", u.name, "review", "第18位校验码不符：可能是识别错误或早期试点代码，需人工核对")
    if app.track == "innovation_community":
        if a.entity_type == "other":
            add("entity.type_allowed", a.name, "fail",
                f"单位性质勾选“其他”（{a.type_text}），不属于企业、事业单位、社会组织或产业园区运营管理机构")
        else:
            add("entity.type_allowed", a.name, "pass")
    for u in units:
        if "member_dishonest_hit" in app.defects and u is app.members[1]:
            add("credit.dishonest_debtor", u.name, "fail", "成员单位的统一社会信用代码在失信被执行人名单中")
        elif "near_miss_name" in app.defects and u is a:
            add("credit.dishonest_debtor", u.name, "pass",
                f"名单中“{app.near_miss_name}”名称相近但统一社会信用代码不同；提示人工核对也可接受", also=("review",))
        else:
            add("credit.dishonest_debtor", u.name, "pass")
    for u in units:
        if "tax_violation_uscc_hit" in app.defects and u is a:
            add("credit.tax_violation", u.name, "fail", "纳税人识别号与统一社会信用代码一致")
        else:
            add("credit.tax_violation", u.name, "pass")
    if app.track == "innovation_community":
        add("site.tenure_proof", None, "pass")
        if app.site.tenure == "leased":
            years = app.site.lease_years
            add("site.lease_term", None, "fail" if years < 3 else "pass",
                f"租期{years:g}年，少于3年" if years < 3 else "")
        add("plan.complete", None, "pass")
    else:
        n = len(app.members)
        leads = sum("lead" in m.roles for m in app.members)
        add("consortium.size", None, "pass" if n >= 2 and leads == 1 else "fail")
        has_cc = any("code_contributor" in m.roles for m in app.members)
        add("consortium.code_contributor", None, "pass" if has_cc else "fail")
        has_au = any("application_unit" in m.roles for m in app.members)
        add("consortium.application_unit", None, "pass" if has_au else "fail", "" if has_au else "联合体无应用单位")
    for u in units:
        if u.sealed:
            add("seal.present", u.name, "pass")
        else:
            add("seal.present", u.name, "fail", "该单位在申报材料上没有加盖公章（未检出印章时标“需人工核对”亦可）",
                also=("review",))
    low = [t for t in app.targets if t.matched and t.value < t.minimum]
    add("targets.meet_indicators", None, "fail" if low else "pass",
        "；".join(f"{t.written_indicator}{t.written}{t.written_unit}低于{t.minimum}{t.unit}" for t in low))
    late = app.declared_on > DEADLINE
    add("submission.deadline", None, "fail" if late else "pass",
        f"申报日期{app.declared_on.isoformat()}晚于{DEADLINE.isoformat()}" if late else "")
    return out


def application_expected(app: App2, seals: list[dict]) -> dict:
    checks = expected_checks(app)
    strict = P.verdict([c["status"] for c in checks])
    lenient = P.verdict([c.get(ACCEPT_ALSO, [c["status"]])[0] for c in checks])
    site = {"tenure": None, "lease_start": None, "lease_end": None, "lease_years": None}
    if app.site:
        s = app.site
        site = {"tenure": s.tenure, "lease_start": s.lease_start and s.lease_start.isoformat(),
                "lease_end": s.lease_end and s.lease_end.isoformat(), "lease_years": s.lease_years,
                "lease_text": s.period_text or None}
    a = app.applicant
    exp = {
        "track": app.track,
        "applicant": {"name": a.name, "uscc": a.uscc, "entity_type": a.entity_type, "declared_type_text": a.type_text},
        "site": site,
        "consortium": [{"name": m.name, "uscc": m.uscc, "roles": list(m.roles), "role_text": m.role_text}
                       for m in app.members],
        "seals": seals,
        "targets": [{"indicator": t.indicator, "value": t.value, "unit": t.unit, "written": t.written,
                     "written_indicator": t.written_indicator, "written_unit": t.written_unit, "matched": t.matched}
                    for t in app.targets],
        "declared_on": app.declared_on.isoformat(),
        "declared_on_text": app.date_text,
        "cover_date_text": app.cover_date_text,
        "checks": checks,
        "verdict": strict,
    }
    if lenient != strict:
        exp["verdict_also_acceptable"] = [lenient]
    return exp
