"""A seal at the applicant's place whose unit name beside it OCR garbled (seal.present, pipeline/checks/
seal_rule.own_places). Dev seed 1425 #012, a Word file with greyscale scans pasted in: the 申报单位（盖章）
line read 民有限公司湖斯科技园发博位 under the seal; a place naming a unit was taken as that unit's only, no unit
of the application was that, so the seal found there by shape (unread: no colour) was nobody's and the
applicant's seal.present a review (verdict needs_review for eligible). A name that is no unit of the
application says nothing; the label's role (申报单位 → applicant) says whose the place is. Through the
submission written as the bundle writes it and read by the real reader and seal stage."""
from __future__ import annotations

from pipeline.checks.rules import load_rules
from pipeline.process import analyse
from pipeline.reading import read_document
from pipeline.samples import generator as G
from pipeline.samples.family2 import bundle as B


def test_seal_at_the_applicants_place_whose_name_ocr_garbled_is_the_applicants(tmp_path):
    sub = next(s for s in B.plan_truth(1425, 12).submissions if s.kind == "application" and s.app.index == 11)
    assert sub.fmt == "docx"
    G._render_submission(G.SubmissionPlan("part.docx", sub.fmt, "application", sub.pages, sub.looks, sub.family,
                                          sub.straddle), tmp_path)
    facts, checks = analyse([read_document(tmp_path, "part.docx")], rules=load_rules(), credit=None, crops_dir=None,
                            app_dir=None)
    applicant = sub.truth["expected"]["applicant"]["name"]
    status = {c.unit: c.status for c in checks if c.rule == "seal.present"}
    assert status == {applicant: "pass"}, [(c.unit, c.status, c.detail) for c in checks if c.rule == "seal.present"]
