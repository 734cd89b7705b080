"""A pale seal on a page stored without colour (dev seed 932 #005: the agreement's signing page, a greyscale
picture in a DOCX): its oval outline was too faint in the grey for the Hough circle search's edge threshold,
so no circle lay near it and 丁方 had no seal (seal.present review on an eligible application). Circles are
also looked for on the page's ink, where a faint seal is as black as any; every shape test after that is
unchanged (a ring inked nearly all round, denser than just inside and outside, ink inside)."""
from __future__ import annotations

from pipeline.checks.rules import load_rules
from pipeline.process import analyse
from pipeline.reading import read_document
from pipeline.samples import generator as G
from pipeline.samples.family2 import bundle as B


def test_pale_oval_seal_on_a_grey_docx_picture_is_found(tmp_path):
    sub = next(s for s in B.plan_truth(932, 12).submissions if s.kind == "application" and s.app.index == 4)
    assert sub.fmt == "docx"
    G._render_submission(G.SubmissionPlan("part.docx", sub.fmt, "application", sub.pages, sub.looks, sub.family), tmp_path)
    facts, _ = analyse([read_document(tmp_path, "part.docx")], rules=load_rules(), credit=None, crops_dir=None, app_dir=None)
    places = {pl.label[:2]: pl for pl in facts.seal_places if pl.label[1:2] == "方"}
    assert set(places) == {"甲方", "乙方", "丙方", "丁方"}
    for k, pl in places.items():
        assert pl.seal_index is not None, k
    # four seals on the signing page, each under its own block: none is counted twice
    assert len({places[k].seal_index for k in places}) == 4
