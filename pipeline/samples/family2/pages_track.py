"""Family 2 pages of each track: site, lease contract or deed, plan (innovation); members and the
consortium agreement with its signing page (open source); the targets page (both); `booklet`."""
from __future__ import annotations

import random

from pipeline.samples import typeset as T
from pipeline.samples.family2 import pages_common as C
from pipeline.samples.family2.plan2 import App2, content


def site(app: App2, rng: random.Random) -> T.PageLayout:
    s, c = app.site, content()
    p = T.PageLayout("site")
    f = C.flow(p, rng, app)
    f.heading(rng.choice(c["site_headings"]), size=15, center=rng.random() < 0.5)
    area = rng.choice([f"{s.area}平方米", f"{s.area}㎡", f"{s.area}m²"])
    where = f"重庆市{rng.choice(c['roads'])}{rng.randint(1, 99)}号"
    tenure = C.ticks(["自有", "租赁"], {"自有" if s.tenure == "owned" else "租赁"}, app.style["tick"])
    proof = s.period_text if s.tenure == "leased" else s.owned_text
    if rng.random() < 0.5:
        f.table([["场地地址", where], ["场地面积", area], ["权属情况", tenure],
                 ["租赁期限" if s.tenure == "leased" else "产权证明", proof]], [0.25, 0.75], size=12, header=False)
    else:
        kind = "租赁" if s.tenure == "leased" else "自有"
        f.para(f"社区运营场地位于{where}，总面积{area}，场地性质为{kind}。{proof}。")
    f.para("场地内设开放办公区、独立办公室、路演厅、会议室和公共技术服务平台，水电网络及消防设施齐全，"
           "可为入驻企业（团队）提供拎包入住的办公条件。")
    return p


def lease_contract(app: App2, rng: random.Random) -> T.PageLayout:
    s, a, c = app.site, app.applicant, content()
    p = T.PageLayout("lease_contract")
    f = C.flow(p, rng, app)
    f.heading(rng.choice(c["lease_contract_titles"]), size=16)
    lessor_label, lessee_label = rng.choice(c["lease_parties"])
    f.para(f"{lessor_label}：{s.lessor.name}", indent=False)
    f.para(f"{lessee_label}：{a.name}", indent=False)
    f.para(f"一、租赁房屋：位于重庆市{rng.choice(c['roads'])}，建筑面积{s.area}平方米，用于创新创业社区运营。")
    f.para(f"二、{s.period_text}。期满后{lessee_label}在同等条件下享有优先承租权。")
    f.para(f"三、租金及支付：月租金每平方米{rng.randint(20, 55)}元，每半年支付一次。")
    f.para("四、本合同自双方签字盖章后生效，一式两份，双方各执一份。")
    f.space(14)
    y = f.y
    f.text(f.x0, y, 12, f"{lessor_label}（盖章）：")
    f.text(f.x0, y + 8, 12, s.lessor.name[:14])
    if len(s.lessor.name) > 14:
        f.text(f.x0, y + 14, 12, s.lessor.name[14:])
    f.seal(s.lessor, f.x0 + 32, y + 10)
    x2 = f.x0 + 86
    f.text(x2, y, 12, f"{lessee_label}（盖章）：")
    f.text(x2, y + 8, 12, a.name[:14])
    if len(a.name) > 14:
        f.text(x2, y + 14, 12, a.name[14:])
    f.seal(a, x2 + 32, y + 10)
    p.blocks.append(("para", f"{lessor_label}（盖章）：{s.lessor.name}    {lessee_label}（盖章）：{a.name}"))
    return p


