"""A speck left of a target value on a scanned family-1 targets table (dev seed 937 #10, image PDF):
OCR boxed ·2000 from inside the 单位 cell, the cut at the column rule shared the box by width (人·20 |
00) and 社区开发者人数 read 0 人 (targets review on an eligible application). A cut inside figures
that only specks precede goes after the specks (`grid._past_specks`). Through the real rendered page."""
from __future__ import annotations

from family1_pages import planned_facts


def test_speck_before_a_value_does_not_cut_it(tmp_path):
    exp, facts = planned_facts(tmp_path, 937, 10, ("targets",))
    want = {t["indicator"]: t["value"] for t in exp["targets"]}
    got = {t.indicator: t.value for t in facts.targets}
    assert got["社区开发者人数"] == 2000
    assert got == want
