"""Rules engine: every SPEC §4 rule with pass, fail and review cases on hand-made facts."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from stdnum.cn import uscc as stdnum_uscc
from stdnum.exceptions import ValidationError

from pipeline import uscc
from pipeline.checks import engine as E
from pipeline.checks.credit import CreditIndex, load_credit_list
from pipeline.checks.rules import RULE_IDS, load_rules
from pipeline.facts import ROLES_UNREAD, ApplicationFacts, Evidence, Fact, Seal, SealPlace, Site, Target, Unit

RULES = load_rules()
BOX = (0.1, 0.1, 0.3, 0.12)
HUAWEI, XIAOMI, CHANGAN = "914403001922038216", "91110108551385082Q", "9150000020286320X6"
MA5U = "91500000MA5UA3W18Q"
TENCENT = "91440300708461136T"


def fact(value, conf=0.95, text=None, note=""):
    if value is None:
        return Fact(reason="未找到")
    ev = Evidence(file="a.pdf", page=1, bbox=BOX, text=str(value if text is None else text), confidence=conf, note=note)
    return Fact(value=value, evidence=(ev,), confidence=conf)


def unit(name, code=None, etype=None, roles=(), conf=0.95, type_text=""):
    role_ev = (Evidence(file="a.pdf", page=3, text="、".join(roles), confidence=conf),) if roles else ()
    return Unit(name=fact(name, conf), uscc=fact(code, conf), entity_type=fact(etype, conf),
                declared_type_text=type_text, roles=tuple(roles), role_evidence=role_ev)


def seal(name, conf=0.9, page=5):
    return Seal(file="a.pdf", page=page, bbox=(0.6, 0.7, 0.8, 0.85), kind="round", text=name or "", matched_unit=name,
                confidence=conf)


PLANS = {k: fact("有") for k in RULES.plan_sections}
INNOV_TARGETS = tuple(Target(indicator=i.name, value=i.min * 1.5, unit=i.unit, matched=True,
                             evidence=(Evidence(file="a.pdf", page=8, text=i.name, confidence=0.95),))
                      for i in RULES.indicators["innovation_community"])
OSS_TARGETS = tuple(Target(indicator=i.name, value=i.min, unit=i.unit, matched=True,
                           evidence=(Evidence(file="a.pdf", page=8, text=i.name, confidence=0.95),))
                    for i in RULES.indicators["open_source_community"])


def innovation(**kw) -> ApplicationFacts:
    base = dict(
        track=fact("innovation_community"),
        applicant=unit("重庆云杉科技有限公司", MA5U, "enterprise", type_text="有限责任公司"),
        site=Site(tenure=fact("leased"), lease_start=fact(dt.date(2026, 7, 1)), lease_end=fact(dt.date(2029, 6, 30)),
                  lease_years=fact(3)),
        seals=(seal("重庆云杉科技有限公司"),),
        targets=INNOV_TARGETS,
        declared_on=fact(dt.date(2026, 7, 20)),
        plan_sections=PLANS,
    )
    base.update(kw)
    return ApplicationFacts(**base)


LEAD = unit("重庆云杉科技有限公司", MA5U, "enterprise", ("lead",))
CODE = unit("重庆开源软件有限公司", TENCENT, "enterprise", ("code_contributor",))
APPL = unit("重庆应用数据有限公司", XIAOMI, "enterprise", ("application_unit",))


def open_source(**kw) -> ApplicationFacts:
    members = kw.pop("consortium", (LEAD, CODE, APPL))
    base = dict(
        track=fact("open_source_community"),
        applicant=LEAD,
        consortium=members,
        # the member table read whole: it names exactly the members found
        consortium_list=kw.pop("consortium_list", fact(len(members), text="联合体成员单位表")),
        seals=tuple(seal(str(m.name.value)) for m in members),
        targets=OSS_TARGETS,
        declared_on=fact(dt.date(2026, 7, 23)),
    )
    base.update(kw)
    return ApplicationFacts(**base)


def by_rule(results, rule, unit_name=None):
    hits = [r for r in results if r.rule == rule and (unit_name is None or r.unit == unit_name)]
    assert len(hits) == 1, (rule, unit_name, hits)
    return hits[0]


@pytest.fixture(scope="module")
def credit(tmp_path_factory) -> CreditIndex:
    d = tmp_path_factory.mktemp("credit")
    debt = d / "失信被执行人.csv"
    debt.write_text(
        "被执行人姓名/名称,身份证号码/组织机构代码,执行法院,案号,发布时间\n"
        f"重庆失信科技有限公司,{HUAWEI},重庆市第一中级人民法院,(2025)渝01执1号,2025-03-01\n"
        f"重庆旧码实业有限公司,{CHANGAN[8:16]}-{CHANGAN[16]},重庆市第五中级人民法院,(2016)渝05执9号,2016-01-05\n"
        "重庆云杉技术有限公司,91500112MA5U0000XX,重庆市渝北区人民法院,(2025)渝0112执5号,2025-05-01\n",
        encoding="gb18030")
    tax = d / "重大税收违法.csv"
    tax.write_text(
        "纳税人名称,纳税人识别号,案件性质,主要违法事实,公布日期,撤出日期\n"
        "重庆偷税（集团）有限责任公司,,偷税,隐匿收入,2025-06-01,\n"
        "重庆已撤出有限公司,,偷税,隐匿收入,2023-06-01,2024-01-01\n"
        "重庆模糊名称科技有限公司,,虚开增值税专用发票,虚开,2025-06-01,\n",
        encoding="utf-8-sig")
    return CreditIndex.build([load_credit_list(debt), load_credit_list(tax)], RULES.thresholds.fuzzy_name)


# ------------------------------------------------------------------ entity.uscc_valid

def test_uscc_valid_pass_review_missing_and_low_confidence():
    ok = E.check_uscc_valid(unit("甲", MA5U), "甲", RULES)
    assert ok.status == "pass" and ok.clause == "一(一)1, 一(二)1" and ok.evidence
    bad18 = E.check_uscc_valid(unit("甲", "91350203M0001QKT19"), "甲", RULES)  # legal but fails pos 18
    assert bad18.status == "review" and "第18位" in bad18.detail
    bad17 = MA5U[:16] + ("0" if MA5U[16] != "0" else "1")
    r17 = E.check_uscc_valid(unit("甲", uscc.complete(bad17[:17])), "甲", RULES)
    assert r17.status == "review" and "第17位" in r17.detail
    assert E.check_uscc_valid(unit("甲", None), "甲", RULES).status == "review"
    assert E.check_uscc_valid(unit("甲", MA5U, conf=0.5), "甲", RULES).status == "review"


def test_uscc_valid_never_fails():
    for code in ("91110000800088421P", "9133010057462616XH", "91500000MA5U7ABC1X", "12345", "N2500000MA5UA3W18Q"):
        assert E.check_uscc_valid(unit("甲", code), "甲", RULES).status == "review"


@pytest.mark.parametrize("code", [HUAWEI, XIAOMI, CHANGAN, MA5U, "91500000MA5UTMTB6F", "91110000600037341L",
                                  "91110000800088421P", "91350203M0001QKT19"])
def test_stdnum_cross_check_on_digit_prefix_codes(code):
    """stdnum agrees on position 18 for codes with digits in 1–8; it never looks at position 17."""
    assert stdnum_uscc.is_valid(code) == uscc.check(code).check18_ok


def test_stdnum_rejects_legal_letter_prefix_codes_and_ignores_position_17():
    # a well-formed code from 登记管理部门 Y (其他) / N (农业): valid for us, a format error for stdnum
    for first8 in ("Y1500000", "N2500112"):
        body = "MA5UA3W1"
        code = uscc.complete(first8 + body + uscc.org_code_check(body))
        assert uscc.is_valid(code)
        with pytest.raises(ValidationError):
            stdnum_uscc.validate(code)
    # wrong position 17, position 18 recomputed: stdnum accepts it, we do not
    body = "MA5UA3W1"
    wrong17 = "0" if uscc.org_code_check(body) != "0" else "1"
    code = uscc.complete("91500000" + body + wrong17)
    assert stdnum_uscc.is_valid(code) and not uscc.is_valid(code)


# ------------------------------------------------------------------ entity.type_allowed

def test_type_allowed():
    ok = E.check_type_allowed(unit("甲", MA5U, "enterprise", type_text="有限责任公司"), "甲", RULES)
    assert ok.status == "pass"
    park = E.check_type_allowed(unit("甲", "12500000MA5UA3W1" + "XX", "park_operator"), "甲", RULES)
    assert park.status == "pass"
    bad = E.check_type_allowed(unit("甲", None, "other", type_text="个体工商户"), "甲", RULES)
    assert bad.status == "fail" and "个体工商户" in bad.detail
    assert E.check_type_allowed(unit("甲", None, "other", conf=0.4), "甲", RULES).status == "review"
    assert E.check_type_allowed(unit("甲", MA5U, None), "甲", RULES).status == "review"
    # declared 事业单位 but the code says enterprise (91): the reviewer decides
    clash = E.check_type_allowed(unit("甲", MA5U, "public_institution", type_text="事业单位"), "甲", RULES)
    assert clash.status == "review" and "91" in clash.detail


def test_type_read_unsurely_passes_only_when_the_sure_code_gives_that_allowed_type_alone():
    """A tick row's mark not read (as on dev seed 933 #010), 事业单位 taken as the one unmarked option at 0.69,
    a valid code 12… read surely: two readings agree on an allowed type (rules.yaml code_prefixes: 12 → 事业单位)."""
    code12 = "12500153534243330X"
    low = unit("甲", code12, "public_institution", type_text="事业单位")
    low = low.model_copy(update={"entity_type": fact("public_institution", 0.69)})
    r = E.check_type_allowed(low, "甲", RULES)
    assert r.status == "pass" and "12" in r.detail and "0.69" in r.detail, r.detail
    # the code read unsurely too, or giving another type than the one read: the reviewer decides
    unsure = low.model_copy(update={"uscc": fact(code12, 0.6)})
    assert E.check_type_allowed(unsure, "甲", RULES).status == "review"
    park = low.model_copy(update={"entity_type": fact("park_operator", 0.69)})
    assert E.check_type_allowed(park, "甲", RULES).status == "review"
    other = low.model_copy(update={"uscc": fact(MA5U, 0.95)})
    assert E.check_type_allowed(other, "甲", RULES).status == "review"


# ------------------------------------------------------------------ credit.*

def test_credit_uscc_hit_fails_with_record_evidence(credit):
    r = E.check_credit("credit.dishonest_debtor", "dishonest_debtor", unit("重庆某某有限公司", HUAWEI), "x", RULES, credit)
    assert r.status == "fail" and "第2行" in r.detail
    ev = r.evidence[0]
    assert ev.file.endswith("失信被执行人.csv") and "sha256" in ev.note and "重庆失信科技有限公司" in ev.text


def test_credit_org_code_hit_fails(credit):
    r = E.check_credit("credit.dishonest_debtor", "dishonest_debtor", unit("重庆长安汽车股份有限公司", CHANGAN), "x", RULES, credit)
    assert r.status == "fail" and "组织机构代码" in r.detail


def test_credit_exact_normalised_name_without_code_fails(credit):
    u = unit("重庆偷税(集团)有限公司", XIAOMI)
    r = E.check_credit("credit.tax_violation", "tax_violation", u, "x", RULES, credit)
    assert r.status == "fail" and "名称规范化后" in r.detail


def test_credit_removed_record_does_not_hit(credit):
    r = E.check_credit("credit.tax_violation", "tax_violation", unit("重庆已撤出有限公司", XIAOMI), "x", RULES, credit)
    assert r.status == "pass"


def test_credit_fuzzy_name_without_code_is_review(credit):
    r = E.check_credit("credit.tax_violation", "tax_violation", unit("重庆模糊名称技术有限公司", None), "x", RULES, credit)
    assert r.status == "review" and "相似度" in r.detail and r.evidence[0].note.startswith("重大税收违法失信主体名单第4行")


def test_credit_near_miss_name_with_different_code_is_not_a_fail(credit):
    r = E.check_credit("credit.dishonest_debtor", "dishonest_debtor", unit("重庆云杉科技有限公司", MA5U), "x", RULES, credit)
    assert r.status == "pass" and "不是同一主体" in r.detail


def test_credit_review_without_lists_or_identity(credit):
    assert E.check_credit("credit.tax_violation", "tax_violation", unit("甲", MA5U), "x", RULES, None).status == "review"
    only_debt = CreditIndex.build([l for l in credit.lists if l.kind == "dishonest_debtor"])
    r = E.check_credit("credit.tax_violation", "tax_violation", unit("甲", MA5U), "x", RULES, only_debt)
    assert r.status == "review" and "未提供重大税收违法失信主体名单" in r.detail
    r = E.check_credit("credit.tax_violation", "tax_violation", unit(None, None), "x", RULES, credit)
    assert r.status == "review"
    # not listed, but the name was read poorly and the code is missing
    r = E.check_credit("credit.tax_violation", "tax_violation", unit("重庆无关有限公司", None, conf=0.5), "x", RULES, credit)
    assert r.status == "review"


# ------------------------------------------------------------------ seal.present

def test_seal_present_pass_fail_review():
    f = open_source()
    assert E.check_seal(CODE, "c", f, RULES).status == "pass"
    # no seal found and no place of the unit found: a missed seal looks the same → review (issue 16;
    # this was `fail` before session 5)
    none = open_source(seals=())
    r = E.check_seal(CODE, "c", none, RULES)
    assert r.status == "review" and "未找到该单位的盖章处" in r.detail
    others = open_source(seals=(seal("重庆云杉科技有限公司"), seal("重庆应用数据有限公司")))
    r = E.check_seal(CODE, "c", others, RULES)
    assert r.status == "review" and "其他单位" in r.detail and "未找到该单位的盖章处" in r.detail
    unread = open_source(seals=(seal("重庆云杉科技有限公司"), seal(None)))
    assert E.check_seal(CODE, "c", unread, RULES).status == "review"
    low = open_source(seals=(seal("重庆开源软件有限公司", conf=0.3),))
    assert E.check_seal(CODE, "c", low, RULES).status == "review"
    nameless = unit(None, TENCENT, roles=("code_contributor",))
    assert E.check_seal(nameless, "c", others, RULES).status == "review"


def test_seal_present_fails_only_at_the_units_own_place():
    """`fail` rests on the unit's seal place found on a page with colour and shown without its seal."""
    named = SealPlace(label="成员单位（盖章）", file="a.pdf", page=6, bbox=BOX, unit="重庆开源软件有限公司")
    bare = open_source(seals=(seal("重庆云杉科技有限公司"),), seal_places=(named,))
    r = E.check_seal(CODE, "c", bare, RULES)
    assert r.status == "fail" and "第6页" in r.detail and r.evidence[0].page == 6
    # another unit's seal at the place
    taken = open_source(seals=(seal("重庆云杉科技有限公司"), seal("重庆应用数据有限公司", page=6)),
                        seal_places=(named.model_copy(update={"seal_index": 1}),))
    r = E.check_seal(CODE, "c", taken, RULES)
    assert r.status == "fail" and "重庆应用数据有限公司" in r.detail
    # the place is on a page stored without colour: no evidence
    grey = bare.model_copy(update={"colourless_pages": (("a.pdf", 6),)})
    assert E.check_seal(CODE, "c", grey, RULES).status == "review"
    # a place by role word: 牵头 → the lead; not the code contributor's
    lead = SealPlace(label="联合体牵头单位（盖章）", file="a.pdf", page=1, bbox=BOX)
    f = open_source(seals=(seal("重庆开源软件有限公司"),), seal_places=(lead,))
    assert E.check_seal(LEAD, "c", f, RULES).status == "fail"
    assert E.check_seal(APPL, "c", f, RULES).status == "review"
    # one unit: an unnamed place is its own
    alone = innovation(seals=(), seal_places=(SealPlace(label="（盖章）", file="a.pdf", page=9, bbox=BOX),))
    r = E.check_seal(alone.applicant, "a", alone, RULES)
    assert r.status == "fail" and "第9页" in r.detail
    assert E.check_seal(alone.applicant, "a", innovation(seals=()), RULES).status == "review"
    # 联合体各方（盖章） with only some members' seals read there
    shared = [SealPlace(label="联合体各方（盖章）", file="a.pdf", page=7, bbox=BOX, unit=n, seal_index=i)
              for i, n in enumerate(("重庆云杉科技有限公司", "重庆应用数据有限公司"))]
    f = open_source(seals=(seal("重庆云杉科技有限公司", page=7), seal("重庆应用数据有限公司", page=7)),
                    seal_places=tuple(shared))
    r = E.check_seal(CODE, "c", f, RULES)
    assert r.status == "fail" and "联合体各方" in r.detail
    assert E.check_seal(LEAD, "c", f, RULES).status == "pass"
    # members sign one under another: the one bare place left is the unsealed member's
    rows = [SealPlace(label="（盖章）", file="a.pdf", page=8, bbox=BOX, seal_index=i) for i in (0, 1)]
    rows.append(SealPlace(label="（盖章）", file="a.pdf", page=8, bbox=BOX))
    f = open_source(seals=(seal("重庆云杉科技有限公司", page=8), seal("重庆应用数据有限公司", page=8)),
                    seal_places=tuple(rows))
    r = E.check_seal(CODE, "c", f, RULES)
    assert r.status == "fail" and "第8页" in r.detail
    # ... but not when a seal there was not read (it may be this unit's)
    f = open_source(seals=(seal("重庆云杉科技有限公司", page=8), seal(None, page=8)), seal_places=tuple(rows))
    assert E.check_seal(CODE, "c", f, RULES).status == "review"


