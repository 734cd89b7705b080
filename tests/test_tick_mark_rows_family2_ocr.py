"""A filled tick box the engines dropped is put back when the tick row's line box is taller than one row of
glyphs (dev seed 1499 #010, JPEG folder): □企业 ☐事业单位 □社会组织 ■产业园区运营管理机构 / □其他 was read as one
line two rows high, the ■ (a glyph's size) was measured against that height and not taken for a mark, and the
type came from the one option without a box at 0.67 (entity.type_allowed review). The squares are sized
against the glyphs' own height, and only the open boxes in the mark's row place it (tick_marks). Dev seed 1504
#010 (JPEG folder): ■企业 dropped, the open boxes' grey strokes (150–170 in the levelled page) broke up under
the ink threshold, no box anchored the mark (lookalikes.yaml ink_below)."""
from __future__ import annotations

from pathlib import Path

import cv2
import pytest

from pipeline.checks.rules import load_rules
from pipeline.extract import extract_facts
from pipeline.model import Line
from pipeline.ocr.tick_marks import restore_filled_ticks
from pipeline.process import indicator_specs

from family2_pages import read_planned_folder


@pytest.mark.parametrize("seed", [1499, 1504])
def test_entity_type_ticked_in_a_row_read_with_the_next(tmp_path: Path, seed: int):
    sub, docs = read_planned_folder(tmp_path, seed, 12, 9, ("basic_info",))
    rules = load_rules()
    facts = extract_facts(docs, indicators=indicator_specs(rules))
    et = facts.applicant.entity_type
    assert et.value == sub.truth["expected"]["applicant"]["entity_type"]
    assert et.confidence >= rules.thresholds.low_confidence, et


def test_mark_restored_in_a_line_two_rows_high(tmp_path: Path):
    sub, _ = read_planned_folder(tmp_path, 1499, 12, 9, ("basic_info",))
    page = next((tmp_path / "part").iterdir())
    grey = cv2.imread(str(page), cv2.IMREAD_GRAYSCALE)
    # the line as the bundle run read it: both rows of the tick cell in one box
    ln = Line(text="□企业 ☐事业单位 □社会组织 产业园区运营管理机构口其他", bbox=(0.348186, 0.20094, 0.882164, 0.24284),
              confidence=0.9, engine="tesseract", words=())
    assert "■ 产业园区运营管理机构" in restore_filled_ticks([ln], grey)[0].text
