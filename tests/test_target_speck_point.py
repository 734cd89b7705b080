"""A speck read as a decimal point inside a target value (seed 929 #010, a JPEG scan: ≥12000 with a speck
on the last 0, read 1200.0 at 0.995): 1200 < 3000 was a false `fail`. Zeros after a point are rarely
written and the point alone decides the fail: such a reading under the minimum is doubtful (review) when
the figure without its point meets the minimum. Pure tests of numeral_doubts and a rendered page through
the real reader (the value printed with its point: what OCR gave on the scan)."""
from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from pipeline.checks.engine import run_checks
from pipeline.checks.rules import load_rules
from pipeline.extract import extract_facts
from pipeline.extract.target_values import numeral_doubts
from pipeline.process import indicator_specs
from pipeline.reading import read_document

RULES = load_rules()
SPECS = indicator_specs(RULES)
AREA = next(i for i in SPECS if i.name == "孵化场地面积")


@pytest.mark.parametrize("num, doubtful", [
    ("1200.0", True),     # 12000 ≥ the minimum without the point
    ("300.00", True),
    ("1200", False),      # no point: as read
    ("2.50", False),      # digits after the point: a real decimal
    ("200.0", False),     # 2000 is under the minimum either way: the fail stands on evidence
])
def test_zero_decimals_under_the_minimum(num, doubtful):
    factor, notes = numeral_doubts(num, float(num), AREA)
    assert (factor < 1.0 and any("小数点可能是扫描污点" in n for n in notes)) == doubtful, notes
    assert numeral_doubts(num, float(num) * 100, AREA) == (1.0, []) or float(num) * 100 < AREA.min / 10


LINES = ["软件和信息服务领域创新创业社区建设运营“揭榜挂帅”申报书", "预期目标", "对照榜单考核要求，本单位在建设周期内拟完成以下目标：", "1、入驻企业（团队）数量不低于30户；",
         "2、孵化场地面积≥{area}平方米；", "3、年均开展创业沙龙、路演等双创活动不低于36次；", "4、带动就业人数不少于300人；"]


def _facts(tmp_path: Path, area: str):
    font = ImageFont.truetype("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 50)
    img = Image.new("RGB", (2480, 1100), "white")
    draw = ImageDraw.Draw(img)
    for k, t in enumerate(LINES):
        draw.text((200, 100 + 110 * k), t.format(area=area), font=font, fill="black")
    img.save(tmp_path / "targets.png", dpi=(300, 300))
    doc = read_document(tmp_path, "targets.png", engine="tesseract").document
    return extract_facts([doc], indicators=SPECS)


def _check(facts):
    return {r.rule: r for r in run_checks(facts, RULES, None)}["targets.meet_indicators"]


def test_a_point_with_only_zeros_after_it_carries_no_fail(tmp_path: Path):
    facts = _facts(tmp_path, "1200.0")
    t = next(t for t in facts.targets if t.indicator == AREA.name)
    assert t.value == 1200 and "小数点可能是扫描污点" in t.evidence[-1].note, t
    got = _check(facts)
    assert got.status == "review" and "孵化场地面积1200平方米低于3000平方米" in got.detail, got.detail


def test_a_value_under_the_minimum_without_a_point_still_fails(tmp_path: Path):
    got = _check(_facts(tmp_path, "1200"))
    assert got.status == "fail" and "孵化场地面积1200平方米低于3000平方米" in got.detail, got.detail
