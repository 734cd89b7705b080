"""Credit-list exports: every format and encoding written for real, malformed files, matching rules."""
from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline import uscc
from pipeline.checks.credit import CreditIndex, load_credit_list, normalise_name, normalise_names
from pipeline.errors import RunError

HUAWEI, XIAOMI, CHANGAN = "914403001922038216", "91110108551385082Q", "9150000020286320X6"
MA5U = "91500000MA5UA3W18Q"
TENCENT = "91440300708461136T"
# 𠀾 (U+2003E) is outside GBK: only GB18030 / UTF-8 can hold it
RARE = "重庆𠀾鑫软件有限公司"

DEBTOR_HEADER = ["序号", "被执行人姓名/名称", "身份证号码/组织机构代码", "法定代表人或者负责人姓名", "执行法院", "案号",
                 "立案时间", "失信被执行人行为具体情形", "发布时间"]
DEBTOR_ROWS = [
    ["1", "重庆失信科技有限公司", HUAWEI, "张三", "重庆市第一中级人民法院", "(2025)渝01执1号", "2025-01-02", "违反财产报告制度", "2025-03-01"],
    ["2", "重庆旧码（集团）实业有限责任公司", "20286320-X", "李四", "重庆市第五中级人民法院", "(2016)渝05执9号", "2016-01-02", "违反限制消费令", "2016-03-01"],
    ["3", "王五", "5001031980****1234", "", "重庆市渝中区人民法院", "(2024)渝0103执3号", "2024-01-02", "违反限制消费令", "2024-03-01"],
]
TAX_HEADER = ["纳税人名称", "纳税人识别号", "组织机构代码", "注册地址", "案件性质", "主要违法事实", "公布日期", "撤出日期"]
TAX_ROWS = [
    ["重庆偷税（集团）有限公司", "", "", "重庆市渝北区", "偷税", "隐匿收入", "2025-06-01", ""],
    ["重庆已撤出有限公司", XIAOMI, "", "重庆市江北区", "偷税", "隐匿收入", "2023-06-01", "2024-01-01"],
    ["重庆将撤出有限公司", MA5U, "", "重庆市江北区", "偷税", "隐匿收入", "2023-06-01", "2099-01-01"],
]


def write_csv(path: Path, header, rows, encoding: str, delimiter: str = ",") -> Path:
    lines = [delimiter.join(header)] + [delimiter.join(r) for r in rows]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def write_xlsx(path: Path, header, rows, title: str | None = None, numeric_ids: bool = False) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "名单"
    if title:
        ws.append([title])
    ws.append(header)
    for r in rows:
        cells: list = list(r)
        for i, h in enumerate(header):
            if h.endswith(("日期", "时间")) and cells[i]:
                cells[i] = dt.datetime.fromisoformat(cells[i])
            if numeric_ids and h == "序号":
                cells[i] = int(cells[i])
        ws.append(cells)
    wb.save(path)
    return path


# ------------------------------------------------------------------ formats and encodings

@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_encodings_and_kind_detection(tmp_path, encoding):
    p = write_csv(tmp_path / "失信.csv", DEBTOR_HEADER, DEBTOR_ROWS, encoding)
    cl = load_credit_list(p)
    assert cl.kind == "dishonest_debtor" and len(cl) == 3 and not cl.malformed
    assert cl.names[0] == "重庆失信科技有限公司" and cl.usccs[0] == HUAWEI
    assert cl.orgs[1] == "20286320X" and cl.usccs[1] is None  # hyphenated 组织机构代码
    assert cl.usccs[2] is None and cl.orgs[2] is None  # a masked person ID is neither
    assert cl.sha256 == hashlib.sha256(p.read_bytes()).hexdigest()
    assert cl.row_numbers == [2, 3, 4]
    assert cl.fields(0)["执行法院"] == "重庆市第一中级人民法院"


def test_gb18030_keeps_characters_outside_gbk(tmp_path):
    rows = [[*DEBTOR_ROWS[0][:1], RARE, *DEBTOR_ROWS[0][2:]]]
    with pytest.raises(UnicodeEncodeError):
        RARE.encode("gbk")
    cl = load_credit_list(write_csv(tmp_path / "rare.csv", DEBTOR_HEADER, rows, "gb18030"))
    assert cl.names == [RARE]


