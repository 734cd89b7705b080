"""What a generated bundle contains, decided before any pixel is drawn: units, defects, expected checks.

Pure and cheap (no rendering), so tests can plan 20+ applications in milliseconds. Every random
choice comes from `random.Random` seeded with a string, so one seed gives one bundle everywhere.
"""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from pipeline.samples import oracle as O
from pipeline.samples.units import UnitPlan, break_check_digit, make_unit, make_uscc
from pipeline.samples.wording import add_years, cn_number, content, write_date

DEADLINE = dt.date(2026, 7, 23)
FORMATS = ("tiff", "text_pdf", "jpeg_folder", "docx", "image_pdf")

# Defects in the order they are handed out: with few applications the first ones appear.
DEFECTS = (
    "missing_seal", "short_lease", "no_application_unit", "dishonest_debtor_hit",
    "tax_violation_name_hit", "near_miss_name", "bad_uscc_check", "late_date",
    "target_below_indicator", "member_without_seal", "disallowed_entity_type",
    "single_member_consortium",
)
TRACK_ONLY = {
    "short_lease": "innovation_community", "disallowed_entity_type": "innovation_community",
    "no_application_unit": "open_source_community", "member_without_seal": "open_source_community",
    "single_member_consortium": "open_source_community",
}
# Defects that cannot share an application (they touch the same unit or the same table).
CONFLICTS = [
    {"dishonest_debtor_hit", "tax_violation_name_hit", "near_miss_name", "bad_uscc_check"},
    {"single_member_consortium", "no_application_unit", "member_without_seal"},
    {"missing_seal", "member_without_seal"},
    {"tax_violation_name_hit", "disallowed_entity_type"},
]


# ---------------------------------------------------------------- application plan

@dataclass
class SitePlan:
    tenure: str
    text: str
    lease_start: dt.date | None = None
    lease_end: dt.date | None = None
    lease_years: float | None = None
    area: int = 0
    period_text: str = ""
    """The lease period as written (the contract page repeats it in the same form)."""
    lessor: UnitPlan | None = None


@dataclass
class TargetPlan:
    indicator: str
    unit: str
    minimum: int
    value: int
    written: str


@dataclass
class AppPlan:
    index: int
    entry: str
    fmt: str
    track: str
    applicant: UnitPlan
    members: list[UnitPlan]
    site: SitePlan | None
    targets: list[TargetPlan]
    declared_on: dt.date
    date_text: str
    defects: list[str]
    community: str
    font: str
    dpi: int
    straddle: bool
    red_heading: bool
    red_rules: bool
    red_logo: bool
    margin: float = 26.0
    """Left/right page margin, mm (booklets are typeset differently)."""
    body_pt: float = 12.0
    upside_down_page: int | None = None
    near_miss_name: str | None = None
    near_miss_uscc: str | None = None


def assign_defects(n_innov: list[int], n_os: list[int], clean: set[int]) -> dict[int, list[str]]:
    """Hand each defect to an application of a fitting track, fewest defects first, no conflicts."""
    out: dict[int, list[str]] = {i: [] for i in n_innov + n_os}
    total = len(n_innov) + len(n_os) - len(clean)
    cap = 1 if total >= len(DEFECTS) else 3
    for d in DEFECTS:
        track = TRACK_ONLY.get(d)
        pool = n_innov if track == "innovation_community" else n_os if track else n_innov + n_os
        cands = [i for i in pool if i not in clean and len(out[i]) < cap
                 and not any(d in g and set(out[i]) & g for g in CONFLICTS)]
        if not cands:
            continue
        best = min(cands, key=lambda i: (len(out[i]), i))
        out[best].append(d)
    return out


