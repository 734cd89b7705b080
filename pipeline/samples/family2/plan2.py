"""Family 2: what a bundle contains (units, sites, targets, consortia, planted defects, expected
checks), decided before anything is drawn. Wording comes from family2/content.yaml; the USCC, date
and numeral helpers and the `UnitPlan` record are shared with family 1 (pipeline.samples.units,
pipeline.samples.wording).

Targets in the truth carry the rules-file indicator and unit they correspond to (`indicator`,
`unit`, `value` converted, e.g. 0.42万平方米 → 4200 平方米) and what the page says
(`written_indicator`, `written_unit`, `written`); an applicant's own extra indicator has no rules
counterpart, so its `indicator` is the text as written (pipeline.facts.Target).
"""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import yaml

from pipeline.samples import oracle as O
from pipeline.samples import plan as P
from pipeline.samples import units as U
from pipeline.samples import wording as W

DEADLINE = P.DEADLINE
FORMATS = ("image_pdf", "docx", "tiff", "jpeg_folder", "text_pdf")
DEFECTS = (
    "short_lease", "member_dishonest_hit", "target_below_indicator", "no_application_unit", "late_date",
    "missing_seal", "disallowed_entity_type", "member_without_seal", "tax_violation_uscc_hit",
    "bad_uscc_check", "near_miss_name", "member_tax_name_hit",
)
TRACK_ONLY = {
    "short_lease": "innovation_community", "disallowed_entity_type": "innovation_community",
    "member_dishonest_hit": "open_source_community", "no_application_unit": "open_source_community",
    "member_without_seal": "open_source_community", "member_tax_name_hit": "open_source_community",
}
CONFLICTS = [
    {"tax_violation_uscc_hit", "near_miss_name", "bad_uscc_check", "member_dishonest_hit", "member_tax_name_hit"},
    {"missing_seal", "member_without_seal"},
    {"tax_violation_uscc_hit", "disallowed_entity_type"},
]
ROLE_ORDER = ["lead", "code_contributor", "application_unit"]


@lru_cache(maxsize=1)
def content() -> dict:
    text = resources.files("pipeline.samples.family2").joinpath("content.yaml").read_text("utf-8")
    return yaml.safe_load(text)


def person(rng: random.Random) -> str:
    c = content()
    return rng.choice(c["surnames"]) + rng.choice(c["given_names"])


def phone(rng: random.Random) -> str:
    if rng.random() < 0.6:
        return "1" + rng.choice("35789") + "".join(rng.choice("0123456789") for _ in range(9))
    return "(023)" + "".join(rng.choice("0123456789") for _ in range(8))


@dataclass
class Unit2(U.UnitPlan):
    """Family 1's unit record plus what this family's forms print apart."""
    kind: str = ""
    """enterprise | public_institution | social_organization | park_operator | individual | organ"""
    district: str = ""


FORM_KEY = {"enterprise": "company_forms", "park_operator": "park_operator_forms",
            "public_institution": "institution_forms", "individual": "individual_forms", "organ": "organ_forms"}
PREFIX = {"enterprise": "91", "park_operator": "91", "public_institution": "12", "individual": "92", "organ": "11"}


def make_unit(rng: random.Random, kind: str, used: set[str]) -> Unit2:
    """kind: enterprise | public_institution | social_organization | park_operator | individual | organ."""
    c = content()
    division = rng.choice(list(c["districts"]))
    district = c["districts"][division]
    for _ in range(100):
        if kind == "social_organization":
            key = rng.choice(["social_forms_51", "social_forms_52"])
            prefix = key[-2:]
        else:
            key, prefix = FORM_KEY[kind], PREFIX[kind]
        name = rng.choice(c[key]).format(core=rng.choice(c["name_cores"]), ind=rng.choice(c["industries"]),
                                         district=district)
        if name not in used:
            break
    used.add(name)
    return Unit2(name=name, uscc=U.make_uscc(rng, prefix, division),
                 entity_type={"individual": "other", "organ": "other"}.get(kind, kind),
                 type_text=rng.choice(c["type_words"][kind]), legal_rep=person(rng), contact=person(rng),
                 phone=phone(rng), address=f"重庆市{district}{rng.choice(c['roads'])}{rng.randint(2, 888)}号",
                 seal_shape="oval" if rng.random() < 0.2 else "round", kind=kind, district=district)


