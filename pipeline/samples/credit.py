"""Credit-list exports for sample bundles: a 失信被执行人 CSV (GBK, as Excel writes it) and a
重大税收违法失信主体 XLSX, a few hundred filler rows plus the planted hits and the near miss.

Rows are planned as plain lists (pure, testable); writing is separate (credit_write.py). Each seed draws a district
style per list (issue 14, credit_styles.yaml): title rows, a two-row merged header, other header
spellings, a 曾用名 column, codes in mixed forms (USCC, 组织机构代码 with hyphen, old 15-digit
纳税人识别号) in a combined column, note/total rows, several sheets; and how the planted hit is
listed (by USCC, by organisation code, under a former name, with the name in a 曾用名 column or as
（原名：…）). The expected statuses do not change with the style, and the truth's `planted`
entries say exactly what the list shows. Plain row lists (other callers) are written classic.
"""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

from pipeline.samples import plan as P
from pipeline.samples import units as U
from pipeline.samples import wording as W

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
    f = W.content()["filler"]
    for _ in range(50):
        div = rng.choice(list(f["places"]))
        name = f"{f['places'][div]}市{rng.choice(f['cores'])}{rng.choice(f['trades'])}有限公司"
        if name not in used:
            break
    used.add(name)
    return name, U.make_uscc(rng, "91", div), div


def _person_id(rng: random.Random) -> str:
    div = rng.choice(["500222", "500103", "510104", "500381", "520102"])
    return f"{div}{rng.randint(1960, 2000)}****{rng.randint(0, 9999):04d}"


def dishonest_row(rng: random.Random, name: str, code: str, org: bool, legal_rep: str = "") -> list[str]:
    c = W.content()["credit"]
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
    c = W.content()["credit"]
    pub = _date(rng, 2023, 2026)
    q = (pub.month - 1) // 3 + 1
    return [
        name, code, org_code, address, f"{legal_rep}，{rng.choice(['男', '女'])}，居民身份证，{_person_id(rng)}",
        f"{U.person_name(rng)}，{rng.choice(['男', '女'])}，居民身份证，{_person_id(rng)}",
        rng.choice(c["tax_cases"]), rng.choice(c["tax_facts"]),
        "依照《中华人民共和国税收征收管理法》等相关规定，对其处追缴税款、加收滞纳金并处罚款",
        f"{pub.year}年第{q}季度", rng.choice(c["tax_offices"]), pub.isoformat(),
    ]


@lru_cache(maxsize=1)
def styles_vocabulary() -> dict:
    return yaml.safe_load(resources.files("pipeline.samples").joinpath("credit_styles.yaml").read_text("utf-8"))


@dataclass(frozen=True)
class ListStyle:
    """How one list is laid out. The default is the classic single-header export."""

    kind: str
    titles: tuple[str, ...] = ()
    merged: bool = False
    headers: tuple[str, ...] | None = None
    """Header spellings replacing the classic ones (same order)."""
    former_column: str | None = None
    """Header of an added 曾用名 column (its cell is the row's last planned cell)."""
    mixed_codes: bool = False
    """Filler codes as USCC, 组织机构代码 (with hyphen) or 15-digit 纳税人识别号."""
    code_first: bool = False
    """The code column moved right after the name column."""
    notes: tuple[str, ...] = ()
    sheets: int = 1
    notes_sheet: bool = False
    hit_form: str = "classic"
    """dishonest: classic | org_code | former_name; tax: classic | former_in_cell | former_column."""

    @property
    def classic(self) -> bool:
        return self == ListStyle(self.kind)


class StyledRows(list):
    """Planned rows with the style they are written in (a plain list is written classic)."""

    def __init__(self, rows=(), style: ListStyle | None = None):
        super().__init__(rows)
        self.style = style


def choose_styles(seed: int) -> tuple[ListStyle, ListStyle]:
    """(dishonest style, tax style) for a seed. Seeds ≡ 3 (mod 4) keep the classic layout."""
    if seed % 4 == 3:
        return ListStyle("dishonest_debtor"), ListStyle("tax_violation")
    rng = random.Random(f"credit-style:{seed}")
    v = styles_vocabulary()
    out = []
    for kind, classic, forms in (("dishonest_debtor", DISHONEST_HEADERS, ("classic", "org_code", "former_name")),
                                 ("tax_violation", TAX_HEADERS, ("classic", "former_in_cell", "former_column"))):
        alt = v["headers"][kind]
        headers = tuple(rng.choice(alt[h]) if h in alt and rng.random() < 0.7 else h for h in classic)
        form = rng.choice(forms)
        total = rng.choice(v["totals"])
        notes = tuple(rng.sample(v["notes"], rng.randint(1, 2))) + ((total,) if rng.random() < 0.6 else ())
        out.append(ListStyle(
            kind=kind,
            titles=tuple([rng.choice(v["titles"][kind])] + ([rng.choice(v["sources"])] if rng.random() < 0.5 else [])),
            merged=rng.random() < 0.5,
            headers=headers if headers != tuple(classic) else None,
            former_column=rng.choice(v["former_column"]) if form == "former_column" or rng.random() < 0.5 else None,
            mixed_codes=rng.random() < 0.7,
            code_first=rng.random() < 0.5,
            notes=notes if rng.random() < 0.85 else (),
            sheets=2 if kind == "tax_violation" and rng.random() < 0.5 else 1,
            notes_sheet=kind == "tax_violation" and rng.random() < 0.3,
            hit_form=form,
        ))
    return out[0], out[1]


