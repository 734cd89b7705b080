"""A transposed targets table on a scan (issue 15, dev seed 662 #011, TIFF): the header's second line
for 代码贡献者 came back with a speck (“人数（人）) whose box starts at 社区开发者's right edge; joined to
both header cells, the two columns' boxes merged, the second column's value (150) went to the first
(社区开发者人数 150 instead of 1500) and 代码贡献者人数 was lost. A run that only touches a header cell
is not its second line. Pure test of target_shapes and the page through the real reader as a TIFF."""
from __future__ import annotations

from pipeline.checks.rules import load_rules
from pipeline.extract.layout import Cell
from pipeline.extract.target_shapes import _with_second_line
from pipeline.process import indicator_specs

SPECS = indicator_specs(load_rules())


def C(text, x0, x1, y0=0.156, y1=0.175):
    return Cell(text, text, "f", 1, (x0, y0, x1, y1), 0.95, "ocr", 0)


def test_a_run_touching_a_header_cells_edge_is_not_its_second_line():
    head = (C("社区开发者", 0.36, 0.454), C("代码贡献者", 0.46, 0.555), C("开源社区活", 0.57, 0.643), C("开源项目产", 0.66, 0.754))
    second = (C("人数(人)", 0.36, 0.4545, 0.173, 0.189), C("“人数(人)", 0.4535, 0.555, 0.173, 0.189),
              C("动(每年)(场)个)", 0.56, 0.689, 0.173, 0.189))
    got = [c.text for c in _with_second_line(head, second)]
    # a run reaching a third of the way into the next column (its (个) read into the same run) still joins both
    assert got == ["社区开发者人数(人)", "代码贡献者“人数(人)", "开源社区活动(每年)(场)个)", "开源项目产动(每年)(场)个)"]


def test_transposed_header_with_a_specked_second_line_through_ocr(tmp_path):
    from pipeline.extract import extract_facts
    from pipeline.reading import read_document
    from pipeline.samples import generator as G
    from pipeline.samples.family2 import bundle as B

    plan = B.plan_truth(662, 12)
    sub = next(s for s in plan.submissions if s.kind == "application" and s.app.index == 10)
    keep = [i for i, p in enumerate(sub.pages) if p.kind == "targets"]
    part = G.SubmissionPlan("part.tiff", "tiff", "application", [sub.pages[i] for i in keep],
                            [sub.looks[i] for i in keep], sub.family)
    G._render_submission(part, tmp_path)
    facts = extract_facts([read_document(tmp_path, "part.tiff").document], indicators=SPECS)
    want = {t["indicator"]: t["value"] for t in sub.truth["expected"]["targets"]}
    assert {t.indicator: t.value for t in facts.targets} == want
