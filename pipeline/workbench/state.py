"""Reviews + decision rows → what each check stands at, what is still open, each application's outcome.

Pure functions: the web pages, the Word import and the export all read the same answer.
A check is *decided* when its latest deciding row was made on the evidence the current run shows
(same hash) and gives pass or fail. A decision made on other evidence is *stale* (需复核): it is shown
with the old decision but counts as open until someone decides again.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from pipeline.workbench.db import Decision
from pipeline.workbench.outputs import Application, CheckItem, SealItem

FINAL_STATUSES = ("pass", "fail")


@dataclass
class CheckState:
    item: CheckItem
    decision: Decision | None = None
    """Latest row that set a status for this (rule, unit), on whatever evidence."""
    comments: list[Decision] = field(default_factory=list)
    history: list[Decision] = field(default_factory=list)

    @property
    def stale(self) -> bool:
        return self.decision is not None and self.decision.evidence_hash != self.item.hash

    @property
    def final_status(self) -> str:
        """The reviewer's status when current, else the automatic one."""
        if self.decision is not None and not self.stale:
            return self.decision.new_status or self.item.status
        return self.item.status

    @property
    def open(self) -> bool:
        return self.decision is None or self.stale or self.final_status not in FINAL_STATUSES

    @property
    def overruled(self) -> bool:
        return (self.decision is not None and not self.stale
                and self.decision.new_status != self.item.status)


@dataclass
class SealState:
    item: SealItem
    decision: Decision | None = None
    history: list[Decision] = field(default_factory=list)

    @property
    def stale(self) -> bool:
        return self.decision is not None and self.decision.evidence_hash != self.item.hash

    @property
    def unit(self) -> str | None:
        """The unit the seal counts for after the reviewer's decision (None when rejected)."""
        d = self.decision
        if d is None or self.stale:
            return self.item.seal.get("matched_unit")
        if d.action == "seal_reject":
            return None
        if d.action == "seal_reassign":
            return d.value
        return self.item.seal.get("matched_unit")


@dataclass
class AppState:
    app: Application
    checks: list[CheckState]
    seals: list[SealState]

    @property
    def open_checks(self) -> list[CheckState]:
        return [c for c in self.checks if c.open]

    @property
    def stale_checks(self) -> list[CheckState]:
        return [c for c in self.checks if c.stale]

    @property
    def decided(self) -> bool:
        return not self.open_checks

    def count(self, status: str) -> int:
        return sum(1 for c in self.checks if c.item.status == status)

    @property
    def final(self) -> str:
        """ineligible when any check finally fails, eligible when every check is decided pass,
        else open (待定)."""
        if any(c.final_status == "fail" and not c.open for c in self.checks):
            return "ineligible"
        if self.decided:
            return "eligible"
        return "open"

    @property
    def reviewers(self) -> list[str]:
        return list(dict.fromkeys(c.decision.reviewer for c in self.checks if c.decision and not c.stale))

    @property
    def last_decided(self) -> dt.datetime | None:
        times = [c.decision.decided_at for c in self.checks if c.decision and not c.stale]
        return max(times) if times else None


def _key(rule: str, unit: str) -> tuple[str, str]:
    return rule, unit


def app_state(app: Application, rows: Sequence[Decision]) -> AppState:
    """Rows must be this application's, oldest first."""
    checks = {_key(c.rule, c.unit): CheckState(c) for c in app.checks}
    seals = {s.key: SealState(s) for s in app.seals}
    for row in rows:
        if row.rule == "seal":
            st = seals.get(row.unit)
            if st is not None:
                st.history.append(row)
                st.decision = row
            continue
        cs = checks.get(_key(row.rule, row.unit))
        if cs is None:  # the rule/unit no longer exists in this run: history only
            continue
        cs.history.append(row)
        if row.action == "comment":
            cs.comments.append(row)
        else:
            cs.decision = row
    return AppState(app, list(checks.values()), list(seals.values()))


def bundle_state(apps: Sequence[Application], rows: Sequence[Decision]) -> list[AppState]:
    by_app: dict[str, list[Decision]] = {}
    for r in rows:
        by_app.setdefault(r.application_id, []).append(r)
    return [app_state(a, by_app.get(a.application_id, [])) for a in apps]
