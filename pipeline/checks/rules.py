"""The rules file: the notice's conditions as versioned data, validated on load.

Thresholds, deadlines and indicator minimums live in YAML (default `rules.yaml` beside this
module) so staff can replace the placeholder 榜单 values without touching code. A bad file stops
the run with one line naming the YAML line at fault (from yaml's node marks), not a traceback.
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from pipeline.errors import RunError

DEFAULT_RULES = Path(__file__).with_name("rules.yaml")

RULE_IDS = (
    "entity.uscc_valid", "entity.type_allowed", "credit.dishonest_debtor", "credit.tax_violation",
    "site.tenure_proof", "site.lease_term", "plan.complete", "consortium.size",
    "consortium.code_contributor", "consortium.application_unit", "seal.present",
    "targets.meet_indicators", "submission.deadline", "district.recommendation",
)
TRACKS = ("innovation_community", "open_source_community")
RuleTrack = Literal["innovation_community", "open_source_community", "bundle"]
EntityType = Literal["enterprise", "public_institution", "social_organization", "park_operator", "other"]


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Thresholds(_Strict):
    low_confidence: float = Field(ge=0.0, le=1.0)
    fuzzy_name: float = Field(gt=0.0, le=100.0)


class EntityRules(_Strict):
    allowed_types: tuple[EntityType, ...] = Field(min_length=1)
    code_prefixes: dict[EntityType, tuple[str, ...]] = {}


class SiteRules(_Strict):
    lease_min_years: float = Field(gt=0)
    lease_max_years: float = Field(default=20, gt=0)  # a term past the legal maximum is read wrong


class ConsortiumRules(_Strict):
    min_members: int = Field(ge=1)
    leads: int = Field(ge=1)
    min_code_contributors: int = Field(ge=0)
    min_application_units: int = Field(ge=0)


class Dates(_Strict):
    deadline: dt.date
    # A declared date before this is a misread year, not an early submission: review, never pass.
    earliest_declared: dt.date | None = None
    district_deadline: dt.date
    public_notice_workdays: int = Field(ge=1)


class Indicator(_Strict):
    name: str = Field(min_length=1)
    unit: str
    min: float
    placeholder: bool = False
    aliases: tuple[str, ...] = ()


class Rule(_Strict):
    clause: str
    tracks: tuple[RuleTrack, ...] = Field(min_length=1)
    per_unit: bool = False
    requirement: str = Field(min_length=1)


class Rules(_Strict):
    version: str = Field(min_length=1)
    notice: str = ""
    thresholds: Thresholds
    entity: EntityRules
    site: SiteRules
    consortium: ConsortiumRules
    dates: Dates
    plan_sections: dict[str, str] = Field(min_length=1)
    indicators: dict[Literal["innovation_community", "open_source_community"], tuple[Indicator, ...]]
    unit_classes: dict[str, dict[str, float]] = {}
    """base unit → {spelling: factor to the base}: units that mean the same quantity."""
    seal_place_roles: dict[str, Literal["applicant", "all", "none", "lead", "code_contributor", "application_unit"]] = {}
    """Word in a seal place's label (申报单位（盖章）) → whose place it is, first match wins (`seal_rule`)."""
    rules: dict[str, Rule]
    source: str = ""
    """Path the rules were loaded from (set by load_rules, for the report)."""

    @field_validator("rules")
    @classmethod
    def _every_rule_id(cls, rules: dict[str, Rule]) -> dict[str, Rule]:
        missing = [r for r in RULE_IDS if r not in rules]
        unknown = [r for r in rules if r not in RULE_IDS]
        if missing or unknown:
            parts = []
            if missing:
                parts.append("missing rule ids: " + ", ".join(missing))
            if unknown:
                parts.append("unknown rule ids: " + ", ".join(unknown))
            raise ValueError("; ".join(parts))
        return rules

    def applies(self, rule_id: str, track: str) -> bool:
        return track in self.rules[rule_id].tracks

    def requirements(self) -> dict[str, str]:
        """rule id → requirement text, for the reviewer sheet."""
        return {k: r.requirement for k, r in self.rules.items()}

    @field_validator("unit_classes")
    @classmethod
    def _positive_factors(cls, classes: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
        bad = [f"{base}.{u}" for base, spellings in classes.items() for u, k in spellings.items() if not k > 0]
        if bad:
            raise ValueError("unit factors must be > 0: " + ", ".join(bad))
        return classes

    def unit_spellings(self, unit: str) -> tuple[str, ...]:
        """Every spelling of the class `unit` belongs to (just `unit` when it has none)."""
        base = self._class_of(unit)
        return tuple(self.unit_classes[base]) if base else (unit,)

    def unit_factors(self, unit: str) -> dict[str, float]:
        """Every spelling of `unit`'s class → the factor that turns a value in it into `unit`
        (for 人: 名 → 1, 万人 → 10000); {unit: 1} when it has no class."""
        base = self._class_of(unit)
        if base is None:
            return {unit: 1.0}
        return {_key(u): v for u in self.unit_classes[base] if (v := self.convert(1.0, u, unit)) is not None}

    def _class_of(self, unit: str) -> str | None:
        key = _key(unit)
        for base, spellings in self.unit_classes.items():
            if key == _key(base) or key in {_key(u) for u in spellings}:
                return base
        return None

    def convert(self, value: float, unit: str, to: str) -> float | None:
        """`value` written in `unit` expressed in `to` (1.2 万人 → 12000 人, 45 名 → 45 人); None when
        the two units are not of one class (a reviewer must look). An empty unit is taken as `to`."""
        if not unit or _key(unit) == _key(to):
            return value
        base = self._class_of(to)
        if base is None or self._class_of(unit) != base:
            return None
        factors = {_key(u): k for u, k in self.unit_classes[base].items()}
        factors.setdefault(_key(base), 1.0)
        return value * factors[_key(unit)] / factors[_key(to)]

    def indicator_for(self, track: str, text: str) -> Indicator | None:
        """The indicator whose name or alias equals `text` (NFKC, spaces removed)."""
        key = _key(text)
        for ind in self.indicators.get(track, ()):  # type: ignore[call-overload]
            if key == _key(ind.name) or key in {_key(a) for a in ind.aliases}:
                return ind
        return None


def _key(text: str) -> str:
    import unicodedata

    return "".join(unicodedata.normalize("NFKC", text or "").split())


def _node_at(node: yaml.Node | None, loc: tuple) -> yaml.Node | None:
    """The YAML node along a pydantic error location: the key of the last mapping step (its line
    is where a reader looks), or the deepest node that exists."""
    best = node
    for part in loc:
        nxt = key = None
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if str(k.value) == str(part):
                    key, nxt = k, v
                    break
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            nxt = node.value[part]
        if nxt is None:
            break
        node, best = nxt, (key or nxt)
    return best


def _line_of(node: yaml.Node | None) -> int:
    return node.start_mark.line + 1 if node is not None else 1


def parse_rules(text: str, source: str = "<rules>") -> Rules:
    """Validate rules YAML text; RunError with 'source:line: problem' on any fault."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise RunError(f"规则文件格式错误 / rules file is not valid YAML: {source}:{line}: {problem}") from None
    if not isinstance(data, dict):
        raise RunError(f"规则文件为空或不是映射 / rules file must be a YAML mapping: {source}:{_line_of(root)}")
    data = {**data, "source": source}
    try:
        return Rules.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(p for p in err["loc"])
        line = _line_of(_node_at(root, loc))
        where = ".".join(str(p) for p in loc) or "(top)"
        more = f" (+{exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise RunError(
            f"规则文件校验失败 / invalid rules file: {source}:{line}: {where}: {err['msg']}{more}"
        ) from None


def load_rules(path: Path | None = None) -> Rules:
    """Load and validate a rules file (the shipped default when `path` is None)."""
    p = Path(path) if path is not None else DEFAULT_RULES
    if path is None:
        return _default()
    return _read(p)


def _read(p: Path) -> Rules:
    try:
        text = p.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise RunError(f"规则文件不存在 / rules file not found: {p}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RunError(f"无法读取规则文件 / cannot read rules file: {p}: {exc.__class__.__name__}") from None
    return parse_rules(text, str(p))


@lru_cache(maxsize=1)
def _default() -> Rules:
    return _read(DEFAULT_RULES)
