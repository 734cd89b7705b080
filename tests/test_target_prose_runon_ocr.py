"""Numbered targets running on in one line (dev seed 933 #011, a JPEG folder: 5.产业化应用项目不少于7项；6.开源人才培训
不低于500人次；以上目标…): only the line's first item was read, the second target was lost. Each item after a ；
is read too. Through a rendered page read by the cascade, and on text."""
from __future__ import annotations

import pytest
from test_extract_meaning import OSS_COVER, facts, page, targets_of

from pages import blank_a4, text_at
from scanned_facts import facts_of_scans
from pipeline.checks.rules import load_rules
from pipeline.ocr.base import get_engine

DPI = 200
S = DPI / 300
ITEMS = ["1.开源项目数量达到15个；", "2.社区开发者人数不低于0.12万人；", "3.活跃代码贡献者不低于400人；",
         "4.年均举办开源技术活动不低于48场；", "5.产业化应用项目不少于7项；6.开源人才培训不低于500人次；以上目标按年度分解落实。"]
WANT = {"产业化应用项目": (7, "个"), "开源人才培训": (500, "人次")}


def _want(got: dict) -> None:
    for k, v in WANT.items():
        assert got.get(k) == v, got
    assert got.get("开源项目数量") == (15, "个") and got.get("社区开发者人数") == (1200, "人")


def test_run_on_items_on_text():
    _want(targets_of(facts(page(OSS_COVER), page(["三、建设目标", *ITEMS], n=2))))


@pytest.fixture(scope="module")
def engine():
    return get_engine("cascade")


def test_run_on_items_on_a_scan(engine):
    cover, d = blank_a4(S)
    text_at(d, 250, 200, "附件3", S)
    text_at(d, 330, 600, OSS_COVER[1], S, 56)
    body, d = blank_a4(S)
    text_at(d, 250, 250, "三、建设目标", S, 52)
    for k, line in enumerate(ITEMS):
        text_at(d, 250, 400 + 90 * k, line, S)
    _want(targets_of(facts_of_scans(engine, [cover, body], load_rules(), dpi=DPI, angle=0.3)))