@dataclass
class Site2:
    tenure: str
    area: int
    lease_start: dt.date | None = None
    lease_end: dt.date | None = None
    lease_years: float | None = None
    period_text: str = ""
    end_written: bool = False
    owned_text: str = ""
    lessor: Unit2 | None = None


@dataclass
class Target2:
    indicator: str
    unit: str
    value: float
    minimum: int | None
    written: str
    written_indicator: str
    written_unit: str
    matched: bool = True


@dataclass
class App2:
    index: int
    entry: str
    fmt: str
    track: str
    applicant: Unit2
    members: list[Unit2]
    site: Site2 | None
    targets: list[Target2]
    declared_on: dt.date
    date_text: str
    cover_date_text: str
    defects: list[str]
    community: str
    font: str
    dpi: int
    straddle: bool
    style: dict = field(default_factory=dict)
    """Layout choices of this applicant's Word template (label variants, table shapes…)."""
    near_miss_name: str | None = None
    near_miss_uscc: str | None = None
    cover_month_only: bool = False


def write_date(d: dt.date, style: str) -> str:
    if style == "iso":
        return d.isoformat()
    if style == "dot":
        return f"{d.year}.{d.month}.{d.day}"
    if style == "cn":
        return W.write_date(d, "cn")
    if style == "spaced":  # a printed form's blanks filled in: 2026 年 7 月 16 日
        return f"{d.year} 年 {d.month} 月 {d.day} 日"
    return W.write_date(d, "arabic")


def cover_date(d: dt.date, style: str) -> str:
    """Covers often carry only the month; then the full date is on the 承诺书."""
    if style == "month_cn":
        return f"{W.cn_year(d.year)}年{W.cn_small(d.month)}月"
    if style == "month":
        return f"{d.year}年{d.month}月"
    return write_date(d, style)


CN_YEARS = {2: "两年", 3: "三年", 5: "五年", 10: "十年"}
BIG_YEARS = {2: "贰年", 3: "叁年", 5: "伍年", 10: "拾年"}


def _site(rng: random.Random, short: bool, used: set[str]) -> Site2:
    c = content()
    area = rng.choice([3200, 3500, 4200, 4800, 6000, 12000])
    if not short and rng.random() < 0.25:
        owned = rng.choice(c["owned_forms"]).format(year=rng.randint(2016, 2023), district=rng.choice(
            list(c["districts"].values())), num=rng.randint(1000000, 9999999))
        return Site2("owned", area, owned_text=owned)
    start = dt.date(rng.choice([2024, 2025, 2026]), rng.randint(1, 12), 1)
    if start > dt.date(2026, 7, 1):
        start = start.replace(year=2025)
    years = 2 if short else rng.choice([3, 3, 5, 10])
    end = W.add_years(start, years) - dt.timedelta(days=1)
    kind = rng.choice(["range", "range", "term"])
    dstyle = rng.choice(["dot", "iso", "arabic", "cn"])
    form = rng.choice(c["lease_forms"][kind])
    text = form.format(start=write_date(start, dstyle), end=write_date(end, dstyle), years_cn=CN_YEARS[years],
                       years_big=BIG_YEARS[years], months=years * 12)
    s = Site2("leased", area, start, end if kind == "range" else None, float(years), text, kind == "range")
    s.lessor = make_unit(rng, rng.choice(["park_operator", "enterprise"]), used)
    return s


def _targets(rng: random.Random, track: str, below: bool) -> list[Target2]:
    c = content()
    inds = c["indicators"][track]
    low_i = rng.randrange(len(inds)) if below else -1
    out = []
    for i, ind in enumerate(inds):
        m = ind["min"]
        if i == low_i:
            value = int(m * rng.choice([0.5, 0.6, 0.8]))
        else:
            value = int(m * rng.choice([1.0, 1.2, 1.5, 2.0, 4.0]))
        wu, scale = rng.choice(ind["units"])
        if scale != 1 and (value < 1000 or value % 10):
            wu, scale = ind["units"][0]
        num = value / scale
        shown = f"{num:g}" if scale != 1 else str(value)
        written = rng.choice(c["value_forms"]).format(v=shown) if i != low_i else shown
        out.append(Target2(ind["name"], ind["unit"], value, m, written, rng.choice(ind["written"]), wu))
    for ex in c["extra_indicators"][track]:
        if rng.random() < 0.4:
            v = rng.choice(ex["values"])
            out.append(Target2(ex["name"], ex["unit"], v, None, str(v), ex["name"], ex["unit"], matched=False))
    return out


