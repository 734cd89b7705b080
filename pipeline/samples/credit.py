"""Credit-list exports for sample bundles: a 失信被执行人 CSV (GBK, as Excel writes it) and a
重大税收违法失信主体 XLSX, a few hundred filler rows plus the planted hits and the near miss.

Rows are planned as plain lists (pure, testable); writing is separate.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import random
from pathlib import Path

from pipeline.samples import plan as P

DISHONEST_HEADERS = [
    "案号", "被执行人姓名/名称", "失信人类型", "性别", "年龄", "身份证号码/组织机构代码",
    "法定代表人或者负责人姓名", "执行法院", "省份", "执行依据文号", "立案时间", "做出执行依据单位",
    "生效法律文书确定的义务", "被执行人的履行情况", "失信被执行人行为具体情形", "发布时间",
]
TAX_HEADERS = [
    "纳税人名称", "纳税人识别号", "组织机构代码", "注册地址", "法定代表人或者负责人姓名、性别、证件名称及号码",
    "负有直接责任的财务负责人姓名、性别、证件名称及号码", "案件性质", "主要违法事实",
    "相关法律依据及税务处理处罚情况", "案件上报期", "所属税务机关", "发布时间",
]


def _date(rng: random.Random, y0=2022, y1=2026) -> dt.date:
    return dt.date(rng.randint(y0, y1), rng.randint(1, 12), rng.randint(1, 28))


def _filler_org(rng: random.Random, used: set[str]) -> tuple[str, str, str]:
    f = P.content()["filler"]
    for _ in range(50):
        div = rng.choice(list(f["places"]))
        name = f"{f['places'][div]}市{rng.choice(f['cores'])}{rng.choice(f['trades'])}有限公司"
        if name not in used:
            break
    used.add(name)
    return name, P.make_uscc(rng, "91", div), div


def _person_id(rng: random.Random) -> str:
    div = rng.choice(["500222", "500103", "510104", "500381", "520102"])
    return f"{div}{rng.randint(1960, 2000)}****{rng.randint(0, 9999):04d}"


def dishonest_row(rng: random.Random, name: str, code: str, org: bool, legal_rep: str = "") -> list[str]:
    c = P.content()["credit"]
    reg = _date(rng, 2022, 2025)
    court = rng.choice(c["courts"])
    short = "渝" if court.startswith("重庆") else court[0]
    return [
        f"（{reg.year}）{short}01{rng.randint(1, 56):02d}执{rng.randint(100, 9999)}号", name,
        "法人或其他组织" if org else "自然人", "" if org else rng.choice(["男", "女"]),
        "" if org else str(rng.randint(25, 66)), code, legal_rep if org else "", court,
        "重庆" if court.startswith("重庆") else court[:2], f"（{reg.year - 1}）{short}民初{rng.randint(10, 9999)}号",
        reg.isoformat(), court, rng.choice(c["duties"]), rng.choice(c["performance"]),
        rng.choice(c["behaviours"]), (reg + dt.timedelta(days=rng.randint(30, 200))).isoformat(),
    ]


def tax_row(rng: random.Random, name: str, code: str, org_code: str, address: str, legal_rep: str) -> list[str]:
    c = P.content()["credit"]
    pub = _date(rng, 2023, 2026)
    q = (pub.month - 1) // 3 + 1
    return [
        name, code, org_code, address, f"{legal_rep}，{rng.choice(['男', '女'])}，居民身份证，{_person_id(rng)}",
        f"{P.person_name(rng)}，{rng.choice(['男', '女'])}，居民身份证，{_person_id(rng)}",
        rng.choice(c["tax_cases"]), rng.choice(c["tax_facts"]),
        "依照《中华人民共和国税收征收管理法》等相关规定，对其处追缴税款、加收滞纳金并处罚款",
        f"{pub.year}年第{q}季度", rng.choice(c["tax_offices"]), pub.isoformat(),
    ]


def plan_lists(seed: int, apps: list[P.AppPlan], n_rows: int) -> tuple[list[list[str]], list[list[str]], list[dict]]:
    """(dishonest rows, tax rows, hits) — hits record which planted row matches which applicant and how."""
    rng = random.Random(f"credit:{seed}")
    used = {a.applicant.name for a in apps} | {m.name for a in apps for m in a.members}
    dis: list[list[str]] = []
    tax: list[list[str]] = []
    for i in range(n_rows):
        if rng.random() < 0.45:
            dis.append(dishonest_row(rng, P.person_name(rng), _person_id(rng), org=False))
        else:
            name, code, _ = _filler_org(rng, used)
            dis.append(dishonest_row(rng, name, code, org=True, legal_rep=P.person_name(rng)))
    for i in range(max(1, n_rows * 2 // 3)):
        name, code, div = _filler_org(rng, used)
        tax.append(tax_row(rng, name, code, code[8:17], f"{name[:2]}市{rng.choice(P.content()['roads'])}{rng.randint(1, 300)}号", P.person_name(rng)))
    hits: list[dict] = []
    for a in apps:
        u = a.applicant
        if "dishonest_debtor_hit" in a.defects:
            pos = rng.randrange(len(dis) + 1)
            dis.insert(pos, dishonest_row(rng, u.name, u.uscc, org=True, legal_rep=u.legal_rep))
            hits.append({"list": "dishonest_debtor", "application": a.entry, "unit": u.name, "match": "uscc",
                         "listed_name": u.name, "listed_code": u.uscc, "expected": "fail"})
        if "tax_violation_name_hit" in a.defects:
            half = u.name.replace("（", "(").replace("）", ")")
            pos = rng.randrange(len(tax) + 1)
            tax.insert(pos, tax_row(rng, half, "", "", u.address, u.legal_rep))
            hits.append({"list": "tax_violation", "application": a.entry, "unit": u.name, "match": "name",
                         "listed_name": half, "listed_code": "", "expected": "fail"})
        if "near_miss_name" in a.defects:
            pos = rng.randrange(len(dis) + 1)
            dis.insert(pos, dishonest_row(rng, a.near_miss_name, a.near_miss_uscc, org=True, legal_rep=P.person_name(rng)))
            hits.append({"list": "dishonest_debtor", "application": a.entry, "unit": u.name, "match": "near_miss",
                         "listed_name": a.near_miss_name, "listed_code": a.near_miss_uscc, "expected": "pass",
                         "why": "名称相近但统一社会信用代码不同，不是同一主体（提示人工核对亦可）"})
    return dis, tax, hits


def write_dishonest_csv(path: Path, rows: list[list[str]]) -> None:
    """GBK without BOM, CRLF line ends: what Excel's 'CSV (逗号分隔)' writes on a Chinese Windows."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(DISHONEST_HEADERS)
    w.writerows(rows)
    path.write_bytes(buf.getvalue().encode("gbk"))


def write_tax_xlsx(path: Path, rows: list[list[str]]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from pipeline.samples.files import FIXED_TIME, normalise_zip

    wb = Workbook()
    ws = wb.active
    ws.title = "重大税收违法失信主体"
    ws.append(TAX_HEADERS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r in rows:
        ws.append(r)
    for col in ("B", "C"):  # identifiers as text, never numbers
        for cell in ws[col]:
            cell.number_format = "@"
    for col, width in zip("ABCDEFGHIJKL", (34, 22, 12, 30, 36, 36, 14, 40, 40, 14, 30, 12)):
        ws.column_dimensions[col].width = width
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    wb.properties.creator = "信用重庆"
    wb.save(path)
    normalise_zip(path)
