"""What a decision is attached to: (application, rule, unit) and a hash of the evidence it was made on.

A rerun that reads the same thing gives the same hash, so the decision stays; any change in the status,
the finding or the evidence (text, place) gives another hash and the old decision turns stale (需复核).
Bboxes are rounded so float noise in serialisation cannot make a decision stale.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

MANUAL_RULE = "application.manual"
"""Pseudo-check for a submission that could not be read (no checks): a person decides the whole file."""


def unit_key(unit: str | None) -> str:
    """Units are stored as '' when a check is not per unit (the DB key cannot hold NULL uniquely)."""
    return unit or ""


def evidence_hash(check: Mapping[str, Any]) -> str:
    """sha256 over the check's status, finding and evidence (file, page, rounded bbox, text)."""
    ev = [
        {
            "file": e.get("file"),
            "page": e.get("page"),
            "bbox": [round(float(x), 3) for x in (e.get("bbox") or [])],
            "text": e.get("text") or "",
        }
        for e in check.get("evidence") or []
    ]
    payload = {
        "rule": check.get("rule"),
        "unit": unit_key(check.get("unit")),
        "status": check.get("status"),
        "detail": check.get("detail") or "",
        "evidence": ev,
    }
    data = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def seal_key(index: int, seal: Mapping[str, Any]) -> str:
    """A seal's identity in the decision table's `unit` column: where it is on which page."""
    bbox = ",".join(f"{float(x):.3f}" for x in seal.get("bbox") or [])
    return f"{seal.get('file')}#p{seal.get('page')}#{bbox}"


def seal_hash(seal: Mapping[str, Any]) -> str:
    payload = {k: seal.get(k) for k in ("file", "page", "kind", "text", "matched_unit")}
    payload["bbox"] = [round(float(x), 3) for x in seal.get("bbox") or []]
    data = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()
