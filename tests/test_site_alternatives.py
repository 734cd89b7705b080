"""A lease word and an ownership word written as alternatives (附件：场地租赁合同（产权证明）in a
contents list) say nothing about the site's tenure: an owned site was read as leased from that
line (family-2 seed 780, application 008, TIFF). Alternatives are spotted by labels.yaml
site.alternative_joiners; the page's own wording (场地性质为自有) then decides."""
from __future__ import annotations

from family2_pages import planned_facts

from pipeline.extract.site import _alternatives


def test_owned_site_behind_an_attachment_list(tmp_path):
    exp, facts = planned_facts(tmp_path, 780, 12, 7, ("toc", "site", "deed"), "image_pdf")
    assert facts.site.tenure.value == exp["site"]["tenure"] == "owned"


def test_alternatives_but_not_a_lease_that_names_the_deed():
    assert _alternatives("六、附件：场地租赁合同（产权证明）") == [(7, 16)]
    assert _alternatives("租赁合同或产权证明") and _alternatives("场地租赁合同/不动产权证")
    assert _alternatives("本单位场地为自有产权") == []
    assert _alternatives("租赁期限：2025年至2030年，出租方产权证明齐全") == []
