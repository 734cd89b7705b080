"""Credit lists as districts export them (issue 14): real header spellings, written for real as CSV
(UTF-8, BOM, GBK, GB18030, UTF-16) and XLSX, under title rows and two-row merged headers, with note
rows at the end and columns reordered. The header words are the fixtures here, not the mechanism:
credit_columns.yaml holds words, and these headers were collected from real exports and the
scrapers/APIs that mirror them (sources in the comments)."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline import uscc
from pipeline.checks.credit import CreditIndex, load_credit_list
from pipeline.errors import RunError

UNIT = "重庆(两江)云启数智科技有限公司"  # half-width brackets, as lists often write them
UNIT_BOOKLET = "重庆（两江）云启数智科技有限责任公司"
UNIT_CODE = "91500000MA5UA3W18Q"
OTHER = ("重庆市渝中区某某商贸有限公司", "91500103MA60AB2C5M")
PERSON = ("王某某", "5001031980****1234")

# (id, kind, header, name column, code column or None, the columns expected as codes)
# Sources: zxgk.court.gov.cn query / domain-notes §2.1 (court), creditchina.gov.cn 失信被执行人 JSON
# keys (信用中国), chinatax.gov.cn 重大税收违法失信主体 pages and provincial tax-bureau scrapers, the
# STA pinyin keys (nsrmc …), national 双公示 行政处罚 fields, 企业信用信息公示系统 严重违法失信/经营异常
# lists, provincial open-data portals, Excel hand-made lists by district officers.
VARIANTS = [
    ("court_zxgk", "dishonest_debtor",
     ["案号", "被执行人姓名/名称", "失信人类型", "性别", "年龄", "身份证号码/组织机构代码", "法定代表人或者负责人姓名", "执行法院",
      "省份", "执行依据文号", "立案时间", "做出执行依据单位", "生效法律文书确定的义务", "被执行人的履行情况",
      "失信被执行人行为具体情形", "发布时间"], 1, 5),
    ("court_regno", "dishonest_debtor",
     ["案号", "被执行人姓名/名称", "身份证号码/工商注册号", "法定代表人或者负责人姓名", "执行法院", "立案时间", "发布时间"], 1, 2),
    ("court_ysfzd", "dishonest_debtor",
     ["序号", "被执行人姓名/名称", "失信人类型", "身份证号码/组织机构代码", "身份证原始发证地", "执行法院", "案号", "发布时间"], 1, 3),
    ("creditchina_dishonest", "dishonest_debtor",
     ["数据类别", "失信被执行人名称", "数据来源", "案号", "企业法人姓名", "执行法院", "地域名称", "执行依据文号", "作出执行依据单位",
      "法律生效文书确定的义务", "被执行人的履行情况", "失信被执行人具体情形", "发布时间", "立案时间", "已履行部分", "未履行部分",
      "最新更新日期", "备注"], 1, None),
    ("creditchina_with_code", "dishonest_debtor",
     ["失信被执行人名称", "统一社会信用代码", "案号", "企业法人姓名", "执行法院", "地域名称", "发布时间", "立案时间"], 0, 1),
    ("api_keys", "dishonest_debtor",
     ["caseCode", "iname", "type", "cardNum", "businessEntity", "courtName", "areaName", "gistId", "regDate", "gistUnit",
      "duty", "performance", "disruptTypeName", "publishDate"], 1, 3),
    ("aggregator_exit", "dishonest_debtor",
     ["被执行人", "证件号码", "执行法院", "案号", "立案时间", "发布时间", "退出日期"], 0, 1),
    ("qcc_export", "dishonest_debtor",
     ["序号", "失信被执行人", "统一社会信用代码", "法定代表人", "执行法院", "执行依据文号", "立案日期", "发布日期", "涉案金额(元)",
      "履行情况"], 1, 2),
    ("credit_report_party", "dishonest_debtor",
     ["当事人姓名或名称", "证件号码", "审理机关", "案号", "涉案事由", "诉讼地位", "日期类别", "具体日期", "异议备注"], 0, 1),
    ("limit_consumption", "dishonest_debtor",
     ["被限制消费人员姓名/单位名称", "证件号码/统一社会信用代码", "执行法院", "案号", "立案日期"], 0, 1),
    ("bracket_name", "dishonest_debtor",
     ["序号", "姓名（名称）", "证件号码（统一社会信用代码）", "执行法院", "案号", "发布日期"], 1, 2),
    ("fullwidth", "dishonest_debtor",
     ["被执行人姓名／名称", "身份证号码／组织机构代码", "执行法院", "立案时间"], 0, 1),
    ("spaced", "dishonest_debtor",
     ["序 号", "被执行人 名称", "统一社会 信用代码", "执行 法院", "案 号"], 1, 2),
    ("combined_issue", "dishonest_debtor",
     ["序号", "被执行人姓名/名称", "统一社会信用代码/组织机构代码", "执行法院", "案号", "立案时间"], 1, 2),
    ("tax_sta_2022", "tax_violation",
     ["纳税人名称", "纳税人识别号", "组织机构代码", "注册地址", "法定代表人或者负责人姓名、性别、证件名称及号码",
      "负有直接责任的财务负责人姓名、性别、证件名称及号码", "负有直接责任的中介机构信息及其从业人员信息", "案件性质", "主要违法事实",
      "相关法律依据及税务处理处罚情况", "案件上报期", "所属税务机关", "发布时间"], 0, 1),
    ("tax_provincial", "tax_violation",
     ["纳税人名称", "纳税人识别号或社会信用代码", "组织机构代码", "注册地址",
      "违法期间法人代表或者负责人姓名、性别及身份证号码（或其他证件号码）",
      "负有直接责任的财务人员姓名、性别及身份证号码（或其他证件号码）", "负有直接责任的中介机构信息", "案件性质", "主要违法事实",
      "相关法律依据及税务处理处罚情况"], 0, 1),
    ("tax_credit_report", "tax_violation", ["纳税人名称", "纳税人识别号", "主管税务机关", "认定日期", "异议备注"], 0, 1),
    ("tax_pinyin", "tax_violation",
     ["nsrmc", "nsrsbh", "tyshxydm", "zzjgdm", "zcdz", "fddbrhzfzrmc", "ajxz", "zywfss", "ajsbq"], 0, 2),
    ("tax_old_tin", "tax_violation", ["纳税人名称", "纳税人识别号", "案件性质", "主要违法事实", "检查机关", "公布日期"], 0, 1),
    ("tax_removal", "tax_violation",
     ["纳税人名称", "统一社会信用代码", "案件性质", "主要违法事实", "公布日期", "撤出日期"], 0, 1),
    ("tax_former", "tax_violation",
     ["纳税人名称", "原纳税人名称", "纳税人识别号（统一社会信用代码）", "案件性质", "所属税务机关"], 0, 2),
    ("tax_stop", "tax_violation",
     ["纳税人名称", "纳税人识别号", "案件性质", "公布日期", "停止公布日期"], 0, 1),
    ("shuanggongshi", "tax_violation",
     ["行政相对人名称", "行政相对人类别", "行政相对人代码_1(统一社会信用代码)", "行政相对人代码_2(工商注册号)",
      "行政相对人代码_3(组织机构代码)", "法定代表人", "处罚决定书文号", "违法行为类型", "处罚决定日期", "处罚机关"], 0, 2),
    ("gsxt_serious", "tax_violation",
     ["企业名称", "统一社会信用代码/注册号", "列入日期", "列入严重违法失信名单（黑名单）原因", "作出决定机关", "移出日期", "移出原因"], 0, 1),
    ("gsxt_abnormal", "tax_violation",
     ["序号", "企业名称", "统一社会信用代码", "注册号", "列入经营异常名录原因", "列入日期", "作出决定机关"], 1, 2),
    ("creditchina_serious", "dishonest_debtor",
     ["失信主体名称", "统一社会信用代码", "列入名单事由", "认定部门", "列入日期", "有效期"], 0, 1),
    ("opendata_unit", "tax_violation", ["单位名称", "组织机构代码", "所属税务机关", "公布日期", "撤出日期"], 0, 1),
    ("minimal", "dishonest_debtor", ["名称", "代码", "类别", "日期"], 0, 1),
    ("former_column", "tax_violation", ["序号", "企业名称", "曾用名", "统一社会信用代码", "列入日期"], 1, 3),
    ("former_in_header", "tax_violation", ["企业名称（曾用名）", "统一社会信用代码", "案件性质"], 0, 1),
    ("party_code", "dishonest_debtor", ["当事人名称", "当事人证件号码", "执行法院", "案号"], 0, 1),
    ("subject_taxpayer", "tax_violation", ["主体名称", "纳税人识别号/统一社会信用代码", "违法事实", "发布机关", "发布日期"], 0, 1),
    ("main_code_last", "dishonest_debtor", ["案号", "执行法院", "立案时间", "失信被执行人名称", "组织机构代码证号"], 3, 4),
]
IDS = [v[0] for v in VARIANTS]
KIND_GIVEN = {"shuanggongshi", "gsxt_serious", "gsxt_abnormal", "creditchina_serious", "minimal", "former_column"}
"""Lists whose headers do not say which list they are (the kind is then given, as `--credit-list` users can)."""
# the same header written over two merged rows: (top, bottom) per column
MERGED = ([
    ("序号", ""), ("被执行人信息", "名称"), ("", "统一社会信用代码"), ("", "法定代表人"), ("案件信息", "执行法院"), ("", "案号"),
    ("立案时间", ""),
], 1, 2)


def _code_forms(code: str) -> dict[str, str]:
    org = code[8:17]
    return {"uscc": code, "org": org, "org_hyphen": f"{org[:8]}-{org[8]}", "tin15": code[2:8] + org}


def _rows(header: list[str], name_col: int, code_col: int | None, code_text: str, name: str = UNIT) -> list[list[str]]:
    """Three records: the planted unit (second), a company and a person; other cells filled plausibly."""
    out = []
    for who, code in ((OTHER[0], OTHER[1]), (name, code_text), PERSON):
        row = []
        for i, h in enumerate(header):
            if i == name_col:
                row.append(who)
            elif i == code_col:
                row.append(code)
            elif "日期" in h or "时间" in h or "date" in h.lower():
                row.append("" if any(w in h for w in ("退出", "撤出", "移出", "停止")) else "2025-03-01")
            elif h == "备注" and code_col is None:
                row.append(f"统一社会信用代码：{code}" if code else "")
            elif "案号" in h:
                row.append("(2025)渝01执123号")
            else:
                row.append("重庆市第一中级人民法院" if "法院" in h else "略")
        out.append(row)
    return out


def _reorder(header, rows, name_col, code_col, shift: int):
    if not shift:
        return header, rows, name_col, code_col
    n = len(header)
    perm = [(i + shift) % n for i in range(n)]  # new position j holds old column perm[j]
    inv = {old: new for new, old in enumerate(perm)}
    return ([header[p] for p in perm], [[r[p] for p in perm] for r in rows], inv[name_col],
            None if code_col is None else inv[code_col])


TITLE = ["失信被执行人名单（截至2026年7月20日）", "数据来源：信用重庆；制表单位：两江新区经济运行局"]
NOTES = [["注：以上信息来源于中国执行信息公开网，仅供参考。"], ["合计：3条"]]


def write_list(path: Path, fmt: str, header, rows, *, titles: int = 0, notes: bool = False,
               merged: list[tuple[str, str]] | None = None) -> tuple[Path, int]:
    """Write one export; return (path, the 1-based row number of the first record)."""
    width = len(header)
    top: list[list[str]] = [[TITLE[i]] + [""] * (width - 1) for i in range(titles)]
    if titles:
        top.append([""] * width)  # a blank row under the titles
    heads = [[t for t, _ in merged], [b for _, b in merged]] if merged else [list(header)]
    tail = [n + [""] * (width - 1) for n in NOTES] if notes else []
    table = top + heads + [list(r) for r in rows] + tail
    first = len(top) + len(heads) + 1
    if fmt == "xlsx":
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "名单"
        for r in table:
            ws.append([c if c != "" else None for c in r])
        for i in range(titles):
            ws.merge_cells(start_row=i + 1, start_column=1, end_row=i + 1, end_column=width)
        if merged:  # real merged cells: a group over its columns, a single header over both rows
            hr = len(top) + 1
            for c, (t, b) in enumerate(merged, start=1):
                if t and not b:
                    ws.merge_cells(start_row=hr, start_column=c, end_row=hr + 1, end_column=c)
            c = 1
            while c <= width:
                t = merged[c - 1][0]
                end = c
                while t and end < width and not merged[end][0] and merged[end][1]:
                    end += 1
                if t and end > c:
                    ws.merge_cells(start_row=hr, start_column=c, end_row=hr, end_column=end)
                c = end + 1
        for row in ws.iter_rows(min_row=first):
            for cell in row:
                cell.number_format = "@"
        wb.save(path)
        return path, first
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n", delimiter="\t" if fmt == "utf-16" else ",").writerows(table)
    enc = {"utf-8": "utf-8", "utf-8-sig": "utf-8-sig", "gbk": "gbk", "gb18030": "gb18030", "utf-16": "utf-16"}[fmt]
    path.write_bytes(buf.getvalue().encode(enc))
    return path, first


FORMATS = ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16", "xlsx"]


@pytest.mark.parametrize("variant", VARIANTS, ids=IDS)
@pytest.mark.parametrize("fmt", FORMATS)
def test_header_variant_in_every_format_with_titles_notes_and_reordering(tmp_path, variant, fmt):
    vid, kind, header, name_col, code_col = variant
    shift = len(vid) % len(header)  # a different column order per variant
    h, rows, n_i, c_i = _reorder(header, _rows(header, name_col, code_col, UNIT_CODE), name_col, code_col, shift)
    path, first = write_list(tmp_path / f"{vid}.{'xlsx' if fmt == 'xlsx' else 'csv'}", fmt, h, rows,
                             titles=2, notes=True)
    cl = load_credit_list(path, kind if vid in KIND_GIVEN else None)
    assert cl.kind == kind
    t = cl.tables[0]
    assert t.header_rows == (first - 1,)
    assert t.columns.name == n_i, (vid, t.header[t.columns.name] if t.columns.name is not None else None)
    if c_i is not None:
        assert c_i in t.columns.codes
    assert len(cl) == 3 and cl.row_numbers == [first, first + 1, first + 2]
    notes = [s.row for s in cl.skipped if s.kind == "note"]
    assert notes == [1, 2, first + 3, first + 4]  # two title rows above, two note rows below
    index = CreditIndex.build([cl])
    by_code = index.match("别的名字有限公司", UNIT_CODE)
    assert by_code and by_code[0].kind == "uscc" and by_code[0].record.row == first + 1
    by_name = index.match(UNIT_BOOKLET, None)  # full-width brackets, 有限责任公司
    assert by_name and by_name[0].kind == "exact_name" and by_name[0].record.row == first + 1
    rep = cl.report()
    assert rep["records"] == 3 and rep["skipped_rows"] == 4 and rep["tables"][0]["columns"]["name"] == h[n_i]


@pytest.mark.parametrize("fmt", ["gbk", "xlsx", "utf-16"])
@pytest.mark.parametrize("form", ["uscc", "org", "org_hyphen", "tin15"])
def test_two_row_merged_header_under_a_title_with_each_code_form(tmp_path, fmt, form):
    merged, name_col, code_col = MERGED
    header = [b or t for t, b in merged]
    code = _code_forms(UNIT_CODE)[form]
    rows = _rows(header, name_col, code_col, code)
    path, first = write_list(tmp_path / f"m.{'xlsx' if fmt == 'xlsx' else 'csv'}", fmt, header, rows, titles=1,
                             notes=True, merged=merged)
    cl = load_credit_list(path)
    t = cl.tables[0]
    assert cl.kind == "dishonest_debtor" and t.header_rows == (first - 2, first - 1)
    assert t.header[t.columns.name] == "被执行人信息-名称" and t.columns.codes == (2,)
    assert len(cl) == 3 and not cl.malformed
    hit = CreditIndex.build([cl]).match(None, UNIT_CODE)
    assert hit and hit[0].kind == ("uscc" if form == "uscc" else "org_code") and hit[0].record.row == first + 1


def test_issue_cases_former_name_by_code_and_half_width_name_with_old_tin(tmp_path):
    """The two listed units the issue saw passed: by USCC under a former name in a column headed
    统一社会信用代码/组织机构代码 (GBK CSV), and a member by name only, half-width (重庆), with an old
    15-digit 纳税人识别号 (XLSX)."""
    debt = tmp_path / "失信被执行人.csv"
    debt.write_bytes(("序号,被执行人姓名/名称,统一社会信用代码/组织机构代码,执行法院\r\n"
                      f"1,重庆旧名软件有限公司,{UNIT_CODE},重庆市第五中级人民法院\r\n").encode("gbk"))
    member_code = "91500112MA5YRCKP3T"
    member_code = uscc.complete(member_code[:16] + uscc.org_code_check(member_code[8:16]))
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["重大税收违法失信主体名单"])
    ws.append(["纳税人名称", "纳税人识别号", "案件性质"])
    ws.append(["重庆(重庆)开源协作有限公司", member_code[2:17], "偷税"])
    wb.save(tmp_path / "税收.xlsx")
    index = CreditIndex.build([load_credit_list(debt), load_credit_list(tmp_path / "税收.xlsx")])
    a = index.match("重庆新名软件有限公司", UNIT_CODE)
    assert a[0].kind == "uscc" and a[0].list_kind == "dishonest_debtor"
    b = index.match("重庆（重庆）开源协作有限公司", member_code)
    assert b[0].kind == "org_code" and b[0].list_kind == "tax_violation"
    c = index.match("重庆（重庆）开源协作有限公司", None)  # the member's code not read: the name still hits
    assert c[0].kind == "exact_name" and not c[0].code_conflict


def test_former_names_in_cells_and_columns(tmp_path):
    p = tmp_path / "f.csv"
    p.write_text("纳税人名称,曾用名,纳税人识别号,案件性质\n"
                 "重庆新名科技有限公司（原名：重庆旧名科技有限公司）,,,偷税\n"
                 "重庆甲乙有限公司,重庆丙丁有限公司；重庆戊己有限公司,,偷税\n", encoding="utf-8")
    cl = load_credit_list(p)
    assert cl.names == ["重庆新名科技有限公司", "重庆甲乙有限公司"]
    assert sorted(a for _, a, _ in cl.aliases) == ["重庆丙丁有限公司", "重庆戊己有限公司", "重庆旧名科技有限公司"]
    index = CreditIndex.build([cl])
    h = index.match("重庆旧名科技有限公司", None)
    assert h[0].kind == "exact_name" and h[0].record.row == 2 and h[0].via == "重庆旧名科技有限公司"
    assert index.match("重庆戊己有限公司", None)[0].record.row == 3


def test_codes_in_any_cell_are_matched_but_person_ids_and_phone_numbers_are_not(tmp_path):
    p = tmp_path / "any.csv"
    p.write_text("被执行人名称,执行法院,说明\n"
                 f"重庆某公司,法院,该单位统一社会信用代码为{UNIT_CODE}（原代码 {UNIT_CODE[8:16]}-{UNIT_CODE[16]}）\n"
                 "重庆另一公司,法院,法定代表人身份证 50010319800101123X 电话 02363001234\n", encoding="utf-8")
    cl = load_credit_list(p)
    assert cl.usccs == [UNIT_CODE, None] and cl.orgs == [UNIT_CODE[8:17], None]
    assert CreditIndex.build([cl]).match(None, UNIT_CODE)[0].record.row == 2


def test_every_sheet_with_records_is_read_and_a_notes_sheet_is_reported(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "说明"
    ws.append(["本表由区发展改革委整理"])
    for title, name, code in (("法人", OTHER[0], OTHER[1]), ("其他组织", UNIT, UNIT_CODE)):
        s = wb.create_sheet(title)
        s.append(["失信被执行人名单"])
        s.append(["被执行人姓名/名称", "统一社会信用代码", "执行法院"])
        s.append([name, code, "重庆市第一中级人民法院"])
    wb.save(tmp_path / "multi.xlsx")
    cl = load_credit_list(tmp_path / "multi.xlsx")
    assert [t.sheet for t in cl.tables] == ["法人", "其他组织"] and len(cl) == 2
    assert cl.empty_sheets == [("说明", "未找到可识别的表头（名称列或代码列）")]
    hit = CreditIndex.build([cl]).match(None, UNIT_CODE)[0]
    assert hit.record.sheet == "其他组织" and hit.record.row == 3


def test_utf16_without_bom_and_tab_separated(tmp_path):
    p = tmp_path / "u16.txt"
    p.write_bytes(f"纳税人名称\t纳税人识别号\t案件性质\r\n{UNIT}\t{UNIT_CODE}\t偷税\r\n".encode("utf-16-le"))
    cl = load_credit_list(p)
    assert cl.kind == "tax_violation" and cl.usccs == [UNIT_CODE]


@pytest.mark.parametrize("content, message", [
    ("序号,金额,备注\n1,2,3\n", "找不到名称列或代码列"),
    ("失信被执行人名单\n被执行人姓名/名称,统一社会信用代码,执行法院\n注：本期无新增\n合计：0条\n", "没有读到任何记录"),
    ("失信被执行人名单（截至2026年7月20日）\n\n", "找不到名称列或代码列"),
])
def test_unusable_lists_are_refused_in_one_line_naming_the_file(tmp_path, content, message):
    p = tmp_path / "list.csv"
    p.write_bytes(content.encode("gbk"))
    with pytest.raises(RunError) as exc:
        load_credit_list(p)
    assert message in str(exc.value) and "\n" not in str(exc.value) and str(p) in str(exc.value)


# ------------------------------------------------------------------ property

SHAPES = st.fixed_dictionaries({
    "variant": st.sampled_from(VARIANTS),
    "fmt": st.sampled_from(FORMATS),
    "titles": st.integers(0, 2),
    "notes": st.booleans(),
    "shift": st.integers(0, 20),
    "form": st.sampled_from(["uscc", "org", "org_hyphen", "tin15"]),
    "elsewhere": st.booleans(),
})


@given(shape=SHAPES, body=st.text(min_size=8, max_size=8, alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY"),
       region=st.sampled_from(["500000", "500103", "500112", "110108"]), prefix=st.sampled_from(["91", "92", "12", "52"]))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_a_listed_code_of_a_unit_is_caught_in_any_shape(tmp_path, shape, body, region, prefix):
    """A unit's USCC, its 9-char org code (with or without hyphen) or its old 15-digit TIN, in the
    code column or in some other cell, under any header variant, format and layout: always a hit."""
    code = uscc.complete(prefix + region + body + uscc.org_code_check(body))
    vid, kind, header, name_col, code_col = shape["variant"]
    text = _code_forms(code)[shape["form"]]
    if shape["elsewhere"] or code_col is None:  # in a column nobody would call a code column
        rows = _rows(header, name_col, code_col, "")
        free = next(i for i, h in enumerate(header) if i not in (name_col, code_col))
        rows[1][free] = f"详见{text}号"
    else:
        rows = _rows(header, name_col, code_col, text)
    h, rows, _, _ = _reorder(header, rows, name_col, code_col, shape["shift"] % len(header))
    path, first = write_list(tmp_path / f"p.{'xlsx' if shape['fmt'] == 'xlsx' else 'csv'}", shape["fmt"], h, rows,
                             titles=shape["titles"], notes=shape["notes"])
    hits = CreditIndex.build([load_credit_list(path, kind)]).match(None, code)
    assert hits and hits[0].kind in ("uscc", "org_code") and hits[0].record.row == first + 1


def test_xlsx_with_a_wrong_stated_sheet_size_is_read_whole(tmp_path):
    """Some exporters write <dimension ref="A1"/>: read-only openpyxl would then see one cell."""
    import re
    import zipfile

    p = tmp_path / "ok.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["纳税人名称", "纳税人识别号", "案件性质"])
    ws.append([UNIT, UNIT_CODE, "偷税"])
    wb.save(p)
    with zipfile.ZipFile(p) as z:
        files = {n: z.read(n) for n in z.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    files[sheet] = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1"/>', files[sheet])
    bad = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(bad, "w") as z:
        for n, b in files.items():
            z.writestr(n, b)
    cl = load_credit_list(bad)
    assert cl.names == [UNIT] and cl.usccs == [UNIT_CODE]


@pytest.mark.parametrize("fmt", ["gbk", "xlsx"])
def test_a_label_value_line_above_the_header_is_not_taken_for_it(tmp_path, fmt):
    """制表单位：… holds 单位 (a name word) in two cells: the real header below is wider and wins."""
    header = ["序号", "被执行人姓名/名称", "统一社会信用代码", "执行法院", "案号"]
    rows = _rows(header, 1, 2, UNIT_CODE)
    table = [["制表单位：区发展改革委", "填报人：张三", "", "", ""], ["两江新区", "信用办", "", "", ""], header] + rows
    if fmt == "xlsx":
        wb = openpyxl.Workbook()
        for r in table:
            wb.active.append(r)
        wb.save(tmp_path / "l.xlsx")
        path = tmp_path / "l.xlsx"
    else:
        buf = io.StringIO()
        csv.writer(buf).writerows(table)
        path = tmp_path / "l.csv"
        path.write_bytes(buf.getvalue().encode("gbk"))
    cl = load_credit_list(path)
    t = cl.tables[0]
    assert t.header_rows[-1] == 3 and t.columns.name == 1 and t.columns.codes == (2,)  # (a row above may group it)
    assert cl.row_numbers == [4, 5, 6] and cl.names[1] == UNIT and cl.usccs[1] == UNIT_CODE