def deed(app: App2, rng: random.Random) -> T.PageLayout:
    """Copy of the ownership certificate, certified by the applicant's seal."""
    s, a = app.site, app.applicant
    p = T.PageLayout("deed")
    f = C.flow(p, rng, app)
    f.heading("不动产权证书（复印件）", size=16)
    f.table([["权利人", a.name], ["共有情况", "单独所有"], ["坐落", f"重庆市{rng.choice(content()['roads'])}"],
             ["权利类型", "国有建设用地使用权/房屋所有权"], ["用途", "科研/办公"], ["面积", f"建筑面积{s.area}㎡"],
             ["附记", s.owned_text]], [0.25, 0.75], size=11, header=False)
    f.space(6)
    C.line(f, "复印件与原件一致", 13, f.x0 + 80)
    f.seal(a, f.x0 + 100, f.y)
    return p


def plan_page(app: App2, rng: random.Random) -> T.PageLayout:
    c = content()
    p = T.PageLayout("plan")
    f = C.flow(p, rng, app)
    f.heading(rng.choice(["建设运营方案", "四、建设运营方案", "社区建设运营工作方案"]), size=16)
    style = rng.choice(c["plan_heading_styles"])
    for i, key in enumerate(["development_plan", "annual_targets", "implementation_plan", "management_rules"]):
        h = style.format(cn=C.CN[i], n=i + 1, h=rng.choice(c["plan_headings"][key]))
        f.heading(h, size=13.5, center=False)
        for t in c["plan_bodies"][key]:
            f.para(t)
    return p


def targets(app: App2, rng: random.Random) -> T.PageLayout:
    c = content()
    p = T.PageLayout("targets")
    f = C.flow(p, rng, app)
    f.heading(rng.choice(c["targets_headings"]), size=16)
    f.para("对照榜单考核要求，本单位（联合体）在建设周期内拟完成以下目标：")
    ts, how = app.targets, app.style["targets"]
    if how == "rows":
        header = rng.choice(c["target_headers"]["rows"])
        glue = rng.random() < 0.4
        rows = []
        for i, t in enumerate(ts):
            name = f"{i + 1}{t.written_indicator}" if glue else t.written_indicator
            last = rng.choice(c["deadline_words"]) if header[-1] == "完成时限" else ""
            rows.append([str(i + 1), name, t.written, t.written_unit, last])
        f.table([header] + rows, [0.09, 0.41, 0.18, 0.14, 0.18], size=11)
    elif how == "transposed":
        first = [rng.choice(c["target_headers"]["transposed_first"])]
        second = [rng.choice(c["target_headers"]["transposed_value"])]
        for t in ts:
            first.append(f"{t.written_indicator}（{t.written_unit}）")
            second.append(t.written)
        w = 0.16
        f.table([first, second], [w] + [(1 - w) / len(ts)] * len(ts), size=9.5)
    else:
        form = rng.choice(content()["row_number_forms"])
        for i, t in enumerate(ts):
            verb = rng.choice(["达到", "不低于", ""]) if t.written.replace(".", "").isdigit() else ""
            num = form.format(n=i + 1, cn=C.CN[i])
            f.para(f"{num}{t.written_indicator}{verb}{t.written}{t.written_unit}；", indent=False)
    f.para("以上目标按年度分解落实，并接受主管部门考核。")
    return p


def members(app: App2, rng: random.Random) -> T.PageLayout:
    c, st = content(), app.style
    p = T.PageLayout("members")
    f = C.flow(p, rng, app)
    f.heading(rng.choice(c["member_headings"]), size=16)
    ms = app.members
    layout = st["members"]
    if layout == "wide_table":
        rows = [c["wide_table_header"]] + [[str(i + 1), m.name, m.uscc, m.type_text, m.role_text, m.contact, m.phone]
                                           for i, m in enumerate(ms)]
        f.table(rows, [0.05, 0.24, 0.24, 0.13, 0.13, 0.08, 0.13], size=8.5)
    elif layout == "role_first_table":
        rows = [c["role_first_header"]] + [[str(i + 1), m.role_text, m.name, m.uscc, m.district]
                                           for i, m in enumerate(ms)]
        f.table(rows, [0.08, 0.2, 0.32, 0.27, 0.13], size=10)
    elif layout == "tick_blocks":
        for i, m in enumerate(ms):
            role_row = C.ticks(c["role_tick_names"], {c["role_tick_names"][k] for k, r in
                                                      enumerate(["lead", "code_contributor", "application_unit"])
                                                      if r in m.roles}, st["tick"])
            f.table([[f"成员单位{C.CN[i]}", m.name], [st["labels"]["uscc"], m.uscc], ["承担角色", role_row]],
                    [0.26, 0.74], size=10.5, header=False)
            f.y -= 2
    else:
        f.para(f"本联合体由以下{len(ms)}家单位组成：")
        for i, m in enumerate(ms):
            duty = "；".join(c["member_duties"][r] for r in m.roles)
            f.para(f"（{C.CN[i]}）{m.role_text}：{m.name}（统一社会信用代码：{m.uscc}），{duty}。")
    return p


