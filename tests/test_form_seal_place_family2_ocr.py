"""A 附件4 form's seal over its own label, the label's closing bracket lost under the ink (dev seed 933 #013, a
greyscale TIFF: （盖章） read 号（盖章): no seal place was found, so the seal found by its shape alone (low
confidence, no red can show) was a review. A place label may lack its closing bracket (seals.yaml place_pattern)."""
from __future__ import annotations

import re

from pipeline.checks.engine import district_recommendation
from pipeline.checks.rules import load_rules
from pipeline.extract.seals.detect import settings
from pipeline.process import analyse
from pipeline.reading import read_document
from pipeline.samples import generator as G
from pipeline.samples.family2 import bundle as B


def test_form_sealed_over_its_label_passes(tmp_path):
    sub = next(s for s in B.plan_truth(933, 12).submissions if s.kind == "recommendation_form")
    G._render_submission(G.SubmissionPlan("form.tiff", sub.fmt, sub.kind, sub.pages, sub.looks, sub.family), tmp_path)
    rules = load_rules()
    facts, _ = analyse([read_document(tmp_path, "form.tiff")], rules=rules, credit=None, crops_dir=None, app_dir=None)
    assert facts.seals and facts.seal_places
    r = district_recommendation([facts], rules)
    assert r.status == "pass", r.detail


def test_place_label_without_its_closing_bracket():
    pat = re.compile(settings()["place_pattern"])
    assert pat.search("号（盖章") and pat.search("申报单位（盖章）：") and pat.search("（公章)")
    assert not pat.search("盖章处见附件") and not pat.search("（章程）")
