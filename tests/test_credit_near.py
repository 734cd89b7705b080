"""Credit safety (issue 15): a listed unit whose code OCR read with one look-alike error (8/B, 1/7 …) is
never `pass` — a listed code one look-alike from any reading of the unit's code (the value, the
reading a correction replaced) is at least `review` naming the listed entry."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from pipeline import uscc
from pipeline.checks.credit import CreditIndex, load_credit_list
from pipeline.checks.rules import load_rules
from pipeline.checks.unit_rules import check_credit
from pipeline.facts import Evidence, Fact, Unit

RULES = load_rules()
LISTED_NAME, LISTED = "重庆失信科技有限公司", "91500000MA5UA3W18Q"
HEADER = "序号,被执行人姓名/名称,身份证号码/组织机构代码,执行法院,案号,发布时间"


def _index(tmp: Path, rows: list[tuple[str, str]]) -> CreditIndex:
    lines = [HEADER] + [f"{k + 1},{n},{c},重庆市第一中级人民法院,(2025)渝01执{k + 1}号,2025-03-01"
                        for k, (n, c) in enumerate(rows)]
    p = tmp / "debtors.csv"
    p.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return CreditIndex.build([load_credit_list(p)])


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    bodies = [f"MA5U{k:04d}" for k in range(40)]
    filler = [(f"重庆填充{k}号贸易有限公司", uscc.complete("91500107" + b + uscc.org_code_check(b))) for k, b in enumerate(bodies)]
    return _index(tmp_path_factory.mktemp("credit"), [(LISTED_NAME, LISTED), *filler])


def unit(name: str, value: str, read_as: str, conf: float = 0.95) -> Unit:
    ev = Evidence(file="a.pdf", page=1, bbox=(0.3, 0.2, 0.6, 0.22), text=read_as, confidence=conf)
    return Unit(name=Fact(value=name, confidence=conf, evidence=(ev.model_copy(update={"text": name}),)),
                uscc=Fact(value=value, confidence=conf, evidence=(ev,)))


def test_a_code_read_one_look_alike_off_a_listed_code_is_review_naming_the_entry(index):
    misread = "91500000MA5UA3W78Q"  # 1 read as 7; the name read as another unit's
    r = check_credit("credit.dishonest_debtor", "dishonest_debtor", unit("重庆云帆科技有限公司", misread, misread),
                     "申报单位", RULES, index)
    assert r.status == "review" and LISTED_NAME in r.detail and "易混" in r.detail, r.detail


def test_a_corrected_code_whose_raw_reading_is_listed_is_review(index):
    # the list holds the reading the correction replaced (a listed pilot code, or the list's own typo)
    got = uscc.suspected("91500000MA5UA3W78Q")[0]
    u = unit("重庆云帆科技有限公司", got, "91500000MA5UA3W78Q")
    r = check_credit("credit.dishonest_debtor", "dishonest_debtor", u, "申报单位", RULES, index)
    if got == LISTED:
        assert r.status == "fail"  # the corrected code is the listed one: matched by code
    else:
        assert r.status == "review", r.detail


def test_an_exact_code_match_still_fails_and_a_far_code_still_passes(index):
    r = check_credit("credit.dishonest_debtor", "dishonest_debtor", unit("重庆云帆科技有限公司", LISTED, LISTED),
                     "申报单位", RULES, index)
    assert r.status == "fail"
    far = "91110108551385082Q"
    r = check_credit("credit.dishonest_debtor", "dishonest_debtor", unit("重庆云帆科技有限公司", far, far),
                     "申报单位", RULES, index)
    assert r.status == "pass", r.detail


CODES = st.builds(lambda body: uscc.complete(body[:8] + body[8:16] + uscc.org_code_check(body[8:16])),
                  st.tuples(st.sampled_from(["91500000", "91500106", "12500000", "52500103"]),
                            st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=8, max_size=8))
                  .map(lambda t: t[0] + t[1]))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(code=CODES, where=st.integers(0, 17), pick=st.integers(0, 5), conf=st.floats(0.5, 1.0),
       name=st.sampled_from(["", "重庆云帆科技有限公司", "重庆失信科枝有限公司"]))
def test_property_a_listed_unit_read_with_one_look_alike_error_is_never_pass(tmp_path_factory, code, where, pick,
                                                                              conf, name):
    alts = uscc.lookalikes(code[where])
    if not alts or not uscc.is_valid(code):
        return
    read = code[:where] + alts[pick % len(alts)] + code[where + 1:]
    idx = _cached_index(tmp_path_factory, code)
    # what the pipeline may hold as the value: the reading, or any valid code one look-alike from it
    for value in [read, *uscc.suspected(read)]:
        u = unit(name or "重庆云帆科技有限公司", value, read, conf)
        r = check_credit("credit.dishonest_debtor", "dishonest_debtor", u, "申报单位", RULES, idx)
        assert r.status != "pass", (code, read, value, r.detail)


_INDEXES: dict[str, CreditIndex] = {}


def _cached_index(factory, code: str) -> CreditIndex:
    if code not in _INDEXES:
        _INDEXES[code] = _index(factory.mktemp("p"), [("重庆失信科技有限公司", code)])
    return _INDEXES[code]


def test_a_pass_on_a_shakily_read_code_says_so(index):
    """A member code joined from two OCR parts (confidence ~0.79) is compared by name and near codes
    too; a pass then says the code was uncertain rather than passing silently."""
    far = "91110108551385082Q"
    r = check_credit("credit.dishonest_debtor", "dishonest_debtor", unit("重庆云帆科技有限公司", far, far, 0.79),
                     "成员单位", RULES, index)
    assert r.status in ("pass", "review") and ("置信度" in r.detail or "不可靠" in r.detail), r.detail