def test_seal_attributed_through_its_seal_place():
    place = SealPlace(label="联合体成员（盖章）", file="a.pdf", page=6, bbox=BOX, unit="重庆开源软件有限公司", seal_index=1)
    f = open_source(seals=(seal("重庆云杉科技有限公司"), seal(None, page=6)), seal_places=(place,))
    r = E.check_seal(CODE, "c", f, RULES)
    assert r.status == "pass" and r.evidence[0].page == 6


def test_seal_read_unsurely_as_the_unit_on_a_seal_place_is_its_seal():
    """Dev seed 1472 #06: 重庆市云帆人工智歙学会 read at 0.78 for 重庆市云帆人工智能学会, stamped on a bare （盖章） of the
    agreement: the text and the place agree. Off any place, too weak a reading, or on another unit's place: review."""
    bare = SealPlace(label="（盖章）", file="a.pdf", page=5, bbox=BOX, seal_index=0)
    f = open_source(seals=(seal("重庆开源软件有限公司", conf=0.78),), seal_places=(bare,))
    r = E.check_seal(CODE, "c", f, RULES)
    assert r.status == "pass" and "盖章处" in r.detail and "0.78" in r.evidence[0].note
    assert E.check_seal(CODE, "c", open_source(seals=(seal("重庆开源软件有限公司", conf=0.78),)), RULES).status == "review"
    weak = open_source(seals=(seal("重庆开源软件有限公司", conf=0.4),), seal_places=(bare,))
    assert E.check_seal(CODE, "c", weak, RULES).status == "review"
    theirs = SealPlace(label="乙方（盖章）", file="a.pdf", page=5, bbox=BOX, unit="重庆云杉科技有限公司", seal_index=0)
    other = open_source(seals=(seal("重庆开源软件有限公司", conf=0.78),), seal_places=(theirs,))
    assert E.check_seal(CODE, "c", other, RULES).status == "review"


