"""Classes of declared targets lost or doubted on family-2 booklets (session 7), each on built pages:
a 万 before the unit (5000万元 is 5000 万元, not 50000000 元), names whose head noun follows a list of
examples (创业沙龙、路演等双创活动) or an 活跃 qualifier — matched fully, so a well-read row is no
`review` for a fuzzy name."""
from __future__ import annotations

import pytest

from pipeline.checks import engine as E
from pipeline.extract.target_values import indicator_key, match_indicator, value_of
from test_extract_meaning import COVER, OSS_COVER, RULES, SPECS, facts, page, targets_of


@pytest.mark.parametrize("cell, want", [
    ("5000万元", (5000, "万元")), ("1.2万人", (1.2, "万人")), ("0.5万平方米", (0.5, "万平方米")),
    ("五千万元", (5000, "万元")), ("12万", (120000, "")), ("3600平方米", (3600, "平方米")),
])
def test_wan_before_a_unit_belongs_to_the_unit(cell, want):
    assert value_of(cell)[:2] == want


@pytest.mark.parametrize("written, key", [("年均开展创业沙龙、路演等双创活动", "双创活动"),
                                          ("活跃代码贡献者", "代码贡献者"), ("入驻企业等", "入驻企业等")])
def test_head_noun_after_a_list_of_examples_or_a_qualifier(written, key):
    assert indicator_key(written) == key


@pytest.mark.parametrize("written, name", [("年均开展创业沙龙、路演等双创活动", "年度创新创业活动"),
                                           ("活跃代码贡献者", "代码贡献者人数")])
def test_such_names_match_fully(written, name):
    ind, score = match_indicator(written, SPECS)
    assert (ind.name, score) == (name, 100)


def test_well_read_rows_with_such_names_pass_and_own_targets_keep_their_unit():
    rows = ["序号 | 指标名称 | 计量单位 | 目标值", "1 | 入驻企业（团队）数量 | 户 | 40", "2 | 孵化场地面积 | ㎡ | 5200",
            "3 | 年均开展创业沙龙、路演等双创活动 | 场次 | 30", "4 | 带动就业人数 | 名 | 350",
            "5 | 服务企业融资额 | / | 5000万元"]
    f = facts(page(COVER, 1), page(rows, 2, source="docx", table=True, conf=0.88))
    assert targets_of(f)["年度创新创业活动"] == (30, "场")
    assert targets_of(f)["服务企业融资额"] == (5000, "万元")
    r = E.check_targets(f, RULES, "innovation_community")
    assert r.status == "pass", r.detail


def test_active_contributors_row_passes():
    rows = ["序号 | 指标名称 | 计量单位 | 目标值", "1 | 开源项目数量 | 个 | 15", "2 | 社区开发者人数 | 人 | 1200",
            "3 | 活跃代码贡献者 | 名 | 150", "4 | 年度开源活动 | 场 | 20", "5 | 产业化应用项目 | 项 | 6"]
    f = facts(page(OSS_COVER, 1), page(rows, 2, source="docx", table=True, conf=0.88))
    assert targets_of(f)["代码贡献者人数"] == (150, "人")
    assert E.check_targets(f, RULES, "open_source_community").status == "pass"