def _site(rng: random.Random, short: bool) -> SitePlan:
    area = rng.choice([3200, 3600, 4200, 5000, 6800])
    if not short and rng.random() < 0.3:
        return SitePlan("owned", f"社区场地为本单位自有房产，已取得不动产权证书（渝（2021）{rng.choice(['渝北区','江北区','南岸区'])}不动产权第{rng.randint(100000, 999999)}号），建筑面积{area}平方米。", area=area)
    start = dt.date(rng.choice([2024, 2025, 2026]), rng.randint(1, 12), 1)
    if start > dt.date(2026, 7, 1):
        start = start.replace(year=2025)
    years = 2 if short else rng.choice([3, 5, 5, 10])
    end = add_years(start, years) - dt.timedelta(days=1)
    style = rng.choice(["range", "term_cn", "term_big", "term_months"])
    start_txt = write_date(start, rng.choice(["arabic", "arabic", "cn"]))
    term_cn = {2: "两年", 3: "三年", 5: "五年", 10: "十年"}[years]
    term_big = {2: "贰年", 3: "叁年", 5: "伍年", 10: "拾年"}[years]
    lead = f"社区场地位于重庆市{rng.choice(content()['roads'])}{rng.randint(1, 300)}号，租赁面积{area}平方米，"
    if style == "range":
        period = f"自{start_txt}至{write_date(end, 'arabic')}止"
        text = lead + f"租赁期限{period}，租赁合同及出租方产权证明见附件。"
        return SitePlan("leased", text, start, end, float(years), area, period)
    term = {"term_cn": f"租期{term_cn}", "term_big": f"租期{term_big}", "term_months": f"租期{years * 12}个月"}[style]
    period = f"自{start_txt}起{term}"
    text = lead + f"{period}，租赁合同及出租方产权证明见附件。"
    return SitePlan("leased", text, start, None, float(years), area, period)


def _targets(rng: random.Random, track: str, below: bool) -> list[TargetPlan]:
    out = []
    inds = content()["indicators"][track]
    low_i = rng.randrange(len(inds)) if below else -1
    for i, ind in enumerate(inds):
        m = ind["min"]
        if i == low_i:
            value = max(1, int(m * rng.choice([0.5, 0.6, 0.8])))
        else:
            value = int(m * rng.choice([1.0, 1.2, 1.5, 2.0]))
        written = cn_number(value, rng) if rng.random() < 0.35 else str(value)
        out.append(TargetPlan(ind["name"], ind["unit"], m, value, written))
    return out


def _consortium(rng: random.Random, lead: UnitPlan, defects: list[str], used: set[str]) -> list[UnitPlan]:
    c = content()
    if "single_member_consortium" in defects:
        lead.roles = ["lead", "code_contributor", "application_unit"]
        members = [lead]
    else:
        lead.roles = ["lead"] + (["code_contributor"] if rng.random() < 0.5 else [])
        n = rng.choice([2, 3, 3, 4])
        members = [lead]
        kinds = ["enterprise", "enterprise", "public_institution", "social_organization"]
        for k in range(1, n):
            m = make_unit(rng, kinds[(k + rng.randrange(4)) % 4], used)
            members.append(m)
        members[1].roles = ["code_contributor"]
        if "no_application_unit" in defects:
            for m in members[2:]:
                m.roles = ["code_contributor"]
        else:
            members[-1].roles = sorted(set(members[-1].roles) | {"application_unit"},
                                       key=["lead", "code_contributor", "application_unit"].index)
            for m in members[2:-1]:
                m.roles = [rng.choice(["code_contributor", "application_unit"])]
    for m in members:
        m.role_text = "、".join(rng.choice(c["role_words"][r]) for r in m.roles)
    if "member_without_seal" in defects:
        members[-1].sealed = False
    return members