def test_unread_seal_at_the_units_place_by_role_is_its_seal():
    """A seal whose text was not read, on the place that asks this unit (by role word) for its
    seal, is the unit's, and the evidence says so; on another unit's place it is not."""
    lead = SealPlace(label="联合体牵头单位（盖章）", file="a.pdf", page=1, bbox=BOX, seal_index=0)
    f = open_source(seals=(seal(None, page=1),), seal_places=(lead,))
    r = E.check_seal(LEAD, "c", f, RULES)
    assert r.status == "pass" and "按盖章位置归属" in r.detail
    assert r.evidence[0].note == "印文未能识读，按盖章位置归属"
    assert E.check_seal(CODE, "c", f, RULES).status == "review"


def test_bare_place_beside_an_unread_unplaced_seal_is_no_evidence():
    """The unit's place shows no seal, but a seal on that page was neither read nor placed: it
    may be this unit's, stamped off its place — review, not fail (the bare place alone fails)."""
    named = SealPlace(label="乙方（盖章）", file="a.pdf", page=6, bbox=BOX, unit="重庆开源软件有限公司")
    loose = open_source(seals=(seal("重庆云杉科技有限公司"), seal(None, page=6)), seal_places=(named,))
    assert E.check_seal(CODE, "c", loose, RULES).status == "review"
    read = open_source(seals=(seal("重庆云杉科技有限公司"), seal("重庆应用数据有限公司", page=6)), seal_places=(named,))
    assert E.check_seal(CODE, "c", read, RULES).status == "fail"


