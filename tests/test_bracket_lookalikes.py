"""A bracket OCR read as a look-alike inside a unit name (seed 930 #003, a TIFF member table: 晴川云计算《重庆）
有限公司 — the name regex stopped at 《 and the member became 重庆）有限公司, a fourth unit beside the agreement's
晴川云计算（重庆）有限公司). layout.norm mends an opening look-alike closed by ')' and the reverse (labels.yaml
`bracket_lookalikes`); book-title marks around a title stay."""
from __future__ import annotations

import pytest

from pipeline.extract.fields import find_names
from pipeline.extract.layout import norm

from family2_pages import read_planned_submission


@pytest.mark.parametrize("read, mended", [
    ("晴川云计算《重庆）有限公司", "晴川云计算(重庆)有限公司"),
    ("晴川云计算（重庆〉有限公司", "晴川云计算(重庆)有限公司"),
    ("汇川数码科技【重庆)有限公司", "汇川数码科技(重庆)有限公司"),
])
def test_a_look_alike_bracket_partnered_by_a_round_one_is_round(read, mended):
    assert norm(read) == mended
    assert [n for n, *_ in find_names(norm(read))] == [mended.replace("(", "（").replace(")", "）")]


@pytest.mark.parametrize("text", ["制定《社区入驻管理办法》（试行）", "《重庆日报》", "附件〈一〉"])
def test_titles_and_their_marks_stay(text):
    assert norm(text) == norm(text.replace("（", "(").replace("）", ")"))
    assert "《" in norm(text) or "〈" in norm(text)


def test_member_named_with_a_look_alike_bracket_on_a_scan(tmp_path):
    """The whole TIFF as the bundle writes it (a page subset does not reproduce the 《)."""
    from pipeline.checks.rules import load_rules
    from pipeline.extract import extract_facts
    from pipeline.process import indicator_specs

    sub, doc = read_planned_submission(tmp_path, 930, 12, 2)
    facts = extract_facts([doc], indicators=indicator_specs(load_rules()))
    names = sorted(u.name.value for u in facts.consortium)
    assert names == sorted(m["name"] for m in sub.truth["expected"]["consortium"]), names
