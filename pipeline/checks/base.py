"""Shared pieces of the rule functions: the result builder, confidence test, unit labels and the
units per-unit rules run for, date arithmetic. Kept apart so each group of rules is its own module."""
from __future__ import annotations

import datetime as dt
from typing import Iterable

from pipeline import uscc as uscc_mod
from pipeline.checks.credit import normalise_name
from pipeline.checks.rules import Rules
from pipeline.facts import ApplicationFacts, CheckResult, Evidence, Fact, Status, Unit

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