# ------------------------------------------------------------------ site.*

def test_tenure_proof():
    assert E.check_tenure_proof(innovation(), RULES).status == "pass"
    assert E.check_tenure_proof(innovation(site=Site()), RULES).status == "review"
    assert E.check_tenure_proof(innovation(site=Site(tenure=fact("owned", 0.3))), RULES).status == "review"


def test_lease_term():
    assert E.check_lease_term(innovation(), RULES).status == "pass"  # 2026-07-01 .. 2029-06-30 is 3 years
    short = innovation(site=Site(tenure=fact("leased"), lease_start=fact(dt.date(2026, 7, 1)),
                                 lease_end=fact(dt.date(2029, 6, 28))))
    r = E.check_lease_term(short, RULES)
    assert r.status == "fail" and "少于3年" in r.detail
    two = innovation(site=Site(tenure=fact("leased"), lease_years=fact(2)))
    assert E.check_lease_term(two, RULES).status == "fail"
    assert E.check_lease_term(innovation(site=Site(tenure=fact("leased"), lease_years=fact(2, 0.4))), RULES).status == "review"
    assert E.check_lease_term(innovation(site=Site(tenure=fact("leased"))), RULES).status == "review"
    assert E.check_lease_term(innovation(site=Site(tenure=fact("owned"))), RULES) is None
    clash = innovation(site=Site(tenure=fact("leased"), lease_start=fact(dt.date(2026, 7, 1)),
                                 lease_end=fact(dt.date(2031, 6, 30)), lease_years=fact(3)))
    assert E.check_lease_term(clash, RULES).status == "review"
    year_as_term = E.check_lease_term(innovation(site=Site(tenure=fact("leased"), lease_years=fact(2025))), RULES)
    assert year_as_term.status == "review" and "超过法定最长租期20年" in year_as_term.detail
    long_dates = innovation(site=Site(tenure=fact("leased"), lease_start=fact(dt.date(2000, 1, 1)),
                                      lease_end=fact(dt.date(2030, 12, 31))))
    assert E.check_lease_term(long_dates, RULES).status == "review"
    assert E.check_lease_term(innovation(site=Site(tenure=fact("leased"), lease_years=fact(20))), RULES).status == "pass"


