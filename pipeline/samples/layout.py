"""Pages of a family-1 booklet and the district's recommendation form, laid out with the typesetter
(pipeline/samples/typeset.py). Pure: no drawing happens here.
"""
from __future__ import annotations

import random

from pipeline.samples import plan as P
from pipeline.samples import units as U
from pipeline.samples import wording as W
from pipeline.samples.typeset import BLACK, RED_TEXT, Flow, Op, PageLayout

# ---------------------------------------------------------------- pages


def _flow(p: PageLayout, rng: random.Random, app: P.AppPlan, **kw) -> Flow:
    """A flow in this booklet's typesetting (margins, body size)."""
    return Flow(p, rng, left=app.margin, right=app.margin, body=app.body_pt, **kw)


def _title_color(app: P.AppPlan):
    return RED_TEXT if app.red_heading else BLACK


def cover(app: P.AppPlan, rng: random.Random) -> PageLayout:
    p = PageLayout("cover", native_docx=not app.applicant.sealed)
    f = _flow(p, rng, app, top=30)
    if app.red_logo:
        p.ops.append(Op("logo", dict(cx=178.0, cy=30.0, size=16.0, text=app.applicant.name[2:4])))
        p.red_traps.append("red_logo")
    f.text(f.x0, f.y + 12, 12, W.content()["annex_label"][app.track], font="title")
    f.space(40)
    f.heading(W.content()["cover_titles"][app.track], size=20, color=_title_color(app))
    f.space(10)
    f.heading(f"（{app.community}）", size=16)
    f.space(45)
    x = f.x0 + 18
    f.text(x, f.y, 15, f"申报单位（盖章）：{app.applicant.name}")
    f.seal(app.applicant, x + 75, f.y + 4)
    f.y += 14
    if app.track == "open_source_community":
        f.text(x, f.y, 15, f"联合体成员：{len(app.members)}家")
        f.y += 14
    f.text(x, f.y, 15, f"联 系 人：{app.applicant.contact}   {app.applicant.phone}")
    f.y += 14
    f.text(x, f.y, 15, f"申报日期：{app.date_text}")
    f.y += 40
    f.heading("重庆市经济和信息化委员会制", size=13)
    p.blocks.insert(0, ("para", f"申报单位（盖章）：{app.applicant.name}"))
    p.blocks.insert(1, ("para", f"申报日期：{app.date_text}"))
    return p


def commitment(app: P.AppPlan, rng: random.Random) -> PageLayout:
    p = PageLayout("commitment", native_docx=not app.applicant.sealed)
    f = _flow(p, rng, app, top=35)
    f.heading("承 诺 书", size=20)
    f.space(8)
    f.para("重庆市经济和信息化委员会：", indent=False, size=13)
    f.para(rng.choice(W.content()["commitment"]), size=13, gap=1.9)
    f.para("特此承诺。", size=13)
    f.space(30)
    x = 105.0
    f.text(x, f.y, 13, f"单位（公章）：{app.applicant.name}" if len(app.applicant.name) < 14 else "单位（公章）：")
    if len(app.applicant.name) >= 14:
        f.text(x + 8, f.y + 8, 13, app.applicant.name)
    f.seal(app.applicant, x + 42, f.y + 6)
    f.y += 20
    f.text(x, f.y, 13, "法定代表人（签字）：")
    f.signature(x + 45, f.y - 2)
    f.y += 12
    f.text(x, f.y, 13, f"日期：{app.date_text}")
    return p


def basic_info(app: P.AppPlan, rng: random.Random) -> PageLayout:
    p = PageLayout("basic_info")
    f = _flow(p, rng, app)
    f.heading("一、申报单位基本情况", size=15, center=False)
    a = app.applicant
    rows = [
        ["单位名称", a.name], ["统一社会信用代码", a.uscc], ["单位性质", a.type_text],
        ["注册地址", a.address], ["法定代表人", a.legal_rep],
        [rng.choice(["联系人/电话", "联系人及电话", "联系人、联系电话"]), f"{a.contact}  {a.phone}"],
    ]
    if rng.random() < 0.5:
        rows.insert(3, ["成立时间", W.write_date(W.add_years(app.declared_on, -rng.randint(3, 15)), "arabic")])
    f.table(rows, [0.32, 0.68], size=12, red=app.red_rules and rng.random() < 0.5, header=False)
    f.space(4)
    f.heading("二、单位简介", size=15, center=False)
    f.para(f"{a.name}成立以来，长期深耕软件和信息服务领域，现有员工{rng.randint(40, 400)}人，其中研发人员占比"
           f"{rng.randint(40, 80)}%，拥有软件著作权{rng.randint(10, 120)}项。单位内部管理规范、制度完备，"
           "具备建设运营软信领域社区的能力和资源。")
    return p


