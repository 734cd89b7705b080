"""The shipped rules file encodes the notice; a broken rules file stops the run naming its line."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from pipeline.checks.rules import DEFAULT_RULES, RULE_IDS, load_rules, parse_rules
from pipeline.errors import RunError

TEXT = DEFAULT_RULES.read_text(encoding="utf-8")


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if line.lstrip().startswith(needle))


def test_default_encodes_the_notice():
    r = load_rules()
    assert r.version and r.notice == "渝经信软件〔2026〕9号"
    assert r.dates.deadline == dt.date(2026, 7, 23) and r.dates.district_deadline == dt.date(2026, 7, 27)
    assert r.dates.public_notice_workdays == 5
    assert r.site.lease_min_years == 3
    assert set(r.entity.allowed_types) == {"enterprise", "public_institution", "social_organization", "park_operator"}
    c = r.consortium
    assert (c.min_members, c.leads, c.min_code_contributors, c.min_application_units) == (2, 1, 1, 1)
    assert 0 < r.thresholds.low_confidence < 1 and 50 < r.thresholds.fuzzy_name <= 100
    assert list(r.rules) == list(RULE_IDS)
    for rule in r.rules.values():
        assert rule.clause and rule.requirement and rule.tracks
    assert {k for k, v in r.rules.items() if v.per_unit} == {
        "entity.uscc_valid", "credit.dishonest_debtor", "credit.tax_violation", "seal.present"}


def test_indicators_are_spec_placeholders_with_aliases():
    r = load_rules()
    spec = {"innovation_community": {"入驻企业数量": 30, "孵化场地面积": 3000, "年度创新创业活动": 24, "带动就业人数": 300},
            "open_source_community": {"开源项目数量": 10, "社区开发者人数": 1000, "代码贡献者人数": 100,
                                      "年度开源活动": 12, "产业化应用项目": 5}}
    for track, want in spec.items():
        assert {i.name: i.min for i in r.indicators[track]} == want
        assert all(i.placeholder and i.aliases and i.unit for i in r.indicators[track])
    assert "PLACEHOLDERS" in TEXT and "Staff replace" in TEXT
    assert r.indicator_for("innovation_community", "入驻 企业数").name == "入驻企业数量"
    assert r.indicator_for("open_source_community", "开源项目数") is not None
    assert r.indicator_for("innovation_community", "开源项目数") is None


def test_requirements_feed_the_reviewer_sheet():
    req = load_rules().requirements()
    assert req["site.lease_term"] == "租赁场地的租期不少于3年" and set(req) == set(RULE_IDS)


@pytest.mark.parametrize("old, new, needle, where", [
    ("lease_min_years: 3", "lease_min_years: -3", "lease_min_years", "site.lease_min_years"),
    ("  low_confidence: 0.80", "  low_confidence: high", "low_confidence: high", "thresholds.low_confidence"),
    ("  deadline: 2026-07-23", "  deadline: soon", "deadline: soon", "dates.deadline"),
    ("      min: 1000", "      min: lots", "min: lots", "indicators.open_source_community.1.min"),
    ("  seal.present:", "  seal.absent:", "rules:", "missing rule ids: seal.present"),
    ("allowed_types: [enterprise,", "allowed_types: [company,", "allowed_types", "entity.allowed_types.0"),
    ("    per_unit: true\n    requirement: 申报资料", "    per_unit: true\n    colour: red\n    requirement: 申报资料",
     "colour: red", "seal.present.colour"),
])
def test_invalid_values_name_the_yaml_line(old, new, needle, where):
    assert old in TEXT
    bad = TEXT.replace(old, new, 1)
    with pytest.raises(RunError) as exc:
        parse_rules(bad, "my-rules.yaml")
    msg = str(exc.value)
    assert f"my-rules.yaml:{line_of(bad, needle)}:" in msg and where in msg and "\n" not in msg


def test_yaml_syntax_error_names_the_line(tmp_path: Path):
    p = tmp_path / "r.yaml"
    p.write_text(TEXT.replace("  fuzzy_name: 88", "  fuzzy_name: [88"), encoding="utf-8")
    with pytest.raises(RunError, match=r"not valid YAML: .*r\.yaml:\d+"):
        load_rules(p)


def test_missing_empty_and_non_mapping_files(tmp_path: Path):
    with pytest.raises(RunError, match="not found"):
        load_rules(tmp_path / "none.yaml")
    (tmp_path / "empty.yaml").write_text("", encoding="utf-8")
    with pytest.raises(RunError, match="mapping"):
        load_rules(tmp_path / "empty.yaml")
    (tmp_path / "list.yaml").write_text("- a\n- b\n", encoding="utf-8")
    with pytest.raises(RunError, match="mapping"):
        load_rules(tmp_path / "list.yaml")
    (tmp_path / "bin.yaml").write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(RunError, match="cannot read"):
        load_rules(tmp_path / "bin.yaml")


def test_a_replacement_file_is_used(tmp_path: Path):
    data = yaml.safe_load(TEXT)
    data["version"] = "2026-9.2"
    data["indicators"]["innovation_community"][0].update(min=50, placeholder=False)
    p = tmp_path / "official.yaml"
    p.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    r = load_rules(p)
    assert r.version == "2026-9.2" and r.source == str(p)
    first = r.indicators["innovation_community"][0]
    assert first.min == 50 and not first.placeholder