def test_plan_complete():
    assert E.check_plan(innovation(), RULES).status == "pass"
    part = {k: v for k, v in PLANS.items() if k != "management_rules"}
    r = E.check_plan(innovation(plan_sections=part), RULES)
    assert r.status == "review" and "管理制度" in r.detail
    low = {**PLANS, "annual_targets": fact("有", 0.5)}
    assert E.check_plan(innovation(plan_sections=low), RULES).status == "review"


# ------------------------------------------------------------------ consortium.*

def test_consortium_size():
    assert E.check_consortium_size(open_source(), RULES).status == "pass"
    r = E.check_consortium_size(open_source(consortium=(LEAD,)), RULES)
    assert r.status == "fail" and "只有1家" in r.detail
    two_leads = unit("重庆开源软件有限公司", TENCENT, "enterprise", ("lead", "code_contributor"))
    r = E.check_consortium_size(open_source(consortium=(LEAD, two_leads, APPL)), RULES)
    assert r.status == "fail" and "牵头单位有2家" in r.detail
    assert E.check_consortium_size(open_source(consortium=()), RULES).status == "review"
    shaky = unit("重庆开源软件有限公司", TENCENT, "enterprise", ("code_contributor",), conf=0.5)
    assert E.check_consortium_size(open_source(consortium=(LEAD, shaky, APPL)), RULES).status == "review"


