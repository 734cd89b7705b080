"""A lessor's seal over its own label, whose brackets the seal's ink garbled, is not the lessee's (seal.present,
pipeline/extract/seals/assemble.associate_places). Dev seed 1491 #006, a Word file with a greyscale scan of the
lease contract pasted in, the applicant (the lessee) with no seal of its own: 出租人（盖章）： under the lessor's
seal read 出租人盖章物联科支有, no place; the seal, found by shape and unread, went to 承租人（盖章）： beside it
(within reach), the applicant's place, and seal.present passed — a false eligible. The bracketless label of a
signing party is a place for the seal on it; the applicant's seal is then not found: fail or review, never pass.
Through the submission written as the bundle writes it and read by the real reader and seal stage."""
from __future__ import annotations

import re

from family2_pages import analyse_planned_submission

from pipeline.extract.seals.assemble import settings


def test_lessors_seal_over_its_garbled_label_is_not_the_applicants(tmp_path):
    sub, facts, checks = analyse_planned_submission(tmp_path, 1491, 12, 5)
    assert sub.fmt == "docx" and "missing_seal" in sub.truth["defects"]
    applicant = sub.truth["expected"]["applicant"]["name"]
    status = {c.unit: c.status for c in checks if c.rule == "seal.present"}
    assert status.get(applicant) in ("fail", "review"), [(c.unit, c.status, c.detail) for c in checks
                                                       if c.rule == "seal.present"]


def test_bare_place_pattern():
    bare = re.compile(settings()["bare_place_pattern"])
    assert bare.search("出租人盖章物联科支有").group(0) == "出租人盖章"
    assert bare.search("甲方盖章：")
    for prose in ("本合同自双方签字盖章后生效", "请在骑缝处盖章", "四、本合同自双方签字盖章后生效"):
        assert not bare.search(prose)
