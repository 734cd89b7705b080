"""Target classes of scanned family-2 booklets (session 12), each through a real rendered page:
a ≥ Tesseract read as = in a numbered prose target (每年举办创新创业活动=28场, dev seed 841 #008), and a
transposed header's second row whose last cell crop, stretched to the table's border over bare paper,
took in the foot of the row above's 培 (开源人才培训（人次）培, dev seed 841 #005).
Each target is read as planned and the rule judged as planned."""
from __future__ import annotations

import pytest
from family2_pages import planned_facts

from pipeline.checks.engine import run_checks
from pipeline.checks.rules import load_rules
import numpy as np

from pipeline.extract.target_values import value_of
from pipeline.model import Line, Word
from pipeline.ocr.cascade_crops import glyph_in_strip

RULES = load_rules()


@pytest.mark.parametrize("seed, index", [
    (841, 7),  # （三）每年举办创新创业活动≥28场； read （三）每年举办创新创业活动=28场；
    (841, 4),  # 开源人才培训 | （人次） read as （人次）培 below it
])
def test_targets_and_their_rule_as_planned(tmp_path, seed, index):
    exp, facts = planned_facts(tmp_path, seed, 12, index, ("cover", "targets"))
    got = {t.indicator: (t.value, t.unit) for t in facts.targets}
    want = {t["indicator"]: (t["value"], t["unit"]) for t in exp["targets"]}
    assert got == want
    status = {r.rule: r.status for r in run_checks(facts, RULES, None)}["targets.meet_indicators"]
    assert status == next(c["status"] for c in exp["checks"] if c["rule"] == "targets.meet_indicators")


@pytest.mark.parametrize("text, want", [
    ("=28场", (28.0, "场", "28")),   # ≥ read as =
    ("＝28场", (28.0, "场", "28")),
    ("≥28场", (28.0, "场", "28")),
    ("28=场", None),                  # never inside a value
])
def test_equals_read_for_at_least_is_a_bound(text, want):
    assert value_of(text) == want


def _row(grey, x0, x1, y0, y1):
    grey[y0:y1:2, x0:x1] = 0  # strokes, not a solid block (a column inked over most of the height is a rule)


def test_glyph_in_strip_takes_the_middle_of_the_line_only():
    grey = np.full((200, 400), 255, np.uint8)
    _row(grey, 20, 60, 100, 130)      # the row's own word: two characters of ink
    _row(grey, 20, 60, 70, 95)        # the row above (not this line)
    line = Line(text="人次", bbox=(0.05, 0.5, 0.15, 0.65), confidence=0.9,
                words=(Word(text="人次", bbox=(0.05, 0.5, 0.15, 0.65), confidence=0.9),))
    assert not glyph_in_strip(grey, 60, 380, line, 0.4)     # bare paper to the border
    _row(grey, 200, 215, 98, 106)     # the foot of a glyph of the row above, in the line's top
    assert not glyph_in_strip(grey, 60, 380, line, 0.4)
    _row(grey, 300, 320, 100, 130)    # a glyph Tesseract dropped
    assert glyph_in_strip(grey, 60, 380, line, 0.4)
    grey[:, 350:352] = 0              # a rule alone is no glyph
    assert not glyph_in_strip(grey, 330, 380, line, 0.4)
