"""A 附件4 form's seal over its own （盖章）, both brackets lost under the ink (dev seed 1502 #013, a greyscale
image PDF: the label read 二盖章 -利和信息行): no seal place was found, so the seal found by its shape alone (low
confidence, no red can show) was a district.recommendation review. A bare 盖章 as a short line of its own is a
place for the seal on it (seals.yaml bare_place_pattern) — and only for that: it never asks for a seal."""
from __future__ import annotations

import re

from pipeline.checks.engine import district_recommendation
from pipeline.checks.rules import load_rules
from pipeline.extract.seals.assemble import settings
from pipeline.process import analyse
from pipeline.reading import read_document
from pipeline.samples import generator as G
from pipeline.samples.family2 import bundle as B


def test_form_sealed_over_its_bracketless_label_passes(tmp_path):
    sub = next(s for s in B.plan_truth(1502, 12).submissions if s.kind == "recommendation_form")
    assert sub.fmt == "image_pdf"
    G._render_submission(G.SubmissionPlan("form.pdf", sub.fmt, sub.kind, sub.pages, sub.looks, sub.family), tmp_path)
    rules = load_rules()
    facts, _ = analyse([read_document(tmp_path, "form.pdf")], rules=rules, credit=None, crops_dir=None, app_dir=None)
    r = district_recommendation([facts], rules)
    assert r.status == "pass", r.detail


def test_bare_label_lines():
    bare = re.compile(settings()["bare_place_pattern"])
    assert bare.search("二盖章 -利和信息行") and bare.search("盖章")
    assert not bare.search("盖章后生效，一式两份，双方各执一份。")
