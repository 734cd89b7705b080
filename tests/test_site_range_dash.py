"""A lease period whose dash Tesseract read as 一 (租赁期限：2026.6.1一2028.5.31 at 0.92, not re-read)
is still a date range (labels.yaml site.range_separators): the lease went unread and site.lease_term
said review (family-2 dev seeds 840 #006 image PDF, 842 #002 JPEG scans, where the truth is a 2-year
lease: fail)."""
from __future__ import annotations

import pytest
from family2_pages import planned_facts

from pipeline.checks.engine import run_checks
from pipeline.checks.rules import load_rules
from pipeline.extract.site import _range_re

RULES = load_rules()


@pytest.mark.parametrize("seed, index", [(840, 5), (842, 1)])
def test_lease_period_with_a_dash_read_as_one(tmp_path, seed, index):
    exp, facts = planned_facts(tmp_path, seed, 12, index, ("cover", "site"))
    site = facts.site
    assert (site.lease_start.value.isoformat(), site.lease_end.value.isoformat(), site.lease_years.value) == (
        exp["site"]["lease_start"], exp["site"]["lease_end"], exp["site"]["lease_years"])
    status = {r.rule: r.status for r in run_checks(facts, RULES, None)}["site.lease_term"]
    assert status == next(c["status"] for c in exp["checks"] if c["rule"] == "site.lease_term")


@pytest.mark.parametrize("text, dates", [
    ("租赁期限：2026.6.1一2028.5.31。", ("2026", "6", "1", "2028", "5", "31")),
    ("2026年7月1日——2029年6月30日", ("2026", "7", "1", "2029", "6", "30")),
    ("2026.7.1一一2029.6.30", ("2026", "7", "1", "2029", "6", "30")),
    ("2026年7月1日起至2029年6月30日", ("2026", "7", "1", "2029", "6", "30")),
])
def test_range_separators(text, dates):
    m = _range_re().search(text)
    assert m and (m["y"] or m["y2"], m["m"] or m["m2"], m["d"] or m["d2"],
                  m["b_y"] or m["b_y2"], m["b_m"] or m["b_m2"], m["b_d"] or m["b_d2"]) == dates


def test_no_range_without_two_dates():
    assert _range_re().search("2026.6.1一年内完成") is None
    assert _range_re().search("2026.6.1一2026.6") is None
