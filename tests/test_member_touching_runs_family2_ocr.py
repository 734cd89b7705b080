"""A unit name RapidOCR returned as two touching runs of one line (dev seed 1306 #003, JPEG folder):
the cover's 联合体牵头单位（盖章） 重庆市悦来数字化转型促进中心, a seal's arc across the name, came back
as 重庆市悦来 | 数字化转型促进中心; the tail alone ends like a unit's name and became a second lead
(consortium.size review: 牵头单位有2家). Two touching runs of one line making one whole name, the head
naming no unit and no role, are read joined (name_runs.touching_runs). Through the real rendered
pages, and a pure test."""
from __future__ import annotations

from family2_pages import planned_facts

from pipeline.extract.name_runs import touching_runs as _touching_runs
from pipeline.extract.layout import Cell


def test_a_name_split_under_a_seal_is_one_member(tmp_path):
    exp, facts = planned_facts(tmp_path, 1306, 12, 2, ("cover", "members", "agreement", "signing"))
    want = {m["name"] for m in exp["consortium"]}
    got = {m.name.value for m in facts.consortium}
    assert got == want, got


def _c(text, x0, x1, origin=3):
    return Cell(text, text, "f", 1, (x0, 0.48, x1, 0.5), 0.99, "ocr", origin)


def test_touching_runs():
    row = (_c("联合体牵头单位（盖章）", 0.12, 0.35, 2), _c("重庆市悦来", 0.383, 0.499), _c("数字化转型促进中心", 0.499, 0.686))
    assert [c.text for c in _touching_runs(row)] == ["联合体牵头单位（盖章）", "重庆市悦来数字化转型促进中心"]
    # apart, of two lines, or a head that is a role or a unit of its own: as read
    for cells in ((_c("重庆市悦来", 0.383, 0.47), _c("数字化转型促进中心", 0.499, 0.686)),
                  (_c("重庆市悦来", 0.383, 0.499, 4), _c("数字化转型促进中心", 0.499, 0.686)),
                  (_c("牵头单位", 0.383, 0.499), _c("重庆市悦来数字化转型促进中心", 0.499, 0.686)),
                  (_c("重庆青禾科技有限公司", 0.2, 0.499), _c("重庆市悦来数字化转型促进中心", 0.499, 0.686))):
        assert _touching_runs(cells) == cells
