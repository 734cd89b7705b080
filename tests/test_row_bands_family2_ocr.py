"""Rows of a scanned page whose edge carries a 骑缝章 (pipeline.extract.row_bands), read through the real
reader from the bundle's own TIFF with its straddle seal stamped. Dev seed 1422 #011: the seal's arc text
at the page edge (技有限公司, a box four text lines tall) joined the row of 4年度开源活动 and widened its
band over the next row, so 4年度开源活动 and 5开源项目产业化应用 became one row and both targets were lost
(targets.meet_indicators review, verdict needs_review for eligible)."""
from __future__ import annotations

from family2_pages import read_planned_submission

from pipeline.checks.engine import run_checks
from pipeline.checks.rules import load_rules
from pipeline.extract import extract_facts
from pipeline.extract.layout_cells import Cell
from pipeline.extract.row_bands import cluster_rows
from pipeline.process import indicator_specs

RULES = load_rules()


def _cell(text, y0, y1, x0=0.1, x1=0.3):
    return Cell(text, text, "f", 1, (x0, y0, x1, y1), 0.99, "ocr", 0)


def test_a_tall_cell_joins_one_row_and_widens_none():
    rows = [_cell(f"r{k}", 0.2 + 0.03 * k, 0.22 + 0.03 * k) for k in range(5)]
    tall = _cell("技有限公司", 0.225, 0.34, 0.92, 1.0)
    got = [sorted(c.text for c in r) for r in cluster_rows([*rows, tall])]
    assert [[t for t in r if t.startswith("r")] for r in got] == [["r0"], ["r1"], ["r2"], ["r3"], ["r4"]]
    assert sum("技有限公司" in r for r in got) == 1


def test_targets_beside_a_straddle_seals_arc_text_through_ocr(tmp_path):
    sub, doc = read_planned_submission(tmp_path, 1422, 12, 10, straddle=True)
    assert sub.fmt == "tiff" and sub.straddle
    _targets_read_and_met(sub, doc)


def test_rows_of_a_skewed_table_parted_by_a_rule_read_in_pieces_through_ocr(tmp_path):
    """Dev seed 1426 #012 (TIFF): the rule between rows 3 and 4 of a skewed targets table came as pieces
    stepping in height, none covering the row's width; the rules above row 3 and below row 4 did, so
    both lines were taken for one ruled row and joined (3年度创新创业活动4带动就业人数 | 24360): both
    targets lost (verdict needs_review for eligible). A piece over a quarter of the width parts them
    (pipeline.extract.ruled_rows.PIECE_COVER)."""
    sub, doc = read_planned_submission(tmp_path, 1426, 12, 11, straddle=True)
    _targets_read_and_met(sub, doc)


def _targets_read_and_met(sub, doc) -> None:
    """Every planned target read as written, and the targets rule passing on them."""
    facts = extract_facts([doc], indicators=indicator_specs(RULES))
    want = {t["indicator"]: (t["value"], t["unit"]) for t in sub.truth["expected"]["targets"]}
    got = {t.indicator: (t.value, t.unit) for t in facts.targets}
    assert got == want, got
    status = {r.rule: r.status for r in run_checks(facts, RULES, None) if r.rule == "targets.meet_indicators"}
    assert status == {"targets.meet_indicators": "pass"}
