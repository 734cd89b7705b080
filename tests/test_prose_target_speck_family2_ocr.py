"""A speck between a prose target's name and its comparator read as an underscore (dev seed 1492 #002, JPEG
folder): 1、入驻软件企业（含团队）_≥120家； was no target, 入驻企业数量 was "not found" and targets.meet_indicators
a review. `_` is one of labels.yaml name_specks: never part of a name, one may stand before the comparator."""
from __future__ import annotations

from pathlib import Path

from pipeline.checks.rules import load_rules
from pipeline.extract import extract_facts
from pipeline.extract.config import labels
from pipeline.extract.target_shapes import _prose_re
from pipeline.process import indicator_specs

from family2_pages import read_planned_folder


def test_prose_target_after_an_underscore_speck_is_read(tmp_path: Path):
    sub, docs = read_planned_folder(tmp_path, 1492, 12, 1, ("targets",))
    rules = load_rules()
    facts = extract_facts(docs, indicators=indicator_specs(rules))
    got = {t.indicator: t.value for t in facts.targets if t.matched}
    for want in sub.truth["expected"]["targets"]:
        if want["matched"]:
            assert got.get(want["indicator"]) == want["value"], (want, got)


def test_underscore_speck_before_the_comparator():
    m = _prose_re(tuple(labels()["target_table"]["units"])).match("1、入驻软件企业(含团队)_≥120家;")
    assert m and m.group("name") == "入驻软件企业(含团队)" and m.group("num") == "120"