def _consortium(rng: random.Random, lead: Unit2, defects: list[str], used: set[str]) -> list[Unit2]:
    c = content()
    n = rng.choice([2, 3, 3, 4])
    members = [lead]
    for k in range(1, n):
        members.append(make_unit(rng, rng.choice(["enterprise", "enterprise", "public_institution",
                                                  "social_organization"]), used))
    lead.roles = ["lead"] + (["code_contributor"] if rng.random() < 0.4 else [])
    members[1].roles = ["code_contributor"]
    if "no_application_unit" in defects:
        for m in members[2:]:
            m.roles = ["code_contributor"]
    else:
        last = members[-1]
        last.roles = [r for r in ROLE_ORDER if r in set(last.roles) | {"application_unit"}]
        for m in members[2:-1]:
            m.roles = [rng.choice(["code_contributor", "application_unit"])]
    for m in members:
        m.role_text = "、".join(rng.choice(c["role_words"][r]) for r in m.roles)
    if "member_without_seal" in defects:
        members[-1].sealed = False
    return members


def plan_application(seed: int, index: int, track: str, fmt: str, defects: list[str], used: set[str],
                     dpi_choices=(200, 300)) -> App2:
    rng = random.Random(f"jiebang-family2:{seed}:{index}")
    c = content()
    if "disallowed_entity_type" in defects:
        kind = rng.choice(["individual", "organ"])
    elif "near_miss_name" in defects or "tax_violation_uscc_hit" in defects:
        kind = "enterprise"
    elif track == "innovation_community":
        kind = rng.choice(["enterprise", "enterprise", "park_operator", "public_institution", "social_organization"])
    else:
        kind = rng.choice(["enterprise", "enterprise", "public_institution"])
    applicant = make_unit(rng, kind, used)
    if "missing_seal" in defects:
        applicant.sealed = False
    members = _consortium(rng, applicant, defects, used) if track == "open_source_community" else []
    if "bad_uscc_check" in defects:
        u = members[-1] if members else applicant
        u.uscc, u.uscc_valid = U.break_check_digit(u.uscc), False
    site = _site(rng, "short_lease" in defects, used) if track == "innovation_community" else None
    if "late_date" in defects:
        declared = DEADLINE + dt.timedelta(days=rng.randint(1, 8))
    else:
        declared = DEADLINE - dt.timedelta(days=rng.randint(1, 18))
    dstyle = ["dot", "cn", "iso", "arabic", "spaced"][(index + seed) % 5]
    cstyle = rng.choice(["month_cn", "month", dstyle])
    app = App2(index=index, entry="", fmt=fmt, track=track, applicant=applicant, members=members, site=site,
               targets=_targets(rng, track, "target_below_indicator" in defects), declared_on=declared,
               date_text=write_date(declared, dstyle), cover_date_text=cover_date(declared, cstyle),
               defects=list(defects), community=rng.choice(c["community_names"][track]),
               font=rng.choice(["serif", "sans", "wqy"]), dpi=rng.choice(list(dpi_choices)),
               straddle=rng.random() < 0.6)
    app.cover_month_only = cstyle.startswith("month")
    if "near_miss_name" in defects:
        app.near_miss_name = near_miss(applicant.name)
        app.near_miss_uscc = U.make_uscc(rng, "91", applicant.uscc[2:8])
    app.style = {
        "labels": {k: rng.choice(v) for k, v in c["labels"].items()},
        "type_as_ticks": kind in ("individual", "organ") or rng.random() < 0.6,
        "tick": rng.choice(c["ticks"] + (c["ticks_word_only"] if fmt == "docx" else [])),
        "basic_grid": rng.choice(["kv", "grid4"]),
        "members": rng.choice(c["member_layouts"]),
        "targets": rng.choice(["rows", "transposed", "prose"]),
        "toc": rng.random() < 0.6,
        "cover_table": rng.random() < 0.4,
        "title": rng.randrange(len(c["cover_titles"][track])),
        "margin": rng.choice([20.0, 24.0, 30.0]),
        "body_pt": rng.choice([11.0, 12.0, 13.0]),
        "seal_on_cover": rng.random() < 0.5,
        "grey": rng.random() < 0.15,
        "certificate": rng.random() < 0.5,
    }
    if app.style["type_as_ticks"]:  # what the form declares is the ticked option
        opt = c["tick_of_kind"][kind]
        applicant.type_text = f"{opt}（{c['other_detail'][kind]}）" if opt == "其他" else opt
    return app


