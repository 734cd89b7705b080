"""Members, entity type, USCC and the applicant's places on pages rendered here and read by REAL
Tesseract (and the default cascade): a member table in another layout (other column order, a 单位类型
column of type words, an extra column), members named in the agreement's prose, a 单位性质 tick row
(Tesseract reads ■ as 国 and □ as 口), a code under another label, a cover and an information page
that disagree, and empty or garbled pages that must never give `fail`."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from pages import font, scan
from test_extract_ocr import DPI, MEMBERS, as_doc, read, ruled_table

from pipeline.checks.engine import run_checks
from pipeline.checks.rules import load_rules
from pipeline.extract import extract_facts
from pipeline.ocr.base import get_engine

RULES = load_rules()
CODE = "91500000MA5UA3W18Q"
ROLE = {"联合体牵头方": ("lead",), "开源代码贡献单位": ("code_contributor",), "应用单位": ("application_unit",)}
MINE = ("consortium.size", "consortium.code_contributor", "consortium.application_unit", "entity.uscc_valid",
        "entity.type_allowed")


@pytest.fixture(scope="module")
def engine():
    return get_engine("tesseract")


def blank(title: str, annex: str) -> tuple[Image.Image, ImageDraw.ImageDraw, float]:
    s = DPI / 300
    img = Image.new("RGB", (int(2480 * s), int(3508 * s)), "white")
    d = ImageDraw.Draw(img)
    d.text((int(250 * s), int(200 * s)), annex, font=font(int(44 * s)), fill="black")
    d.text((int(400 * s), int(330 * s)), title, font=font(int(64 * s)), fill="black")
    return img, d, s


def lines(d, s, texts, y=600, x=250):
    for t in texts:
        d.text((int(x * s), int(y * s)), t, font=font(int(44 * s)), fill="black")
        y += 110
    return y


def tick_page(ticked: int, label: str = "社会信用代码") -> Image.Image:
    img, d, s = blank("重庆市软信领域创新创业社区申报书", "附件2")
    options = ["企业", "事业单位", "社会组织", "产业园区运营管理机构"]
    row = "  ".join(("■" if i == ticked else "□") + o for i, o in enumerate(options))
    lines(d, s, ["申报单位名称：重庆山城数字科技有限公司", f"{label}：{CODE}", "单位性质：" + row, "申报日期：2026年7月20日"])
    return img


@pytest.mark.parametrize("ticked, want", [(0, "enterprise"), (3, "park_operator")])
def test_tick_row_and_code_under_another_label(engine, ticked, want):
    for img in (tick_page(ticked), scan(tick_page(ticked), angle=0.6, seed=4, jpeg_quality=60)):
        f = extract_facts([as_doc(read(engine, img))])
        assert f.applicant.uscc.value == CODE
        assert f.applicant.entity_type.value == want, f.applicant.entity_type
        got = {r.rule: r.status for r in run_checks(f, RULES, None)}
        # a ticked park operator is allowed too; a 91 code fits both
        assert got["entity.type_allowed"] == "pass" and got["entity.uscc_valid"] == "pass"


def other_layout_members_page() -> Image.Image:
    img, d, s = blank("重庆市软信领域开源社区建设运营申报材料", "附件3")
    lines(d, s, ["申报日期：二〇二六年七月十五日"], y=520)
    d.text((int(900 * s), int(700 * s)), "联合体成员名单", font=font(int(44 * s)), fill="black")
    types = ["其他有限责任公司", "企业（有限责任公司）", "事业单位"]
    rows = [["序号", "成员单位", "单位类型", "承担角色", "社会信用代码"]] + [
        [str(i + 1), n, t, r, c] for i, ((n, c, r), t) in enumerate(zip(MEMBERS, types))]
    y = ruled_table(d, 820, rows, [130, 560, 460, 430, 600], s)
    d.text((int(250 * s), y + int(200 * s)), "联合体各方（盖章）：", font=font(int(44 * s)), fill="black")
    return img


@pytest.mark.parametrize("name", ["tesseract", "cascade"])
def test_member_table_in_another_layout(name):
    f = extract_facts([as_doc(read(get_engine(name), scan(other_layout_members_page(), angle=0.4, seed=6)))])
    got = {u.name.value: (u.uscc.value, u.roles) for u in f.consortium}
    assert got == {n: (c, ROLE[r]) for n, c, r in MEMBERS}, got
    assert f.consortium_list.value == 3
    statuses = {r.rule: r.status for r in run_checks(f, RULES, None) if r.rule.startswith("consortium")}
    # Tesseract reads one name cell at low confidence (a stray 。 after its 序号): review, never fail;
    # the default cascade re-reads it
    assert set(statuses.values()) == ({"pass"} if name == "cascade" else {"pass", "review"}), statuses


def prose_page() -> Image.Image:
    img, d, s = blank("重庆市软信领域开源社区建设运营申报材料", "附件3")
    (a, _, _), (b, _, _), (c, _, _) = MEMBERS
    lines(d, s, ["联合体协议书", f"联合体由{a}（牵头单位）、", f"{b}（开源代码贡献单位）和", f"{c}（应用单位）组成，",
                 "各方按分工承担建设运营任务。", "申报日期：二〇二六年七月十五日"])
    return img


def test_members_from_agreement_prose(engine):
    f = extract_facts([as_doc(read(engine, scan(prose_page(), angle=0.3, seed=8)))])
    got = {u.name.value: u.roles for u in f.consortium}
    assert got == {n: ROLE[r] for n, _, r in MEMBERS}, got
    assert f.consortium_list.value == 3


def test_cover_and_information_page_disagree_is_review_naming_both(engine):
    img, d, s = blank("重庆市软信领域创新创业社区申报书", "附件2")
    lines(d, s, ["申报单位（盖章）：重庆山城数字科技有限公司", "申报日期：2026年7月20日"])
    info, d2, _ = blank("申报单位基本情况", "")
    lines(d2, s, ["申报单位名称：重庆渝水环保工程有限公司", f"统一社会信用代码：{CODE}", "单位性质：企业"])
    f = extract_facts([as_doc(read(engine, img, 1), read(engine, info, 2))])
    r = next(r for r in run_checks(f, RULES, None) if r.rule == "entity.uscc_valid")
    assert r.status == "review" and "封面（第1页）" in r.detail and "第2页" in r.detail, r.detail


def test_empty_and_garbled_pages_never_fail(engine):
    rng = np.random.default_rng(3)
    noise = Image.fromarray((rng.random((1200, 900, 3)) * 255).astype(np.uint8))
    empty_oss, _, _ = blank("开源社区建设运营申报材料", "附件3")
    smudged = scan(other_layout_members_page().resize((300, 420)).resize((1653, 2339)), seed=2)
    for img in (Image.new("RGB", (1653, 2339), "white"), noise, empty_oss, smudged):
        f = extract_facts([as_doc(read(engine, img))])
        fails = [r for r in run_checks(f, RULES, None) if r.rule in MINE and r.status == "fail"]
        assert not fails, fails
