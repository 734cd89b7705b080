"""Reads a run's output folder: one review.json per application, in folder order.

Only what the pipeline wrote is read (OUT/<application_id>/review.json); a sheet that cannot be parsed
is listed with its one-line reason instead of stopping the workbench.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.report.review import REVIEW_FILE
from pipeline.report.texts import label, requirement_text
from pipeline.workbench.evidence import MANUAL_RULE, evidence_hash, seal_hash, seal_key, unit_key

MANUAL_TEXT = "申报材料无法读取，系统未能逐项审查，请人工审查原件"


@dataclass(frozen=True)
class CheckItem:
    """One checklist row as the reviewer decides it."""

    index: int
    rule: str
    unit: str
    status: str
    requirement: str
    clause: str
    detail: str
    evidence: tuple[dict, ...]
    hash: str


@dataclass(frozen=True)
class SealItem:
    index: int
    key: str
    hash: str
    seal: dict


@dataclass
class Application:
    application_id: str
    dir: Path
    review: dict[str, Any]
    checks: list[CheckItem] = field(default_factory=list)
    seals: list[SealItem] = field(default_factory=list)
    error: str = ""

    @property
    def name(self) -> str:
        return (self.review.get("applicant") or {}).get("name") or self.review.get("entry") or self.application_id

    @property
    def track(self) -> str | None:
        return self.review.get("track")

    @property
    def verdict(self) -> str:
        return self.review.get("verdict") or "needs_review"

    def unit_names(self) -> list[str]:
        names = [(self.review.get("applicant") or {}).get("name")]
        names += [u.get("name") for u in self.review.get("consortium") or []]
        return [n for n in dict.fromkeys(names) if n]


def check_items(review: dict[str, Any]) -> list[CheckItem]:
    """The checklist in review.docx's order (review.json's checks are already in that order)."""
    items = []
    seen: set[tuple[str, str]] = set()
    for i, c in enumerate(review.get("checks") or []):
        unit = unit_key(c.get("unit"))
        while (c["rule"], unit) in seen:  # the same rule twice for one unit: keep both rows apart
            unit += "#"
        seen.add((c["rule"], unit))
        items.append(CheckItem(
            index=i, rule=c["rule"], unit=unit, status=c["status"],
            requirement=c.get("requirement") or requirement_text(c["rule"]) or c["rule"],
            clause=c.get("clause") or "", detail=c.get("detail") or "",
            evidence=tuple(c.get("evidence") or ()), hash=evidence_hash(c)))
    if not items:
        errors = "；".join(e.get("message", "") for e in review.get("errors") or []) or MANUAL_TEXT
        pseudo = {"rule": MANUAL_RULE, "unit": None, "status": "review", "detail": errors, "evidence": []}
        items.append(CheckItem(index=0, rule=MANUAL_RULE, unit="", status="review", requirement=MANUAL_TEXT,
                               clause="", detail=errors, evidence=(), hash=evidence_hash(pseudo)))
    return items


def load_application(app_dir: Path) -> Application:
    path = app_dir / REVIEW_FILE
    try:
        review = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(review, dict) or "application_id" not in review:
            raise ValueError("不是审查表 / not a review sheet")
    except (OSError, ValueError) as exc:
        review = {"application_id": app_dir.name, "verdict": "needs_review", "checks": [], "seals": [],
                  "errors": [{"message": f"review.json 无法读取：{exc}"}]}
    app = Application(review["application_id"], app_dir, review)
    app.checks = check_items(review)
    app.seals = [SealItem(i, seal_key(i, s), seal_hash(s), s) for i, s in enumerate(review.get("seals") or [])]
    return app


def load_applications(out: Path) -> list[Application]:
    out = Path(out)
    dirs = sorted(p.parent for p in out.glob(f"*/{REVIEW_FILE}") if p.parent.is_dir())
    return [load_application(d) for d in dirs]


def track_label(track: str | None) -> str:
    return label("track", track, "未能识别")