def test_consortium_fails_only_when_the_member_list_was_read_whole():
    """A consortium of one, or one missing a role, is `fail` only on a member list read whole; when
    members are missing or the list was not understood it is `review` with the reason."""
    unread = Fact(reason="未找到联合体成员表表头")
    for rule in (E.check_consortium_size, E.check_application_unit):
        r = rule(open_source(consortium=(LEAD,), consortium_list=unread), RULES)
        assert r.status == "review" and "未找到联合体成员表表头" in r.detail, r
    # the table said three members but only one name was read: members missing
    r = E.check_consortium_size(open_source(consortium=(LEAD,), consortium_list=fact(3)), RULES)
    assert r.status == "review" and "列出3家" in r.detail
    r = E.check_code_contributor(open_source(consortium=(LEAD, APPL), consortium_list=fact(3)), RULES)
    assert r.status == "review"
    # names read but no role understood for anyone: the role column was not understood
    bare = tuple(m.model_copy(update={"roles": (), "role_evidence": ()}) for m in (LEAD, CODE, APPL))
    for rule in (E.check_consortium_size, E.check_code_contributor, E.check_application_unit):
        r = rule(open_source(consortium=bare), RULES)
        assert r.status == "review" and "分工" in r.detail, r
    # only the agreement's count was read (共3家): a missing role is review, a count of one can fail
    counted = Fact(value=3, evidence=(Evidence(file="a.pdf", page=2, text="共3家",
                                               note=f"协议写明共3家成员单位（{ROLES_UNREAD}）"),), confidence=0.95)
    r = E.check_application_unit(open_source(consortium=(LEAD, CODE, unit("重庆某某有限公司", XIAOMI, "enterprise", ("code_contributor",))),
                                             consortium_list=counted), RULES)
    assert r.status == "review" and "分工栏未读懂" in r.detail, r.detail
    one = Fact(value=1, evidence=(Evidence(file="a.pdf", page=2, text="共1家", note=f"（{ROLES_UNREAD}）"),), confidence=0.95)
    assert E.check_consortium_size(open_source(consortium=(LEAD,), consortium_list=one), RULES).status == "fail"
    # read whole, one unit: fail, with the list as evidence
    r = E.check_consortium_size(open_source(consortium=(LEAD,)), RULES)
    assert r.status == "fail" and any(e.text == "联合体成员单位表" for e in r.evidence)


def test_consortium_roles():
    assert E.check_code_contributor(open_source(), RULES).status == "pass"
    assert E.check_application_unit(open_source(), RULES).status == "pass"
    r = E.check_application_unit(open_source(consortium=(LEAD, CODE)), RULES)
    assert r.status == "fail" and r.detail == "联合体无应用单位" and r.clause == "一(二)3"
    assert E.check_code_contributor(open_source(consortium=(LEAD, APPL)), RULES).status == "fail"
    assert E.check_code_contributor(open_source(consortium=()), RULES).status == "review"
    shaky = unit("重庆开源软件有限公司", TENCENT, "enterprise", ("code_contributor",), conf=0.5)
    assert E.check_code_contributor(open_source(consortium=(LEAD, shaky, APPL)), RULES).status == "review"


# ------------------------------------------------------------------ targets, deadline

