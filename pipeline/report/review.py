"""review.json: the per-application contract (SPEC §5) other tools and reviewers read.

Built from the typed facts and check results only; every value is a plain JSON type, dates are
ISO, unknown values are null (never guessed), and key order / list order are fixed so the same
inputs give byte-identical files. Every file written is validated against review.schema.json.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Collection, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, get_args

import jsonschema

from pipeline.facts import (
    ApplicationFacts,
    CheckResult,
    EntityType,
    Evidence,
    Fact,
    Seal,
    SealPlace,
    Target,
    Track,
    Unit,
    Verdict,
)
from pipeline.model import DocumentError, SourceFile, sheet_verdict
from pipeline.report.atomic import write_text_atomic
from pipeline.report.texts import default_clause, requirement_text, rule_order

SCHEMA_VERSION = "1.0"
SCHEMA_PATH = Path(__file__).with_name("review.schema.json")
REVIEW_FILE = "review.json"
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TRACKS = {t for t in get_args(Track) if t != "unknown"}
_ENTITY_TYPES = set(get_args(EntityType))
_VERDICTS = set(get_args(Verdict))


@lru_cache(maxsize=1)
def review_schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def validate_review(review: Mapping[str, Any]) -> None:
    """Raise jsonschema.ValidationError when `review` breaks the published schema."""
    jsonschema.Draft202012Validator(review_schema(), format_checker=jsonschema.FormatChecker()).validate(review)


# ---- plain-value conversion -------------------------------------------------------------

def _num(x: float | int | None) -> float | int | None:
    if x is None or isinstance(x, bool):
        return None
    if isinstance(x, float) and x.is_integer():
        return int(x)
    return x


def _bbox(b) -> list[float] | None:
    return None if b is None else [round(float(v), 6) for v in b]


def _evidence(e: Evidence) -> dict:
    return {
        "file": e.file,
        "page": e.page,
        "bbox": _bbox(e.bbox),
        "text": e.text,
        "confidence": round(e.confidence, 4),
        "note": e.note,
    }


def _iso_date(value) -> tuple[str | None, str]:
    """(ISO date or None, reason when a value was present but not a date)."""
    if value is None:
        return None, ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat(), ""
    if isinstance(value, dt.date):
        return value.isoformat(), ""
    text = str(value).strip()
    if _ISO_DATE.match(text):
        try:
            return dt.date.fromisoformat(text).isoformat(), ""
        except ValueError:
            pass
    return None, f"日期无法识别为标准格式：{text}"


def _text(value) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _years(value) -> float | int | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return _num(value)
    try:
        return _num(float(str(value).strip()))
    except ValueError:
        return None


class _Provenance:
    """Collects per-field evidence, confidence and the reason a value is missing."""

    def __init__(self) -> None:
        self.fields: dict[str, dict] = {}

    def add(self, key: str, fact: Fact, value, extra_reason: str = "") -> None:
        reason = extra_reason or fact.reason
        if not fact.evidence and not reason and fact.confidence == 0:
            return
        self.fields[key] = {
            "confidence": round(fact.confidence, 4),
            "evidence": [_evidence(e) for e in fact.evidence],
            "reason": reason,
        }


def _unit(u: Unit, key: str, prov: _Provenance) -> dict:
    name, uscc = _text(u.name.value), _text(u.uscc.value)
    et = _text(u.entity_type.value)
    et_reason = ""
    if et is not None and et not in _ENTITY_TYPES:
        et_reason, et = f"单位性质代码不在允许范围：{et}", None
    prov.add(f"{key}.name", u.name, name)
    prov.add(f"{key}.uscc", u.uscc, uscc)
    prov.add(f"{key}.entity_type", u.entity_type, et, et_reason)
    if u.role_evidence:
        prov.fields[f"{key}.roles"] = {
            "confidence": round(min(e.confidence for e in u.role_evidence), 4),
            "evidence": [_evidence(e) for e in u.role_evidence],
            "reason": "",
        }
    return {
        "name": name,
        "uscc": uscc,
        "entity_type": et,
        "declared_type_text": u.declared_type_text or None,
        "roles": list(u.roles),
    }


def _seal(s: Seal) -> dict:
    return {
        "file": s.file,
        "page": s.page,
        "bbox": _bbox(s.bbox),
        "kind": s.kind,
        "text": s.text or None,
        "matched_unit": s.matched_unit,
        "confidence": round(s.confidence, 4),
        "pages": list(s.pages) or [s.page],
        "files": list(s.files),
        "crop": s.crop or None,
    }


def _seal_place(p: SealPlace) -> dict:
    return {
        "label": p.label,
        "file": p.file,
        "page": p.page,
        "bbox": _bbox(p.bbox),
        "unit": p.unit,
        "seal_index": p.seal_index,
    }


def _target(t: Target, minimums: Mapping[str, float] | None, placeholders: Collection[str]) -> dict:
    minimum = (minimums or {}).get(t.indicator)
    value = _num(t.value)
    meets = None if value is None or minimum is None else bool(value >= minimum)
    return {
        "indicator": t.indicator,
        "value": value,
        "unit": t.unit or None,
        "written": t.written or None,
        "matched": t.matched,
        "minimum": _num(minimum),
        "minimum_is_placeholder": None if minimum is None else t.indicator in placeholders,
        "meets_minimum": meets,
        "evidence": [_evidence(e) for e in t.evidence],
    }


def _check(c: CheckResult, requirements: Mapping[str, str] | None) -> dict:
    return {
        "rule": c.rule,
        "unit": c.unit,
        "status": c.status,
        "detail": c.detail,
        "clause": c.clause or default_clause(c.rule) or None,
        "requirement": requirement_text(c.rule, requirements) or None,
        "evidence": [_evidence(e) for e in c.evidence],
    }


def _error(e: str | DocumentError) -> dict:
    if isinstance(e, DocumentError):
        return {"code": e.code, "message": e.message, "file": e.file or None, "page": e.page}
    return {"code": "error", "message": str(e), "file": None, "page": None}


def sorted_checks(checks: Sequence[dict], unit_names: Sequence[str | None] = ()) -> list[dict]:
    """SPEC §4 rule order; within a rule, bundle-wide first, then the units in booklet order
    (applicant, then consortium members), then any other unit by name."""
    order = rule_order()
    rank = {}
    for name in unit_names:
        if name and name not in rank:
            rank[name] = len(rank)

    def key(c: dict):
        unit = c["unit"]
        unit_rank = -1 if unit is None else rank.get(unit, len(rank))
        return order.get(c["rule"], len(order)), c["rule"], unit_rank, unit or ""

    return sorted(checks, key=key)


def _run_date(run_date: str | None) -> str | None:
    if run_date is None:
        return None
    iso, reason = _iso_date(run_date)
    if iso is None:
        raise ValueError(f"run_date must be ISO YYYY-MM-DD: {run_date!r}")
    return iso


def build_review(
    *,
    application_id: str,
    entry: str,
    source_files: Sequence[SourceFile],
    facts: ApplicationFacts,
    checks: Sequence[CheckResult],
    verdict: str,
    errors: Sequence[str | DocumentError] = (),
    run_date: str | None = None,
    requirements: Mapping[str, str] | None = None,
    minimums: Mapping[str, float] | None = None,
    placeholder_indicators: Collection[str] = (),
) -> dict:
    """The review.json content for one application (SPEC §5 plus reviewer aids).

    `requirements` maps rule id → requirement text from the rules file (fallback: rule_texts.yaml);
    `minimums` maps canonical indicator → the 榜单 minimum, shown beside each declared target;
    `placeholder_indicators` names those whose minimum is still a placeholder (附件1 not public).
    From the rules file: `requirements=rules.requirements()`,
    `minimums={i.name: i.min for i in rules.indicators[track]}`, placeholders where `i.placeholder`.
    """
    if verdict not in _VERDICTS:
        raise ValueError(f"unknown verdict {verdict!r}")
    verdict = sheet_verdict(verdict, errors)
    prov = _Provenance()

    track = _text(facts.track.value)
    track_reason = ""
    if track is not None and track not in _TRACKS:
        track_reason, track = ("未能识别申报类型" if track == "unknown" else f"未知申报类型：{track}"), None
    prov.add("track", facts.track, track, track_reason)

    applicant = _unit(facts.applicant, "applicant", prov)
    consortium = [_unit(u, f"consortium[{i}]", prov) for i, u in enumerate(facts.consortium)]

    site: dict[str, Any] = {}
    tenure = _text(facts.site.tenure.value)
    site["tenure"] = tenure if tenure in ("owned", "leased") else None
    prov.add("site.tenure", facts.site.tenure, site["tenure"],
             "" if tenure in (None, "owned", "leased") else f"场地权属无法识别：{tenure}")
    for key in ("lease_start", "lease_end"):
        fact = getattr(facts.site, key)
        site[key], reason = _iso_date(fact.value)
        prov.add(f"site.{key}", fact, site[key], reason)
    site["lease_years"] = _years(facts.site.lease_years.value)
    prov.add("site.lease_years", facts.site.lease_years, site["lease_years"],
             "" if facts.site.lease_years.value is None or site["lease_years"] is not None
             else f"租期年数无法识别：{facts.site.lease_years.value}")

    declared_on, reason = _iso_date(facts.declared_on.value)
    prov.add("declared_on", facts.declared_on, declared_on, reason)

    plan_sections = {k: facts.plan_sections[k].found for k in sorted(facts.plan_sections)}
    for k in sorted(facts.plan_sections):
        prov.add(f"plan_sections.{k}", facts.plan_sections[k], facts.plan_sections[k].value)

    unit_names = [applicant["name"]] + [u["name"] for u in consortium]
    check_dicts = sorted_checks([_check(c, requirements) for c in checks], unit_names)
    counts = {s: sum(1 for c in check_dicts if c["status"] == s) for s in ("pass", "fail", "review")}

    return {
        "schema_version": SCHEMA_VERSION,
        "application_id": application_id,
        "entry": entry,
        "run_date": _run_date(run_date),
        "source": {
            "files": [{"path": f.path, "sha256": f.sha256, "pages": f.pages} for f in source_files],
            "pages": sum(f.pages for f in source_files),
        },
        "track": track,
        "applicant": applicant,
        "site": site,
        "consortium": consortium,
        "seals": [_seal(s) for s in facts.seals],
        "seal_places": [_seal_place(p) for p in facts.seal_places],
        "targets": [_target(t, minimums, set(placeholder_indicators)) for t in facts.targets],
        "declared_on": declared_on,
        "plan_sections": plan_sections,
        "provenance": dict(sorted(prov.fields.items())),
        "checks": check_dicts,
        "counts": counts,
        "verdict": verdict,
        "errors": [_error(e) for e in errors],
    }


def error_review(
    *,
    application_id: str,
    entry: str,
    errors: Sequence[str | DocumentError],
    source_files: Sequence[SourceFile] = (),
    run_date: str | None = None,
) -> dict:
    """review.json for a submission that could not be read at all: no facts, no checks,
    verdict needs_review, the reason in errors — so no submission is ever dropped."""
    if not errors:
        errors = ["申报材料无法读取，原因未知，请人工核查 / submission could not be read"]
    return build_review(
        application_id=application_id,
        entry=entry,
        source_files=source_files,
        facts=ApplicationFacts(),
        checks=(),
        verdict="needs_review",
        errors=errors,
        run_date=run_date,
    )


def review_json_text(review: Mapping[str, Any]) -> str:
    """Canonical serialisation: sorted keys, 2-space indent, UTF-8 Chinese, trailing newline."""
    return json.dumps(review, ensure_ascii=False, sort_keys=True, indent=2, allow_nan=False) + "\n"


def write_review_json(app_dir: Path, review: Mapping[str, Any]) -> Path:
    """Validate against review.schema.json, then write app_dir/review.json atomically."""
    validate_review(review)
    return write_text_atomic(Path(app_dir) / REVIEW_FILE, review_json_text(review))
