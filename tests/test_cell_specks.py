"""A table rule's residue read as a speck word inside a cell (。” at 0.05 before 孵化场地面积 in a transposed target
table, dev seed 1360 #004, JPEG scan): the cell's confidence fell to 0.76 and the met target became a review.
A cell's confidence is its words' character-weighted mean with its speck words (labels.yaml line_specks) aside,
unless the cell holds only specks. A pure test of layout._mean_conf and the page through the real reader."""
from __future__ import annotations

from pathlib import Path

from pipeline.checks.engine import run_checks
from pipeline.checks.rules import load_rules
from pipeline.extract.layout import _mean_conf
from pipeline.model import Word

from family2_pages import planned_facts


def _w(text, conf):
    return Word(text=text, bbox=(0.1, 0.1, 0.2, 0.2), confidence=conf)


def test_speck_words_hold_no_doubt():
    assert _mean_conf([_w("。”", 0.05), _w("孵化场地面积", 1.0)]) == 1.0
    assert _mean_conf([_w("。", 0.2)]) == 0.2                       # only specks: their own
    assert abs(_mean_conf([_w("孵化", 0.5), _w("场地", 1.0)]) - 0.75) < 1e-9
    assert _mean_conf([_w(".", 0.1), _w("45", 1.0)]) < 1.0            # a point is a value's doubt


def test_a_met_target_beside_a_rules_residue_passes(tmp_path: Path):
    expected, facts = planned_facts(tmp_path, 1360, 12, 3, ("cover", "targets"))
    planned = next(c["status"] for c in expected["checks"] if c["rule"] == "targets.meet_indicators")
    got = {r.rule: r for r in run_checks(facts, load_rules(), None)}["targets.meet_indicators"]
    assert planned == got.status == "pass", got.detail