def test_tab_separated_and_quoted_cells(tmp_path):
    p = tmp_path / "tab.csv"
    p.write_text("纳税人名称\t纳税人识别号\t案件性质\n重庆引号有限公司\t" + MA5U + "\t偷税\n", encoding="utf-8")
    cl = load_credit_list(p)
    assert cl.kind == "tax_violation" and cl.usccs == [MA5U]
    q = tmp_path / "quoted.csv"
    q.write_text(f'纳税人名称,统一社会信用代码,主要违法事实\n"重庆,逗号有限公司",{MA5U},"多行\n事实"\n', encoding="utf-8")
    cl = load_credit_list(q)
    assert cl.names == ["重庆,逗号有限公司"] and cl.fields(0)["主要违法事实"] == "多行\n事实"


@pytest.mark.parametrize("newline", ["\r\n", "\n", "\r"])
def test_unquoted_fast_path_and_csv_module_agree(tmp_path, newline):
    body = newline.join(["被执行人名称,统一社会信用代码,执行法院", f"重庆甲\u2028乙有限公司,{MA5U},法院", "", f"重庆丙有限公司,{HUAWEI},法院"]) + newline
    plain = load_credit_list(_write(tmp_path / "plain.csv", body))
    quoted = load_credit_list(_write(tmp_path / "quoted.csv", body.replace("法院", '"法院"')))
    assert plain.names == quoted.names == ["重庆甲\u2028乙有限公司", "重庆丙有限公司"]
    assert plain.row_numbers == quoted.row_numbers == [2, 4]


def _write(path: Path, text: str) -> Path:
    path.write_bytes(text.encode("utf-8"))
    return path


def test_xlsx_with_title_row_dates_and_removal(tmp_path):
    p = write_xlsx(tmp_path / "税收.xlsx", TAX_HEADER, TAX_ROWS, title="重大税收违法失信主体名单（2026年第3季度）")
    cl = load_credit_list(p, as_of=dt.date(2026, 11, 1))
    assert cl.kind == "tax_violation" and cl.header_row == 2
    assert cl.names == ["重庆偷税（集团）有限公司", "重庆将撤出有限公司"]  # the removed record is not indexed
    assert cl.removed == 1 and cl.row_numbers == [3, 5]
    assert cl.fields(0)["公布日期"] == "2025-06-01"


def test_xlsx_id_columns_stay_text(tmp_path):
    """An ID typed as a number in Excel loses nothing we match on when it is text; numbers print as integers."""
    header = ["被执行人名称", "统一社会信用代码", "执行法院", "序号"]
    rows = [["重庆数字有限公司", HUAWEI, "重庆市第一中级人民法院", "7"]]
    p = write_xlsx(tmp_path / "ids.xlsx", header, rows, numeric_ids=True)
    cl = load_credit_list(p)
    assert cl.usccs == [HUAWEI] and cl.fields(0)["序号"] == "7"


def test_xlsx_long_id_stored_as_number_is_reported_not_trusted(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["纳税人名称", "纳税人识别号", "案件性质"])
    ws.append(["重庆数字化有限公司", 915000002028632000, "偷税"])  # what Excel does to an all-digit code
    ws.append(["重庆文本有限公司", HUAWEI, "偷税"])
    wb.save(tmp_path / "num.xlsx")
    cl = load_credit_list(tmp_path / "num.xlsx")
    assert cl.names == ["重庆数字化有限公司", "重庆文本有限公司"] and cl.usccs == [None, HUAWEI]
    assert [r for r, _ in cl.warnings] == [2] and "失真" in cl.summary()