def plan_application(seed: int, index: int, track: str, fmt: str, defects: list[str],
                     used: set[str], dpi_choices=(200, 300)) -> AppPlan:
    rng = random.Random(f"jiebang-samples:{seed}:{index}")
    c = content()
    if "near_miss_name" in defects:
        kind = "enterprise"
    elif "disallowed_entity_type" in defects:
        kind = rng.choice(["individual", "organ"])
    elif track == "innovation_community":
        kind = rng.choice(["enterprise", "enterprise", "park_operator", "public_institution", "social_organization"])
    else:
        kind = "enterprise"
    bracket = "tax_violation_name_hit" in defects or (kind == "enterprise" and rng.random() < 0.25)
    applicant = make_unit(rng, kind if not bracket else "enterprise", used, bracket=bracket)
    if "bad_uscc_check" in defects:
        applicant.uscc = break_check_digit(applicant.uscc)
        applicant.uscc_valid = False
    if "missing_seal" in defects:
        applicant.sealed = False
    members = _consortium(rng, applicant, defects, used) if track == "open_source_community" else []
    site = _site(rng, "short_lease" in defects) if track == "innovation_community" else None
    if site and site.tenure == "leased":
        site.lessor = make_unit(rng, "park_operator" if rng.random() < 0.5 else "enterprise", used)
    if "late_date" in defects:
        declared = DEADLINE + dt.timedelta(days=rng.randint(1, 8))
    else:
        declared = DEADLINE - dt.timedelta(days=rng.randint(1, 14))
    style = ["arabic", "dot", "cn"][(index + seed) % 3]
    app = AppPlan(
        index=index, entry="", fmt=fmt, track=track, applicant=applicant, members=members, site=site,
        targets=_targets(rng, track, "target_below_indicator" in defects),
        declared_on=declared, date_text=write_date(declared, style), defects=list(defects),
        community=rng.choice(c["community_names"][track]),
        font=rng.choice(["serif", "sans", "wqy"]), dpi=rng.choice(list(dpi_choices)),
        straddle=(index % 2 == 0) or rng.random() < 0.3,
        red_heading=rng.random() < 0.6, red_rules=rng.random() < 0.5, red_logo=rng.random() < 0.5,
    )
    app.margin = rng.choice([22.0, 25.0, 26.0, 28.0])
    app.body_pt = rng.choice([12.0, 12.0, 13.0, 14.0])
    if "near_miss_name" in defects:
        app.near_miss_name = near_miss(applicant.name)
        app.near_miss_uscc = make_uscc(rng, "91", applicant.uscc[2:8])
    return app


def near_miss(name: str) -> str:
    """A different company whose name differs from `name` by a word (科技→技术 …)."""
    for a, b in sorted(content()["near_miss_swaps"].items(), key=lambda kv: -len(kv[0])):
        if a in name:
            return name.replace(a, b, 1)
    return name.replace("重庆", "重庆市", 1) if name.startswith("重庆") and not name.startswith("重庆市") else "重庆" + name


def plan_applications(seed: int, n_applications: int, dpi_choices=(200, 300)) -> list[AppPlan]:
    """Tracks alternate (innovation first); formats rotate; defects spread as `assign_defects` says."""
    tracks = ["innovation_community" if i % 2 == 0 else "open_source_community" for i in range(n_applications)]
    innov = [i for i, t in enumerate(tracks) if t == "innovation_community"]
    oss = [i for i, t in enumerate(tracks) if t == "open_source_community"]
    # keep one clean application of each track in sets of 4 or more, so a demo shows an eligible case
    clean = set()
    if n_applications >= 4:
        clean = {innov[-1]} if n_applications < 8 else {innov[-1], oss[-1]}
    defects = assign_defects(innov, oss, clean)
    used: set[str] = set()
    apps = []
    for i, track in enumerate(tracks):
        fmt = FORMATS[i % len(FORMATS)]
        app = plan_application(seed, i, track, fmt, defects[i], used, dpi_choices)
        short = "创新" if track == "innovation_community" else "开源"
        ext = {"tiff": ".tif", "text_pdf": ".pdf", "image_pdf": ".pdf", "docx": ".docx", "jpeg_folder": ""}[fmt]
        app.entry = f"{i + 1:02d}_{short}_{app.applicant.name}{ext}"
        apps.append(app)
    return apps


# ---------------------------------------------------------------- expected checks

ACCEPT_ALSO = O.ACCEPT_ALSO
verdict = O.verdict
ORACLE = O.Oracle(
    hits=(O.CreditHit("dishonest_debtor_hit", "credit.dishonest_debtor", "applicant", "统一社会信用代码与失信被执行人名单一致"),
          O.CreditHit("tax_violation_name_hit", "credit.tax_violation", "applicant",
                      "名单无代码，名称规范化（全角/半角括号）后完全一致")),
    type_why="单位性质为{type_text}，不属于企业、事业单位、社会组织或产业园区运营管理机构",
    near_miss_why="名单中“{name}”名称相近但统一社会信用代码不同，不是同一主体；提示人工核对也可接受",
    target_why="{t.indicator}{t.value}{t.unit}低于{t.minimum}{t.unit}",
)


def expected_checks(app: AppPlan) -> list[dict]:
    """Expected status of every SPEC §4 rule for this application (pipeline.samples.oracle)."""
    return O.expected_checks(app, ORACLE, DEADLINE)