def site(app: P.AppPlan, rng: random.Random) -> PageLayout:
    p = PageLayout("site")
    f = _flow(p, rng, app)
    f.heading("三、场地设施情况", size=15, center=False)
    s = app.site
    f.para(s.text)
    tenure_txt = "自有产权" if s.tenure == "owned" else "租赁"
    f.table([["项目", "内容"], ["场地权属", tenure_txt], ["场地面积", f"{s.area}平方米"],
             ["配套设施", "共享会议室、路演厅、公共技术服务平台、餐饮及停车配套"]], [0.3, 0.7], size=12)
    f.para("场地具备良好的基础设施和公共服务配套设施条件，网络、水电、安防等均已到位，能够满足“拎包入住”的基本办公条件。")
    return p


def lease_contract(app: P.AppPlan, rng: random.Random) -> PageLayout:
    """Excerpt of the lease contract: both parties sign and seal (the lessor's seal is not the applicant's)."""
    s, a = app.site, app.applicant
    p = PageLayout("lease_contract", native_docx=not (a.sealed or s.lessor.sealed))
    f = _flow(p, rng, app)
    f.heading("房屋租赁合同（摘录）", size=16)
    f.space(2)
    f.para(f"出租方（甲方）：{s.lessor.name}", indent=False)
    f.para(f"承租方（乙方）：{a.name}", indent=False)
    f.para(f"第一条  甲方将位于重庆市{rng.choice(W.content()['roads'])}的房屋出租给乙方使用，租赁面积{s.area}平方米，"
           "用途为创新创业社区运营及办公。")
    f.para(f"第二条  租赁期限：{s.period_text}。租赁期满，乙方享有同等条件下的优先续租权。")
    f.para(f"第三条  租金按季度支付，每平方米每月{rng.randint(25, 60)}元，物业管理费另计。")
    f.para("第四条  本合同一式肆份，甲乙双方各执贰份，自双方签字盖章之日起生效。")
    f.space(18)
    y = f.y
    f.text(f.x0, y, 12, "甲方（盖章）：")
    f.text(f.x0, y + 8, 12, s.lessor.name)
    f.seal(s.lessor, f.x0 + 35, y + 8)
    f.text(f.x0 + 88, y, 12, "乙方（盖章）：")
    f.text(f.x0 + 88, y + 8, 12, a.name if len(a.name) <= 16 else a.name[:16])
    f.seal(a, f.x0 + 88 + 35, y + 8)
    f.text(f.x0, y + 24, 12, f"签订日期：{W.write_date(s.lease_start - P.dt.timedelta(days=rng.randint(3, 20)), 'arabic')}")
    return p


def plan_page(app: P.AppPlan, rng: random.Random, sections: list[str], number: str) -> PageLayout:
    p = PageLayout("plan")
    f = _flow(p, rng, app)
    if sections[0] == "发展规划":
        f.heading(f"{number}、发展规划与管理", size=15, center=False)
    for i, sec in enumerate(sections):
        f.heading(f"（{'一二三四'[i]}）{sec}", size=13, center=False)
        for txt in W.content()["plan_sections"][sec]:
            f.para(txt)
    return p


def targets(app: P.AppPlan, rng: random.Random, number: str) -> PageLayout:
    p = PageLayout("targets")
    f = _flow(p, rng, app)
    f.heading(f"{number}、建设目标", size=15, center=False)
    f.para("对照榜单考核指标要求，本单位在实施周期内的建设目标如下：")
    hdr = rng.choice([["序号", "指标名称", "单位", "目标值"], ["序号", "考核指标", "计量单位", "建设目标"]])
    rows = [hdr] + [[str(i + 1), t.indicator, t.unit, t.written] for i, t in enumerate(app.targets)]
    f.table(rows, [0.12, 0.45, 0.18, 0.25], size=12, red=app.red_rules)
    f.para("以上目标均不低于榜单考核指标要求，将按年度分解落实。")
    return p


def agreement(app: P.AppPlan, rng: random.Random) -> PageLayout:
    p = PageLayout("agreement")
    f = _flow(p, rng, app)
    f.heading("联合体协议书", size=18, color=_title_color(app))
    f.space(4)
    for txt in W.content()["agreement_paragraphs"]:
        f.para(txt)
    f.para(f"联合体牵头单位为{app.applicant.name}，共{len(app.members)}家成员单位。"
           + ("" if len(app.members) == 1 else "各成员单位及分工见成员表。"))
    return p


