"""Member codes in a scanned family-1 member table whose last character wrapped under the cell (dev seed
1522 #10, image PDF): RapidOCR read 91500108MARP692U4 应用单位 over the code and role cells, and the column
rule cut the code by the share of width 91500108MARP69 | 2U4 (a code's characters are narrower than that
share takes them): the member's code was lost (uscc_valid review). A rule inside a code-shaped run cuts
at its nearer end (`grid._run_end`). Through the seed's real rendered page."""
from __future__ import annotations

from family1_pages import planned_facts


def test_member_codes_kept_whole_at_the_column_rule(tmp_path):
    exp, facts = planned_facts(tmp_path, 1522, 10, ("members",))
    want = {m["name"]: m["uscc"] for m in exp["consortium"]}
    assert {u.name.value: u.uscc.value for u in facts.consortium} == want