def test_kind_given_overrides_detection_and_unknown_kind_is_refused(tmp_path):
    p = write_csv(tmp_path / "plain.csv", ["企业名称", "统一社会信用代码"], [["重庆甲有限公司", MA5U]], "utf-8")
    with pytest.raises(RunError, match="名单类型"):
        load_credit_list(p)
    assert load_credit_list(p, kind="重大税收违法失信主体").kind == "tax_violation"
    assert load_credit_list(p, kind="dishonest_debtor").kind == "dishonest_debtor"
    with pytest.raises(RunError, match="unknown credit list kind"):
        load_credit_list(p, kind="黑名单")


# ------------------------------------------------------------------ malformed files

def test_malformed_rows_are_skipped_and_reported(tmp_path):
    p = tmp_path / "bad_rows.csv"
    p.write_text(
        "被执行人姓名/名称,证件号码,执行法院,案号\n"
        f"重庆好行有限公司,{MA5U},法院,(2025)1号\n"
        ",,法院,(2025)2号\n"                               # no name, no code
        f"重庆多列有限公司,{HUAWEI},法院,(2025)3号,多,余\n"   # more cells than the header
        "\n"                                                # blank line: not a row
        f",{XIAOMI},法院,(2025)5号\n",                      # code without a name is kept
        encoding="utf-8")
    cl = load_credit_list(p)
    assert [r for r, _ in cl.malformed] == [3, 4]
    assert cl.names == ["重庆好行有限公司", ""] and cl.usccs == [MA5U, XIAOMI]
    assert "第 3、4 行" in cl.summary()


@pytest.mark.parametrize("content, message", [
    (b"", "为空"),
    (b"   \r\n", "为空"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "二进制"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".xls"),
    ("序号,金额,备注\n1,2,3\n".encode("utf-8"), "名称列"),
    (b"\xff\xfe\xfa\xfb\x81\x30" * 10 + b"\n", "编码"),
    (b"PK\x03\x04not really a zip", "XLSX"),
])
def test_unreadable_files_raise_one_line_run_error(tmp_path, content, message):
    p = tmp_path / "list.csv"
    p.write_bytes(content)
    with pytest.raises(RunError) as exc:
        load_credit_list(p)
    assert message in str(exc.value) and "\n" not in str(exc.value) and str(p) in str(exc.value)


def test_missing_file(tmp_path):
    with pytest.raises(RunError, match="不存在"):
        load_credit_list(tmp_path / "nope.csv")


def test_xlsx_without_name_column(tmp_path):
    p = write_xlsx(tmp_path / "wrong.xlsx", ["序号", "金额"], [["1", "2"]])
    with pytest.raises(RunError, match="名称列"):
        load_credit_list(p)


# ------------------------------------------------------------------ matching

@pytest.fixture()
def index(tmp_path) -> CreditIndex:
    debt = load_credit_list(write_csv(tmp_path / "d.csv", DEBTOR_HEADER, DEBTOR_ROWS, "gbk"))
    tax = load_credit_list(write_xlsx(tmp_path / "t.xlsx", TAX_HEADER, TAX_ROWS), as_of=dt.date(2026, 11, 1))
    return CreditIndex.build([debt, tax], fuzzy_threshold=88)


def test_match_order_uscc_org_exact_fuzzy(index):
    h = index.match("随便什么名称", HUAWEI)
    assert [(x.kind, x.list_kind, x.record.row) for x in h] == [("uscc", "dishonest_debtor", 2)]
    h = index.match(None, CHANGAN)  # org code 20286320X = positions 9–17
    assert h[0].kind == "org_code" and h[0].record.row == 3
    h = index.match(None, "20286320-X")  # a unit known only by its organisation code
    assert h[0].kind == "org_code"
    h = index.match("重庆旧码(集团)实业有限公司", None)  # width, brackets, 有限责任公司
    assert h[0].kind == "exact_name" and not h[0].code_conflict
    h = index.match("重庆偷税集团有限公司", XIAOMI)
    assert h[0].kind == "exact_name" and h[0].list_kind == "tax_violation" and h[0].record.fields["案件性质"] == "偷税"