def _code_form(rng: random.Random, code: str) -> str:
    """A filler's code as an older export may hold it."""
    r = rng.random()
    if r < 0.6 or not code:
        return code
    if r < 0.85:
        return f"{code[8:16]}-{code[16]}"
    return code[2:8] + code[8:17]  # 15-digit 纳税人识别号: region + organisation code


def plan_lists(seed: int, apps: list[P.AppPlan], n_rows: int,
               styles: tuple[ListStyle, ListStyle] | None = None) -> tuple[list[list[str]], list[list[str]], list[dict]]:
    """(dishonest rows, tax rows, hits) — hits record which planted row matches which applicant and how.

    The rows come back as StyledRows carrying the seed's style (choose_styles) unless `styles` is
    given; the classic style draws nothing extra, so classic seeds plan exactly what they did."""
    dstyle, tstyle = styles or choose_styles(seed)
    rng = random.Random(f"credit:{seed}")
    used = {a.applicant.name for a in apps} | {m.name for a in apps for m in a.members}
    dis: list[list[str]] = []
    tax: list[list[str]] = []
    for i in range(n_rows):
        if rng.random() < 0.45:
            dis.append(dishonest_row(rng, U.person_name(rng), _person_id(rng), org=False))
        else:
            name, code, _ = _filler_org(rng, used)
            dis.append(dishonest_row(rng, name, code, org=True, legal_rep=U.person_name(rng)))
    for i in range(max(1, n_rows * 2 // 3)):
        name, code, div = _filler_org(rng, used)
        tax.append(tax_row(rng, name, code, code[8:17], f"{name[:2]}市{rng.choice(W.content()['roads'])}{rng.randint(1, 300)}号", U.person_name(rng)))
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
            dis.insert(pos, dishonest_row(rng, a.near_miss_name, a.near_miss_uscc, org=True, legal_rep=U.person_name(rng)))
            hits.append({"list": "dishonest_debtor", "application": a.entry, "unit": u.name, "match": "near_miss",
                         "listed_name": a.near_miss_name, "listed_code": a.near_miss_uscc, "expected": "pass",
                         "why": "名称相近但统一社会信用代码不同，不是同一主体（提示人工核对亦可）"})
    _apply_styles(seed, apps, dis, tax, hits, dstyle, tstyle)
    return StyledRows(dis, dstyle), StyledRows(tax, tstyle), hits


def _apply_styles(seed: int, apps: list[P.AppPlan], dis: list[list[str]], tax: list[list[str]], hits: list[dict],
                  dstyle: ListStyle, tstyle: ListStyle) -> None:
    """Rewrite the planned rows in place for non-classic styles (their own random stream, so the
    classic plan is untouched), and record in `hits` exactly what the list shows."""
    srng = random.Random(f"credit-rows:{seed}")
    used = {a.applicant.name for a in apps} | {m.name for a in apps for m in a.members}
    used |= {r[1] for r in dis} | {r[0] for r in tax}
    planted = {(h["list"], h["listed_name"]) for h in hits}
    if not dstyle.classic:
        for row in dis:
            if ("dishonest_debtor", row[1]) in planted or row[2] != "法人或其他组织":
                continue
            if dstyle.mixed_codes:
                row[5] = _code_form(srng, row[5])
        for h in hits:
            if h["list"] != "dishonest_debtor":
                continue
            row = next(r for r in dis if r[1] == h["listed_name"] and r[5] == h["listed_code"])
            form = dstyle.hit_form if h["match"] == "uscc" else ("org_code" if dstyle.hit_form == "org_code" else "classic")
            if form == "org_code":
                row[5] = f"{row[5][8:16]}-{row[5][16]}"
                h.update(listed_code=row[5], code_form="org_code")
            elif form == "former_name":  # listed by its code under the name it had before
                former, _, _ = _filler_org(srng, used)
                row[1] = former
                h.update(listed_name=former, code_form="uscc", listed_as="former_name",
                         why="名单记录为该单位更名前的名称，统一社会信用代码一致")
        for row in dis:
            if dstyle.former_column:
                row.append(_filler_org(srng, used)[0] if srng.random() < 0.06 else "")
    if not tstyle.classic:
        for row in tax:
            if tstyle.mixed_codes and row[1] and ("tax_violation", row[0]) not in planted:
                row[1] = _code_form(srng, row[1])
                if not row[1].startswith(("9", "1", "5")) or len(row[1]) != 18:
                    row[2] = ""  # an old record carries one identifier
        extra: dict[int, str] = {}
        for h in hits:
            if h["list"] != "tax_violation" or h["match"] != "name":
                continue
            i = next(k for k, r in enumerate(tax) if r[0] == h["listed_name"] and not r[1])
            new_name, _, _ = _filler_org(srng, used)
            if tstyle.hit_form == "former_in_cell":  # renamed since: the old (booklet) name in brackets
                tax[i][0] = f"{new_name}（原名：{h['listed_name']}）"
                h.update(listed_name=tax[i][0], listed_as="former_in_cell")
            elif tstyle.hit_form == "former_column" and tstyle.former_column:
                extra[i] = h["listed_name"]
                tax[i][0] = new_name
                h.update(listed_as="former_column", listed_current_name=new_name)
        for k, row in enumerate(tax):
            if tstyle.former_column:
                row.append(extra.get(k) or (_filler_org(srng, used)[0] if srng.random() < 0.06 else ""))