def test_targets():
    r = E.check_targets(innovation(), RULES, "innovation_community")
    assert r.status == "pass" and "占位值" in r.detail
    low = tuple(t.model_copy(update={"value": 10.0}) if t.indicator == "入驻企业数量" else t for t in INNOV_TARGETS)
    r = E.check_targets(innovation(targets=low), RULES, "innovation_community")
    assert r.status == "fail" and "入驻企业数量10家低于30家" in r.detail
    missing = INNOV_TARGETS[1:]
    r = E.check_targets(innovation(targets=missing), RULES, "innovation_community")
    assert r.status == "review" and "入驻企业数量" in r.detail
    # an alias spelling counts as the indicator
    alias = (Target(indicator="入驻企业数", value=40, unit="家", written="入驻企业数",
                    evidence=(Evidence(file="a.pdf", page=8, confidence=0.95),)),) + INNOV_TARGETS[1:]
    assert E.check_targets(innovation(targets=alias), RULES, "innovation_community").status == "pass"
    # a unit of another scale in the rules file's unit class is converted: 0.5万平方米 = 5000平方米 ≥ 3000,
    # 0.2万平方米 = 2000 < 3000 fails and says the conversion; a unit outside the class is review
    def area(unit, value):
        return tuple(t.model_copy(update={"unit": unit, "value": value}) if t.indicator == "孵化场地面积" else t
                     for t in INNOV_TARGETS)
    assert E.check_targets(innovation(targets=area("万平方米", 0.5)), RULES, "innovation_community").status == "pass"
    r = E.check_targets(innovation(targets=area("万平方米", 0.2)), RULES, "innovation_community")
    assert r.status == "fail" and "0.2万平方米（合2000平方米）低于3000平方米" in r.detail
    r = E.check_targets(innovation(targets=area("人", 5000)), RULES, "innovation_community")
    assert r.status == "review" and "不能换算" in r.detail
    shaky = tuple(t.model_copy(update={"value": 1.0, "evidence": (Evidence(file="a.pdf", confidence=0.3),)})
                  if t.indicator == "带动就业人数" else t for t in INNOV_TARGETS)
    assert E.check_targets(innovation(targets=shaky), RULES, "innovation_community").status == "review"


def test_target_that_lost_its_magnitude_in_ocr_is_review_not_fail():
    """The rules file's minimums reach extraction: 三 read for 三千 (孵化场地面积, minimum 3000) is doubted
    there, so the check asks a person instead of failing the application."""
    from pipeline.extract import extract_facts
    from pipeline.model import Document, Line, Page
    from pipeline.process import indicator_specs

    rows = ["序号 | 指标名称 | 单位 | 目标值", "1 | 入驻企业数量 | 家 | 45", "2 | 孵化场地面积 | 平方米 | 三",
            "3 | 年度创新创业活动 | 场 | 24", "4 | 带动就业人数 | 人 | 三百"]
    lines = tuple(Line(text=r, bbox=(0.1, 0.1 + 0.03 * i, 0.9, 0.12 + 0.03 * i), confidence=1.0, engine="docx")
                  for i, r in enumerate(rows))
    page = Page(file="a.docx", number=1, width=1, height=1, source="docx", lines=lines, table=True)
    facts = extract_facts([Document(file="a.docx", sha256="0" * 64, kind="docx", pages=(page,), page_count=1)],
                          indicators=indicator_specs(RULES))
    r = E.check_targets(innovation(targets=facts.targets), RULES, "innovation_community")
    assert r.status == "review" and "孵化场地面积3平方米" in r.detail
    assert any("十分之一" in e.note for e in r.evidence)


def test_deadline():
    assert E.check_deadline(innovation(declared_on=fact(dt.date(2026, 7, 23))), RULES).status == "pass"
    r = E.check_deadline(innovation(declared_on=fact(dt.date(2026, 7, 24))), RULES)
    assert r.status == "fail" and "晚于2026-07-23" in r.detail
    assert E.check_deadline(innovation(declared_on=fact(None)), RULES).status == "review"
    assert E.check_deadline(innovation(declared_on=fact(dt.date(2026, 7, 1), 0.4)), RULES).status == "review"
    assert E.check_deadline(innovation(declared_on=fact("2026-07-30")), RULES).status == "fail"


def test_deadline_implausibly_early_date_is_review_not_pass():
    # 2026 read as 2020 on a scan: "before the deadline" rests on a misread year, so it is no pass.
    r = E.check_deadline(innovation(declared_on=fact(dt.date(2020, 7, 28))), RULES)
    assert r.status == "review" and "2020-07-28" in r.detail and "误读" in r.detail
    assert E.check_deadline(innovation(declared_on=fact(dt.date(2026, 7, 5))), RULES).status == "pass"
    assert RULES.dates.earliest_declared == dt.date(2026, 6, 8)


# ------------------------------------------------------------------ district, verdict, assembly