def agreement(app: App2, rng: random.Random) -> T.PageLayout:
    c = content()
    p = T.PageLayout("agreement")
    f = C.flow(p, rng, app)
    f.heading(rng.choice(c["agreement_titles"]), size=18)
    f.space(2)
    parties = c["party_names"]
    for i, m in enumerate(app.members):
        tag = "（牵头单位）" if i == 0 else ""
        f.para(f"{parties[i]}{tag}：{m.name}", indent=False)
    f.para(rng.choice(c["agreement_intro"]))
    f.para(f"第一条  {parties[0]}为联合体牵头单位，{c['member_duties']['lead']}。")
    duties = [f"{parties[i]}作为{m.role_text}，" + "，".join(c["member_duties"][r] for r in m.roles if r != "lead")
              for i, m in enumerate(app.members) if set(m.roles) - {"lead"}]
    f.para("第二条  成员分工：" + "；".join(duties) + "。")
    for k, t in enumerate(c["agreement_tail"]):
        f.para(f"第{C.CN[k + 2]}条  {t}")
    return p


def signing(app: App2, rng: random.Random) -> T.PageLayout:
    """签署页: one block per party, each with its seal."""
    p = T.PageLayout("signing")
    f = C.flow(p, rng, app, top=30)
    C.line(f, "（以下无正文，为联合体协议书签署页）", 12)
    f.space(8)
    parties = content()["party_names"]
    y0 = f.y
    for i, m in enumerate(app.members):
        x = f.x0 + (i % 2) * 84
        f.y = y0 + (i // 2) * 62
        C.line(f, f"{parties[i]}（盖章）：", 12, x)
        C.line(f, m.name[:15], 11.5, x)
        if len(m.name) > 15:
            C.line(f, m.name[15:], 11.5, x)
        f.seal(m, x + 30, f.y + 6)
        f.y += 16
        C.line(f, "法定代表人或授权代表（签字）：", 10.5, x)
        f.signature(x + 20, f.y - 2)
    f.y = y0 + ((len(app.members) + 1) // 2) * 62 + 6
    C.line(f, f"签署日期：{app.date_text}", 12, f.x0 + 90)
    return p


def booklet(app: App2) -> list[T.PageLayout]:
    rng = random.Random(f"family2-layout:{app.index}:{app.applicant.uscc}")
    body: list[T.PageLayout] = [C.commitment(app, rng), C.basic_info(app, rng)]
    if app.style["certificate"]:
        body.append(C.certificate(app, rng))
    if app.track == "innovation_community":
        body.append(site(app, rng))
        body.append(plan_page(app, rng))
        body.append(targets(app, rng))
        body.append(lease_contract(app, rng) if app.site.tenure == "leased" else deed(app, rng))
    else:
        body.append(members(app, rng))
        body.append(agreement(app, rng))
        body.append(signing(app, rng))
        body.append(targets(app, rng))
    pages = [C.cover(app, rng)]
    if app.style["toc"]:
        entries = content()["toc_entries"][app.track]
        pages.append(C.toc(app, rng, {e: i + 1 for i, e in enumerate(entries)}))
    pages += body
    for pg in pages:  # a page carrying a seal is a stamped paper page: Word files embed its scan
        pg.native_docx = not pg.seals
    return pages
