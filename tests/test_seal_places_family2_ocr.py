"""Two signature blocks side by side whose labels a recogniser read as one word (甲方（盖章）：乙方（盖章）：,
seed 805 #011 signing page): both places took the whole line's box, so the nearest-pair matching gave
甲方's seal to 乙方 and the rule failed 乙方 for carrying another unit's seal (a false fail on an eligible
application). Through the planned family-2 page read by the real reader, plus a pure test of the span box."""
from __future__ import annotations

from pipeline.checks.rules import load_rules
from pipeline.extract.seals.assemble import _span_bbox
from pipeline.model import Line, Word
from pipeline.process import analyse
from pipeline.reading import read_document
from pipeline.samples import generator as G
from pipeline.samples.family2 import bundle as B


def test_labels_read_as_one_word_each_take_the_seal_under_them(tmp_path):
    plan = B.plan_truth(805, 12)
    sub = next(s for s in plan.submissions if s.kind == "application" and s.app.index == 10)
    keep = [i for i, p in enumerate(sub.pages) if p.kind == "signing"]
    part = G.SubmissionPlan("part.pdf", "image_pdf", "application", [sub.pages[i] for i in keep],
                            [sub.looks[i] for i in keep], sub.family)
    G._render_submission(part, tmp_path)
    res = read_document(tmp_path, "part.pdf")
    facts, _ = analyse([res], rules=load_rules(), credit=None, crops_dir=None, app_dir=None)
    places = {pl.label[:2]: pl for pl in facts.seal_places}
    assert set(places) == {"甲方", "乙方"}
    assert places["甲方"].bbox[2] < places["乙方"].bbox[2]
    left, right = (facts.seals[places[k].seal_index] for k in ("甲方", "乙方"))
    # 甲方's block is the left one: its seal is left of 乙方's
    assert left.bbox[0] < 0.4 < right.bbox[0]


def _line(text, bbox, words):
    return Line(text=text, bbox=bbox, confidence=0.9, words=tuple(words))


def test_span_box_takes_a_words_share_when_the_word_reaches_past_the_span():
    text = "甲方（盖章）：乙方（盖章）："
    one = _line(text, (0.1, 0.1, 0.66, 0.12), [Word(text=text, bbox=(0.1, 0.1, 0.66, 0.12), confidence=0.9)])
    k = text.index("乙方")
    assert _span_bbox(one, 0, k) == (0.1, 0.1, 0.1 + 0.56 * k / len(text), 0.12)
    assert _span_bbox(one, k, len(text))[0] == 0.1 + 0.56 * k / len(text)
    # words that each spell one label keep their own boxes
    two = _line(text, (0.1, 0.1, 0.66, 0.12), [Word(text=text[:k], bbox=(0.1, 0.1, 0.3, 0.12), confidence=0.9),
                                               Word(text=text[k:], bbox=(0.4, 0.1, 0.66, 0.12), confidence=0.9)])
    assert _span_bbox(two, 0, k) == (0.1, 0.1, 0.3, 0.12)
    assert _span_bbox(two, k, len(text)) == (0.4, 0.1, 0.66, 0.12)