def test_near_miss_name_with_other_code_is_flagged_as_conflict(index):
    h = index.match("重庆失信技术有限公司", TENCENT)
    assert h and h[0].kind == "fuzzy_name" and h[0].code_conflict and 88 <= h[0].score < 100
    same_name_other_code = index.match("重庆失信科技有限公司", TENCENT)
    assert same_name_other_code[0].kind == "exact_name" and same_name_other_code[0].code_conflict
    assert not index.match("成都完全无关餐饮管理有限公司", XIAOMI)


def test_removal_date_in_the_future_still_hits(index):
    assert index.match(None, MA5U)[0].record.name == "重庆将撤出有限公司"
    assert not any(h.record.name == "重庆已撤出有限公司" for h in index.match("重庆已撤出有限公司", XIAOMI))


# ------------------------------------------------------------------ properties

NAMES = st.text(alphabet=st.sampled_from(list("重庆市科技有限责任公司集团（）()【】 \u3000ＡＢＣabc１２３-·ⅰ㎏ﬀ\u0301é")) | st.characters(),
                max_size=30)


@given(NAMES)
@settings(max_examples=400, deadline=None)
def test_name_normalisation_is_idempotent(name):
    once = normalise_name(name)
    assert normalise_name(once) == once


@given(st.lists(NAMES, max_size=8))
@settings(max_examples=200, deadline=None)
def test_bulk_normalisation_equals_one_by_one(names):
    assert normalise_names(names) == [normalise_name(n) for n in names]


@given(name=st.text(min_size=2, max_size=16, alphabet=st.characters(whitelist_categories=("Lo",))),
       body=st.text(min_size=8, max_size=8, alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY"),
       region=st.sampled_from(["500000", "500103", "500112", "440300"]),
       prefix=st.sampled_from(["91", "92", "12", "52"]),
       spaced=st.booleans(), query_name=st.text(max_size=10))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_a_listed_uscc_is_always_caught(tmp_path, name, body, region, prefix, spaced, query_name):
    code = uscc.complete(prefix + region + body + uscc.org_code_check(body))
    shown = " ".join(code[i:i + 6] for i in range(0, 18, 6)) if spaced else code
    p = write_csv(tmp_path / "p.csv", ["被执行人名称", "统一社会信用代码"], [["重庆某有限公司", "甲乙"], [name, shown]], "gb18030")
    index = CreditIndex.build([load_credit_list(p)])
    hits = index.match(query_name or None, code.lower())
    assert hits and hits[0].kind == "uscc" and hits[0].record.row == 3


def test_bigram_postings_built_in_chunks_equal_one_pass(index):
    """The chunked build (memory) gives exactly the postings of a single pass."""
    one = CreditIndex(index.lists)
    one._build_bigrams(chunk=10**9)
    small = CreditIndex(index.lists)
    small._build_bigrams(chunk=1)
    assert len(one._bg_keys) > 10
    assert (one._bg_keys == small._bg_keys).all() and (one._bg_gids == small._bg_gids).all()


def test_check_credit_says_when_only_the_name_was_compared_and_names_a_former_name(tmp_path):
    from pipeline.checks.engine import check_credit
    from pipeline.checks.rules import load_rules
    from pipeline.facts import Evidence, Fact, Unit

    p = tmp_path / "t.csv"
    p.write_text("纳税人名称,曾用名,纳税人识别号,案件性质\n重庆新名有限公司,重庆(两江)旧名有限公司,,偷税\n", encoding="utf-8")
    index = CreditIndex.build([load_credit_list(p)])
    ev = (Evidence(file="b.pdf", page=3, confidence=0.95),)
    member = Unit(name=Fact(value="重庆（两江）旧名有限公司", evidence=ev, confidence=0.95))  # its USCC was not read
    r = check_credit("credit.tax_violation", "tax_violation", member, "重庆（两江）旧名有限公司", load_rules(), index)
    assert r.status == "fail" and "曾用名“重庆(两江)旧名有限公司”" in r.detail and "仅按名称比对" in r.detail
    clean = Unit(name=Fact(value="重庆毫不相干餐饮有限公司", evidence=ev, confidence=0.95))
    r = check_credit("credit.tax_violation", "tax_violation", clean, "x", load_rules(), index)
    assert r.status == "pass" and "仅按名称比对" in r.detail
