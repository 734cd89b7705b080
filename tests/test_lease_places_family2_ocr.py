"""A lease term written in two places (pipeline/extract/site._lease). Dev seed 1426 #012 (TIFF): the site
page's 租 / 期120个月 wrapped over two lines was read at 0.80 and taken first, the lease contract's
租期120个月 at 0.91 agreed but counted for nothing: site.lease_term a review on a ten-year lease (verdict
needs_review for eligible). Readings that agree: the better one stands. Through the bundle's TIFF."""
from __future__ import annotations

from family2_pages import read_planned_submission

from pipeline.checks.engine import run_checks
from pipeline.checks.rules import load_rules
from pipeline.extract import extract_facts

RULES = load_rules()


def test_the_same_lease_term_in_two_places_keeps_the_better_reading_through_ocr(tmp_path):
    sub, doc = read_planned_submission(tmp_path, 1426, 12, 11, straddle=True)
    facts = extract_facts([doc])
    assert facts.site.lease_years.value == 10 and facts.site.lease_years.confidence >= 0.8, facts.site.lease_years
    got = {r.rule: r.status for r in run_checks(facts, RULES, None) if r.rule == "site.lease_term"}
    assert got == {c["rule"]: c["status"] for c in sub.truth["expected"]["checks"] if c["rule"] == "site.lease_term"} \
        == {"site.lease_term": "pass"}
