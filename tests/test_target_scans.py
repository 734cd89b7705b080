"""A transposed targets table on a scan (issue 15, dev seed 662 #011, TIFF): the header's second line
for 代码贡献者 came back with a speck (“人数（人）) whose box starts at 社区开发者's right edge; joined to
both header cells, the two columns' boxes merged, the second column's value (150) went to the first
(社区开发者人数 150 instead of 1500) and 代码贡献者人数 was lost. A run that only touches a header cell
is not its second line. Pure test of target_shapes and the page through the real reader as a TIFF.

Seed 660 #008 (TIFF): the faint 1 of 120 (入驻企业数量) was lost, 20 is under the minimum and the
application was failed on it; its box starts a digit's width right of the column's other values.
Under its minimum such a reading is doubtful (review), not a `fail`."""
from __future__ import annotations

from pipeline.checks.engine import run_checks
from pipeline.checks.rules import load_rules
from pipeline.extract.layout import Cell
from pipeline.extract.target_columns import late_values
from pipeline.extract.target_shapes import _with_second_line
from pipeline.process import indicator_specs

RULES = load_rules()
SPECS = indicator_specs(RULES)


def C(text, x0, x1, y0=0.156, y1=0.175):
    return Cell(text, text, "f", 1, (x0, y0, x1, y1), 0.95, "ocr", 0)


def test_a_run_touching_a_header_cells_edge_is_not_its_second_line():
    head = (C("社区开发者", 0.36, 0.454), C("代码贡献者", 0.46, 0.555), C("开源社区活", 0.57, 0.643), C("开源项目产", 0.66, 0.754))
    second = (C("人数(人)", 0.36, 0.4545, 0.173, 0.189), C("“人数(人)", 0.4535, 0.555, 0.173, 0.189),
              C("动(每年)(场)个)", 0.56, 0.689, 0.173, 0.189))
    got = [c.text for c in _with_second_line(head, second)]
    # a run reaching a third of the way into the next column (its (个) read into the same run) still joins both
    assert got == ["社区开发者人数(人)", "代码贡献者“人数(人)", "开源社区活动(每年)(场)个)", "开源项目产动(每年)(场)个)"]


def _targets_page_as_tiff(tmp_path, seed: int, index: int):
    """(expected truth, facts) of application `index`'s targets page of the 12-application family-2
    bundle of `seed`, rendered with its planned look as a TIFF and read by the real reader."""
    from pipeline.extract import extract_facts
    from pipeline.reading import read_document
    from pipeline.samples import generator as G
    from pipeline.samples.family2 import bundle as B

    plan = B.plan_truth(seed, 12)
    sub = next(s for s in plan.submissions if s.kind == "application" and s.app.index == index)
    keep = [i for i, p in enumerate(sub.pages) if p.kind == "targets"]
    part = G.SubmissionPlan("part.tiff", "tiff", "application", [sub.pages[i] for i in keep],
                            [sub.looks[i] for i in keep], sub.family)
    G._render_submission(part, tmp_path)
    return sub.truth["expected"], extract_facts([read_document(tmp_path, "part.tiff").document], indicators=SPECS)


def test_transposed_header_with_a_specked_second_line_through_ocr(tmp_path):
    exp, facts = _targets_page_as_tiff(tmp_path, 662, 10)
    want = {t["indicator"]: t["value"] for t in exp["targets"]}
    assert {t.indicator: t.value for t in facts.targets} == want


def test_a_value_that_lost_its_first_digit_is_no_fail_through_ocr(tmp_path, monkeypatch):
    """With the cascade's value-cell re-reads off (as on 2c21820), Tesseract's 20 for 120 stands and
    the column guard turns the fail into review; with them on (the default), 120 is read whole."""
    from pipeline.ocr import cascade

    default = cascade.settings
    monkeypatch.setattr(cascade, "settings", lambda: dict(default(), table_value_cells="", dropped_glyph_ink=0))
    (tmp_path / "off").mkdir()
    exp, facts = _targets_page_as_tiff(tmp_path / "off", 660, 7)
    got = {r.rule: r for r in run_checks(facts, RULES, None)}["targets.meet_indicators"]
    assert got.status == "review", got.detail  # the truth is pass: 120, read 20
    t = next(t for t in facts.targets if t.indicator == "入驻企业数量")
    assert "首位数字可能漏识别" in t.evidence[-1].note
    monkeypatch.setattr(cascade, "settings", default)
    (tmp_path / "on").mkdir()
    exp, facts = _targets_page_as_tiff(tmp_path / "on", 660, 7)
    assert {t.indicator: t.value for t in facts.targets} == {t["indicator"]: t["value"] for t in exp["targets"]}


def _t(name, value, x0, text, unit):
    from pipeline.facts import Evidence, Target

    ev = (Evidence(file="f", page=1, bbox=(0.17, 0.2, 0.49, 0.22), text=name, confidence=0.95),
          Evidence(file="f", page=1, bbox=(x0, 0.2, x0 + 0.009 * len(text), 0.22), text=text, confidence=0.95))
    return Target(indicator=name, value=value, unit=unit, written=name, matched=True, evidence=ev)


def test_late_start_in_a_left_aligned_column_under_the_minimum_is_doubtful():
    ind = next(i for i in SPECS if i.name == "入驻企业数量")
    rows = [_t("入驻企业数量", 20, 0.521, "20", ind.unit), _t("孵化场地面积", 4500, 0.511, "4500", "平方米"),
            _t("带动就业人数", 450, 0.511, "不少于450", "人"), _t("年度创新创业活动", 48, 0.510, "48", "场")]
    got = late_values(rows, SPECS)
    assert got[0].evidence[-1].confidence < RULES.thresholds.low_confidence
    assert got[1:] == rows[1:]
    # at the column's start, or at or above the minimum, or in a column whose starts do not agree: as read
    assert late_values([_t("入驻企业数量", 20, 0.511, "20", ind.unit)] + rows[1:], SPECS)[0].evidence[-1].confidence == 0.95
    assert late_values([_t("入驻企业数量", ind.min, 0.521, "120", ind.unit)] + rows[1:], SPECS)[0].evidence[-1].confidence == 0.95
    ragged = [rows[0], _t("孵化场地面积", 4500, 0.50, "4500", "平方米"), _t("带动就业人数", 450, 0.53, "不少于450", "人"),
              _t("年度创新创业活动", 48, 0.56, "48", "场")]
    assert late_values(ragged, SPECS)[0].evidence[-1].confidence == 0.95