def near_miss(name: str) -> str:
    for a, b in sorted(content()["near_miss_swaps"].items(), key=lambda kv: -len(kv[0])):
        if a in name:
            return name.replace(a, b, 1)
    return name + "分公司"


def assign_defects(innov: list[int], oss: list[int], clean: set[int]) -> dict[int, list[str]]:
    """Each defect to an application of a fitting track, fewest defects first, no conflicts."""
    out: dict[int, list[str]] = {i: [] for i in innov + oss}
    total = len(innov) + len(oss) - len(clean)
    cap = 1 if total >= len(DEFECTS) else 3
    for d in DEFECTS:
        track = TRACK_ONLY.get(d)
        pool = innov if track == "innovation_community" else oss if track else innov + oss
        cands = [i for i in pool if i not in clean and len(out[i]) < cap
                 and not any(d in g and set(out[i]) & g for g in CONFLICTS)]
        if cands:
            out[min(cands, key=lambda i: (len(out[i]), i))].append(d)
    return out


def plan_applications(seed: int, n: int, dpi_choices=(200, 300)) -> list[App2]:
    """Tracks alternate, open-source first; formats rotate in this family's order."""
    tracks = ["open_source_community" if i % 2 == 0 else "innovation_community" for i in range(n)]
    innov = [i for i, t in enumerate(tracks) if t == "innovation_community"]
    oss = [i for i, t in enumerate(tracks) if t == "open_source_community"]
    clean: set[int] = set()
    if n >= 4:
        clean = {oss[-1]} if n < 8 else {oss[-1], innov[-1]}
    defects = assign_defects(innov, oss, clean)
    used: set[str] = set()
    apps = []
    for i, track in enumerate(tracks):
        fmt = FORMATS[(i + seed) % len(FORMATS)]
        app = plan_application(seed, i, track, fmt, defects[i], used, dpi_choices)
        ext = {"tiff": ".tiff", "text_pdf": ".pdf", "image_pdf": ".pdf", "docx": ".docx", "jpeg_folder": ""}[fmt]
        label = "创新创业社区" if track == "innovation_community" else "开源社区"
        app.entry = f"{i + 1:03d}-{label}-{app.applicant.name}{ext}"
        apps.append(app)
    return apps


# what this family plants and says where its expected statuses differ from family 1's (pipeline.samples.oracle)
ORACLE = O.Oracle(
    hits=(O.CreditHit("member_dishonest_hit", "credit.dishonest_debtor", "second_member",
                      "成员单位的统一社会信用代码在失信被执行人名单中"),
          O.CreditHit("tax_violation_uscc_hit", "credit.tax_violation", "applicant", "纳税人识别号与统一社会信用代码一致"),
          O.CreditHit("member_tax_name_hit", "credit.tax_violation", "last_member",
                      "名单无代码，成员单位名称规范化（全角/半角括号）后完全一致")),
    type_why="单位性质勾选“其他”（{type_text}），不属于企业、事业单位、社会组织或产业园区运营管理机构",
    near_miss_why="名单中“{name}”名称相近但统一社会信用代码不同；提示人工核对也可接受",
    target_why="{t.written_indicator}{t.written}{t.written_unit}低于{t.minimum}{t.unit}",
    target_fields=("indicator", "value", "unit", "written", "written_indicator", "written_unit", "matched"),
    lease_text=True, cover_date=True,
)
