"""A seal at the applicant's place whose unit name beside it OCR garbled (seal.present, pipeline/checks/
seal_rule.own_places). Dev seed 1425 #012, a Word file with greyscale scans pasted in: the 申报单位（盖章）
line read 民有限公司湖斯科技园发博位 under the seal; a place naming a unit was taken as that unit's only, no unit
of the application was that, so the seal found there by shape (unread: no colour) was nobody's and the
applicant's seal.present a review (verdict needs_review for eligible). A name that is no unit of the
application says nothing; the label's role (申报单位 → applicant) says whose the place is. Through the
submission written as the bundle writes it and read by the real reader and seal stage."""
from __future__ import annotations

from family2_pages import analyse_planned_submission



def test_seal_at_the_applicants_place_whose_name_ocr_garbled_is_the_applicants(tmp_path):
    sub, facts, checks = analyse_planned_submission(tmp_path, 1425, 12, 11)
    assert sub.fmt == "docx"
    applicant = sub.truth["expected"]["applicant"]["name"]
    status = {c.unit: c.status for c in checks if c.rule == "seal.present"}
    assert status == {applicant: "pass"}, [(c.unit, c.status, c.detail) for c in checks if c.rule == "seal.present"]