def test_district_recommendation():
    form = ApplicationFacts(track=fact("recommendation_form"), district=fact("渝北区"),
                            seals=(seal("重庆市渝北区经济和信息化委员会"),))
    r = E.district_recommendation([form], RULES)
    assert r.status == "pass" and r.clause == "二(二)" and "渝北区" in r.detail
    assert E.district_recommendation([], RULES).status == "fail"
    unsealed = form.model_copy(update={"seals": ()})
    assert E.district_recommendation([unsealed], RULES).status == "review"
    faint = form.model_copy(update={"seals": (seal("渝北区", conf=0.3),)})
    assert E.district_recommendation([faint], RULES).status == "review"
    # a greyscale scan: the seal found by its shape only (low confidence) on the form's 盖章 place
    place = SealPlace(label="（盖章）", file="a.pdf", page=5, bbox=(0.65, 0.75, 0.72, 0.78))
    grey = form.model_copy(update={"seals": (seal("", conf=0.75),), "seal_places": (place,)})
    assert E.district_recommendation([grey], RULES).status == "pass"
    elsewhere = place.model_copy(update={"bbox": (0.1, 0.2, 0.2, 0.25)})
    assert E.district_recommendation([grey.model_copy(update={"seal_places": (elsewhere,)})], RULES).status == "review"


def test_verdict():
    mk = lambda s: E._result(RULES, "seal.present", s, "x")  # noqa: E731
    assert E.verdict([mk("pass"), mk("pass")]) == "eligible"
    assert E.verdict([mk("pass"), mk("review")]) == "needs_review"
    assert E.verdict([mk("review"), mk("fail")]) == "ineligible"
    assert E.verdict([]) == "needs_review"


def test_run_checks_innovation_clean_is_eligible(credit):
    results = E.run_checks(innovation(), RULES, credit)
    rules = [r.rule for r in results]
    assert rules == [r for r in RULE_IDS if r in RULES.rules and "innovation_community" in RULES.rules[r].tracks]
    assert all(r.status == "pass" for r in results), [(r.rule, r.detail) for r in results if r.status != "pass"]
    assert E.verdict(results) == "eligible"
    assert all(r.clause and r.detail for r in results)


def test_run_checks_open_source_runs_per_unit_rules_for_every_member(credit):
    results = E.run_checks(open_source(), RULES, credit)
    assert not any(r.rule.startswith(("site.", "plan.", "entity.type")) for r in results)
    for rule in ("entity.uscc_valid", "credit.dishonest_debtor", "credit.tax_violation", "seal.present"):
        assert sorted(r.unit for r in results if r.rule == rule) == sorted(
            str(m.name.value) for m in (LEAD, CODE, APPL))
    # the lead's near-miss listing is no fail; one member on a list makes the application ineligible
    assert E.verdict(results) == "eligible"
    listed = unit("重庆开源软件有限公司", HUAWEI, "enterprise", ("code_contributor",))
    bad = E.run_checks(open_source(consortium=(LEAD, listed, APPL)), RULES, credit)
    assert by_rule(bad, "credit.dishonest_debtor", "重庆开源软件有限公司").status == "fail"
    assert E.verdict(bad) == "ineligible"


def test_run_checks_unknown_track_reviews_track_rules():
    results = E.run_checks(innovation(track=fact(None)), RULES, None)
    r = by_rule(results, "site.lease_term")
    assert r.status == "review" and "申报类型" in r.detail
    assert E.verdict(results) == "needs_review"


def test_rules_file_swaps_thresholds(tmp_path: Path):
    text = (Path(E.__file__).with_name("rules.yaml")).read_text(encoding="utf-8")
    p = tmp_path / "rules.yaml"
    p.write_text(text.replace("deadline: 2026-07-23", "deadline: 2026-07-31")
                 .replace("lease_min_years: 3", "lease_min_years: 5"), encoding="utf-8")
    custom = load_rules(p)
    late = innovation(declared_on=fact(dt.date(2026, 7, 30)))
    assert E.check_deadline(late, RULES).status == "fail"
    assert E.check_deadline(late, custom).status == "pass"
    assert E.check_lease_term(innovation(), custom).status == "fail"


def test_a_member_whose_role_was_not_read_withholds_a_missing_role_fail():
    """Seed 806 #003 (JPEG scan): the code contributor's role cell was lost, the others' read; with
    every member's role read a missing role fails, with one member's unread it is review naming it."""
    roleless = CODE.model_copy(update={"roles": (), "role_evidence": ()})
    r = E.check_code_contributor(open_source(consortium=(LEAD, roleless, APPL)), RULES)
    assert r.status == "review" and "重庆开源软件有限公司的分工未能识别" in r.detail, r.detail
    assert E.check_code_contributor(open_source(consortium=(LEAD, APPL)), RULES).status == "fail"
    # the roles that are there still pass
    assert E.check_application_unit(open_source(consortium=(LEAD, roleless, APPL)), RULES).status == "pass"