def members(app: P.AppPlan, rng: random.Random) -> PageLayout:
    sealed_any = any(m.sealed for m in app.members)
    p = PageLayout("members", native_docx=not sealed_any)
    f = _flow(p, rng, app)
    f.heading("联合体成员单位表", size=15)
    hdr = rng.choice([["序号", "单位名称", "统一社会信用代码", "角色"], ["序号", "成员单位名称", "统一社会信用代码", "联合体分工"]])
    rows = [hdr] + [[str(i + 1), m.name, m.uscc, m.role_text] for i, m in enumerate(app.members)]
    f.table(rows, [0.09, 0.38, 0.3, 0.23], size=10.5, red=app.red_rules and rng.random() < 0.5)
    f.space(4)
    f.text(f.x0, f.y, 13, "联合体各方（盖章）：")
    f.y += 12
    # two columns of signature slots, one per member, each with its seal
    for i, m in enumerate(app.members):
        col, row = i % 2, i // 2
        x = f.x0 + 4 + col * 82
        y = f.y + row * 48
        f.text(x, y, 11, m.name if len(m.name) <= 15 else m.name[:15])
        if len(m.name) > 15:
            f.text(x, y + 5.5, 11, m.name[15:])
        f.text(x, y + 13, 11, "（盖章）")
        f.seal(m, x + 30, y + 14)
    f.y += ((len(app.members) + 1) // 2) * 48
    f.text(f.x0 + 90, min(f.y, 280), 12, f"签订日期：{app.date_text}")
    return p


FORM_BOTTOM_MM = 277.0
"""Lowest ink on a form page (A4 297 mm less a 20 mm margin)."""
FORM_SIGNOFF_MM = 62.0
"""Height of the form's sign-off: opinion line, sentence, signature, the district's seal, date."""


def recommendation_form(district: str, division: str, apps: list[P.AppPlan], rng: random.Random,
                        declared: str, authority: U.UnitPlan) -> list[PageLayout]:
    """The 附件4 form: one page, or, when the applications' table would push the sign-off and the
    district's seal off the page (~20+ applications), a 续表 page as a real form runs on (the table
    continues with its header repeated; the sign-off is never split)."""
    p = PageLayout("recommendation_form", native_docx=False)
    pages = [p]
    f = Flow(p, rng, left=20, right=20)
    f.text(f.x0, f.y, 12, "附件4", font="title")
    f.space(10)
    f.heading("重庆市软信领域创新创业社区和开源社区建设运营“揭榜挂帅”申报单位推荐表", size=16)
    f.space(2)
    f.text(f.x0, f.y, 12, f"推荐单位（盖章）：{authority.name}")
    f.y += 9
    header = ["序号", "申报单位名称", "申报方向", "统一社会信用代码", "联系人及电话"]
    widths = [0.06, 0.3, 0.14, 0.26, 0.24]
    body = [[str(i + 1), a.applicant.name, "创新创业社区" if a.track == "innovation_community" else "开源社区",
             a.applicant.uscc, f"{a.applicant.contact} {a.applicant.phone}"] for i, a in enumerate(apps)]

    def heights(rows: list[list[str]]) -> float:
        return sum(f.row_height(r, widths, 9) for r in rows)

    def next_page() -> Flow:
        page = PageLayout("recommendation_form", native_docx=False)
        pages.append(page)
        nf = Flow(page, rng, left=20, right=20)
        nf.text(nf.x0, nf.y, 12, "附件4（续表）", font="title")
        nf.y += 10
        return nf

    while True:
        room = FORM_BOTTOM_MM - f.y - heights([header])
        if heights(body) + 5 + FORM_SIGNOFF_MM <= room:  # the rest and the sign-off fit here
            f.table([header] + body, widths, size=9)
            break
        take = 0
        while take < len(body) and heights(body[:take + 1]) + 5 <= room:
            take += 1
        take = max(take, 1)
        f.table([header] + body[:take], widths, size=9)
        body = body[take:]
        f = next_page()
        if not body:
            break
    f.text(f.x0, f.y, 12, "区县经信部门审核意见：")
    f.y += 8
    f.para("经审核，上述单位申报材料齐全，内容真实有效，符合申报条件，同意推荐。", size=12)
    f.space(16)
    x = 115.0
    f.text(x, f.y, 12, f"{authority.name}（盖章）" if len(authority.name) < 16 else "（盖章）")
    if len(authority.name) >= 16:
        f.text(x - 20, f.y - 7, 12, authority.name)
    f.seal(authority, x + 30, f.y + 2)
    f.y += 12
    f.text(x, f.y, 12, f"日期：{declared}")
    return pages


def booklet(app: P.AppPlan) -> list[PageLayout]:
    """All pages of one application booklet, in order."""
    rng = random.Random(f"layout:{app.index}:{app.applicant.uscc}")
    pages = [cover(app, rng), commitment(app, rng), basic_info(app, rng)]
    if app.track == "innovation_community":
        pages.append(site(app, rng))
        if app.site.tenure == "leased":
            pages.append(lease_contract(app, rng))
        pages.append(plan_page(app, rng, ["发展规划", "年度目标"], "四"))
        pages.append(plan_page(app, rng, ["实施方案", "管理制度"], "四"))
        pages.append(targets(app, rng, "五"))
    else:
        pages.append(agreement(app, rng))
        pages.append(members(app, rng))
        pages.append(targets(app, rng, "四"))
    return pages
