"""Facts extracted from an application, each with its evidence, and the check results on them.

Extraction (pipeline.extract) produces `ApplicationFacts`; the rules engine (pipeline.checks)
reads only these and produces `CheckResult`s; the reports (pipeline.report) read both.
A value that was not found is None with a `reason`, never a guess.
"""
from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from pipeline.model import BBox, Frozen

Track = Literal["innovation_community", "open_source_community", "recommendation_form", "unknown"]
EntityType = Literal["enterprise", "public_institution", "social_organization", "park_operator", "other"]
Role = Literal["lead", "code_contributor", "application_unit"]
Tenure = Literal["owned", "leased"]
SealKind = Literal["round", "oval", "straddle"]
Status = Literal["pass", "fail", "review"]
Verdict = Literal["eligible", "ineligible", "needs_review"]


PLACES_DISAGREE = "多处写法不一致"
"""Start of an evidence note saying a unit's name or code is written differently in two places
(pipeline.extract.units); the rules engine makes it `review`."""


CODE_SUSPECTED = "统一社会信用代码仅一处读出，按易混字符修正"
"""Start of an evidence note: the code was corrected by its check characters alone (B→8), nothing
else read it that way; the rule says `review` (疑为…) until another place reads it."""

ROLES_UNREAD = "各成员分工未逐家读到"
ROLE_CUT = "分工栏末尾似被截断"
"""In a member's role evidence note when the cell ends in the start of a role phrase (…、应用): the
member may hold a role not read, so a missing role is `review`, not `fail`."""

"""In the note of ApplicationFacts.consortium_list when only the member count was read (协议写明共N家):
the count can carry a size `fail`, a missing role cannot."""


class Evidence(Frozen):
    file: str
    page: int | None = None
    bbox: BBox | None = None
    text: str = ""
    confidence: float = Field(default=1.0, ge=0.0, le=1.0)
    note: str = ""
    """Why this evidence says what it says, e.g. 'USCC repaired: O→0 at position 9'."""


class Fact(Frozen):
    """One extracted value. `value` is None when not found; then `reason` says why."""

    value: str | int | float | dt.date | None = None
    evidence: tuple[Evidence, ...] = ()
    confidence: float = Field(default=0.0, ge=0.0, le=1.0)
    reason: str = ""

    @property
    def found(self) -> bool:
        return self.value is not None


class RoleClaim(Frozen):
    """The roles one kind of place (成员表, 联合体协议, 成员说明) gives a member, with where: a doubled or
    missing role is a `fail` only when the places that state roles do not contradict one another
    (a tick row misread □ as ☑ gave three leads where the agreement names one: seed 840 #011)."""

    place: str
    roles: tuple[Role, ...]
    evidence: tuple[Evidence, ...] = ()
    """One per role, in the order of `roles`."""


class Unit(Frozen):
    """An applying unit: the applicant, or a consortium member."""

    name: Fact = Fact()
    uscc: Fact = Fact()
    entity_type: Fact = Fact()
    """value is an EntityType or None."""
    declared_type_text: str = ""
    """The 单位性质 as written, kept for the reviewer."""
    roles: tuple[Role, ...] = ()
    role_evidence: tuple[Evidence, ...] = ()
    role_claims: tuple[RoleClaim, ...] = ()
    """For a member: the roles each place states, where it states any (see RoleClaim)."""


class Site(Frozen):
    tenure: Fact = Fact()
    lease_start: Fact = Fact()
    lease_end: Fact = Fact()
    lease_years: Fact = Fact()


class Target(Frozen):
    indicator: str
    """Canonical indicator name from the rules file when matched, else the text as written."""
    value: float | None
    unit: str = ""
    written: str = ""
    """The indicator text as written on the page."""
    matched: bool = False
    evidence: tuple[Evidence, ...] = ()
    value_confidence: float | None = Field(default=None, ge=0.0, le=1.0)
    """The value cell's own reading confidence (with the same match and unit factors as the
    evidence), set only when the name cell matched its indicator exactly and was read lower than the
    value: a wrapped header's stray bracket or speck read at 0.3 then cannot make a clearly read value
    that meets its minimum doubtful. It never carries a fail: a value under the minimum is judged on
    the evidence's confidence, the name's included."""


class Seal(Frozen):
    file: str
    page: int
    bbox: BBox
    kind: SealKind
    text: str = ""
    matched_unit: str | None = None
    confidence: float = Field(default=0.0, ge=0.0, le=1.0)
    pages: tuple[int, ...] = ()
    """For a straddle seal (骑缝章): every page carrying a slice of it."""
    files: tuple[str, ...] = ()
    """For a straddle over a folder of one-page files (JPEG folder): the file of each entry of
    `pages`; empty when all slices are in `file`."""
    crop: str = ""
    """File name of the saved crop, relative to the application's output folder."""


class SealPlace(Frozen):
    """A place that asks for a seal (申报单位（盖章）, 联合体各方（盖章）, 承诺书 单位（公章）)."""

    label: str
    file: str
    page: int
    bbox: BBox
    unit: str | None = None
    """Which unit is asked to seal here, when the page says."""
    seal_index: int | None = None
    """Index into ApplicationFacts.seals of the seal found at this place, if any."""


class ApplicationFacts(Frozen):
    track: Fact = Fact()
    applicant: Unit = Unit()
    site: Site = Site()
    consortium: tuple[Unit, ...] = ()
    consortium_list: Fact = Fact()
    """How many units the member list names when it was read whole (a member table from its header
    to its end, or an agreement sentence naming or counting every member), with that table or
    sentence as evidence; not found, with the reason, when the members came only from scattered
    mentions. A consortium too small or missing a role is `fail` only when this was read."""
    seals: tuple[Seal, ...] = ()
    seal_places: tuple[SealPlace, ...] = ()
    colourless_pages: tuple[tuple[str, int], ...] = ()
    """(file, page) of pages looked at for seals that could not show red (stored without colour,
    or a file whose chroma is flat throughout): no seal found there is no evidence of none."""
    targets: tuple[Target, ...] = ()
    declared_on: Fact = Fact()
    plan_sections: dict[str, Fact] = {}
    """Keys: development_plan 发展规划, annual_targets 年度目标, implementation_plan 实施方案,
    management_rules 管理制度 — value True-ish text when present."""
    district: Fact = Fact()
    """For a recommendation form (附件4): the recommending district."""
    district_opinion: Fact = Fact()


class CheckResult(Frozen):
    rule: str
    unit: str | None = None
    """The unit a per-unit rule was checked for (name as extracted), else None."""
    status: Status
    detail: str
    """One plain Chinese line for the reviewer."""
    clause: str = ""
    """The notice clause enforced, e.g. '一(一)2'."""
    evidence: tuple[Evidence, ...] = ()
