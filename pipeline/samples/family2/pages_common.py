"""Family 2 pages every booklet has: cover, 目录, 承诺书, basic-information table; and the district's
附件4 form. Drawn with family 1's typesetter (typeset.Flow, PageLayout: millimetres, A4), worded from
family2/content.yaml."""
from __future__ import annotations

import random

from pipeline.samples import typeset as T
from pipeline.samples import units as U
from pipeline.samples import wording as W
from pipeline.samples.family2.plan2 import App2, Unit2, content

CN = "一二三四五六七八九十"


def flow(p: T.PageLayout, rng: random.Random, app: App2 | None, **kw) -> T.Flow:
    if app is None:
        return T.Flow(p, rng, left=22, right=22, **kw)
    m = app.style["margin"]
    return T.Flow(p, rng, left=m, right=m, body=app.style["body_pt"], **kw)


def line(f: T.Flow, text: str, size: float, x: float | None = None, font: str = "body", gap: float = 1.8) -> None:
    """One line of text (no wrapping) that also goes into the Word file's paragraphs."""
    f.text(f.x0 if x is None else x, f.y, size, text, font=font)
    f.p.blocks.append(("para", text))
    f.y += size * T.PT * gap


def ticks(options: list[str], chosen: set[str], mark: str, detail: dict | None = None) -> str:
    """A tick row as forms print it: ■企业  □事业单位 …; `detail` adds （…） after a ticked option."""
    out = []
    for o in options:
        box = mark if o in chosen else content()["untick"]
        extra = f"（{detail[o]}）" if detail and o in detail and o in chosen else ""
        out.append(f"{box}{o}{extra}")
    return "  ".join(out)


def type_cell(app: App2, u: Unit2) -> str:
    c = content()
    if not app.style["type_as_ticks"]:
        return u.type_text
    opt = c["tick_of_kind"][u.kind]
    detail = {"其他": c["other_detail"][u.kind]} if opt == "其他" else None
    return ticks(c["tick_options"], {opt}, app.style["tick"], detail)


def name_lines(f: T.Flow, x: float, label: str, name: str, size: float, width_chars: int = 16) -> float:
    """`label` then the unit's name, on a second line when long; returns the y of the name line."""
    if len(label) + len(name) <= width_chars + 6:
        line(f, label + name, size, x)
        return f.y - size * T.PT * 1.8
    line(f, label, size, x)
    y = f.y
    line(f, name, size, x + 4)
    return y


def cover(app: App2, rng: random.Random) -> T.PageLayout:
    c, a, st = content(), app.applicant, app.style
    p = T.PageLayout("cover")
    f = flow(p, rng, app, top=24)
    line(f, rng.choice(c["annex_label"][app.track]), 14, font="title")
    f.space(34)
    for t in c["cover_titles"][app.track][st["title"]]:
        f.heading(t, size=21)
    f.space(6)
    f.heading(f"社区名称：{app.community}", size=15, font="body")
    f.space(38)
    lead = "联合体牵头单位（盖章）" if app.track == "open_source_community" else "申报单位（盖章）"
    month_only = app.cover_month_only
    if st["cover_table"]:
        rows = [[lead, a.name], ["统一社会信用代码", a.uscc]]
        if app.members:
            rows.append(["联合体成员单位", "、".join(m.name for m in app.members[1:])])
        rows.append(["联系人及电话", f"{a.contact} {a.phone}"])
        if not month_only:
            rows.append(["申报日期", app.cover_date_text])
        y0 = f.y
        f.table(rows, [0.34, 0.66], size=13, header=False)
        if st["seal_on_cover"]:
            f.seal(a, f.x0 + 0.34 * (f.x1 - f.x0) + 45, y0 + 8)
    else:
        x = f.x0 + 12
        y = name_lines(f, x, f"{lead}：", a.name, 15, 14)
        if st["seal_on_cover"]:
            f.seal(a, x + 95, y + 3)
        if app.members:
            f.para(f"联合体成员单位：{'、'.join(m.name for m in app.members[1:])}", size=14, indent=False)
        line(f, f"联 系 人：{a.contact}", 15, x)
        line(f, f"联系电话：{a.phone}", 15, x)
        if not month_only:
            line(f, f"填报日期：{app.cover_date_text}", 15, x)
    if month_only and rng.random() < 0.3:
        line(f, f"申报时间：{app.cover_date_text}", 15, f.x0 + 12)
    elif month_only:
        f.y = max(f.y + 20, 240.0)
        f.heading(app.cover_date_text, size=16, font="body")
    return p


def toc(app: App2, rng: random.Random, pages_of: dict[str, int]) -> T.PageLayout:
    p = T.PageLayout("toc")
    f = flow(p, rng, app, top=32)
    f.heading("目    录", size=20)
    f.space(8)
    for i, entry in enumerate(content()["toc_entries"][app.track]):
        num = pages_of.get(entry, i + 3)
        dots = "…" * max(4, 26 - len(entry))
        line(f, f"{CN[i]}、{entry}{dots}{num}", 13, gap=2.4)
    return p


def commitment(app: App2, rng: random.Random) -> T.PageLayout:
    c, a = content(), app.applicant
    p = T.PageLayout("commitment")
    f = flow(p, rng, app, top=34)
    f.heading(rng.choice(c["commitment_titles"]), size=20)
    f.space(6)
    f.para(rng.choice(c["commitment_addressees"]), size=13, indent=False)
    f.para(rng.choice(c["commitment_texts"]), size=13, gap=2.0)
    if app.members:
        f.para(f"本承诺由联合体牵头单位代表联合体全体成员（共{len(app.members)}家）作出。", size=13, gap=2.0)
    f.space(26)
    x = 96.0
    y = name_lines(f, x, rng.choice(c["signer_labels"]), a.name, 13, 12)
    f.seal(a, x + 45, y + 4)
    f.space(6)
    line(f, rng.choice(c["rep_labels"]), 13, x)
    f.signature(x + 44, f.y - 9)
    f.space(4)
    line(f, app.date_text if rng.random() < 0.5 else f"日期：{app.date_text}", 13, x + 10)
    return p


def basic_info(app: App2, rng: random.Random) -> T.PageLayout:
    a, st, lab = app.applicant, app.style, app.style["labels"]
    p = T.PageLayout("basic_info")
    f = flow(p, rng, app)
    title = "牵头单位基本情况表" if app.members else "申报单位基本情况表"
    f.heading(rng.choice([title, f"一、{title}"]), size=16)
    f.space(2)
    founded = W.write_date(W.add_years(app.declared_on, -rng.randint(2, 18)), "arabic")
    capital = f"{rng.choice([100, 500, 1000, 2000, 5000])}万元"
    staff = f"{rng.randint(20, 600)}人"
    if st["basic_grid"] == "kv":
        middle = [[lab["uscc"], a.uscc], [lab["type"], type_cell(app, a)], [lab["founded"], founded],
                  [lab["capital"], capital], [lab["legal_rep"], a.legal_rep], [lab["address"], a.address]]
        rng.shuffle(middle)
        rows = [[lab["name"], a.name]] + middle + [[lab["contact"], a.contact], [lab["phone"], a.phone]]
        f.table(rows, [0.3, 0.7], size=12, header=False)
    else:
        grid = [[lab["name"], a.name, lab["founded"], founded], [lab["uscc"], a.uscc, lab["capital"], capital],
                [lab["legal_rep"], a.legal_rep, lab["staff"], staff], [lab["contact"], a.contact, lab["phone"], a.phone]]
        f.table(grid, [0.2, 0.35, 0.17, 0.28], size=11, header=False)
        f.y -= 5  # the second part of the same form
        f.table([[lab["type"], type_cell(app, a)], [lab["address"], a.address]], [0.2, 0.8], size=11, header=False)
    f.para(f"{rng.choice(['单位简介', '主营业务及优势'])}：本单位主要从事软件开发、信息系统集成和数字化转型服务，"
           f"现有研发人员{rng.randint(15, 300)}人，获得软件著作权{rng.randint(8, 150)}项，"
           "具备建设运营软信领域社区所需的专业团队和服务资源。", size=12)
    return p


def certificate(app: App2, rng: random.Random) -> T.PageLayout:
    """Copy of the applicant's registration certificate, certified with its seal: one more place
    where its name and code are printed."""
    c, a = content(), app.applicant
    cert = c["certificates"][a.kind]
    p = T.PageLayout("certificate")
    f = flow(p, rng, app, top=30)
    f.heading(cert["title"], size=20)
    f.space(4)
    line(f, f"统一社会信用代码  {a.uscc}", 12)
    f.space(4)
    founded = W.write_date(W.add_years(app.declared_on, -rng.randint(2, 18)), "arabic")
    rows = [["名        称", a.name], [cert["type_label"], c["certificate_type_values"][a.kind]],
            [cert["rep_label"], a.legal_rep], [cert["money_label"], f"{rng.choice([100, 300, 1000])}万元"],
            ["成立日期", founded], ["住        所", a.address], [cert["scope_label"], c["certificate_scope"]]]
    f.table(rows, [0.24, 0.76], size=12, header=False)
    f.space(10)
    line(f, rng.choice(c["certified_copy"]), 14, f.x0 + 70)
    f.seal(a, f.x0 + 100, f.y - 2)
    return p


def recommendation_form(district: str, apps: list[App2], rng: random.Random, date_text: str,
                        authority: U.UnitPlan) -> list[T.PageLayout]:
    """附件4 in this family's layout: 12 rows per page, the sign-off and seal on the last page."""
    c = content()
    header = rng.choice(c["form_headers"])
    kinds = {"innovation_community": "创新创业社区", "open_source_community": "开源社区"}

    def row(i: int, a: App2) -> list[str]:
        vals = {"推荐排序": str(i + 1), "序号": str(i + 1), "申报主体名称": a.applicant.name, "单位名称": a.applicant.name,
                "统一社会信用代码（注册号）": a.applicant.uscc, "机构代码": a.applicant.uscc, "申报类别": kinds[a.track],
                "申报方向": kinds[a.track], "备注": "联合体" if a.members else "", "联系人": a.applicant.contact}
        return [vals[h] for h in header]

    body = [row(i, a) for i, a in enumerate(apps)]
    pages = []
    title = rng.choice(c["form_titles"]).format(district=district)
    for k in range(0, max(1, len(body)), 12):
        p = T.PageLayout("recommendation_form")
        pages.append(p)
        f = flow(p, rng, None, top=22)
        line(f, "附件4" if k == 0 else "附件4（续）", 13, font="title")
        f.space(6)
        f.heading(title, size=16)
        line(f, f"推荐单位：{authority.name}", 12)
        wide = {"申报主体名称": 0.32, "单位名称": 0.32, "统一社会信用代码（注册号）": 0.26, "机构代码": 0.26}
        rest = (1 - sum(wide.get(h, 0) for h in header)) / sum(h not in wide for h in header)
        f.table([header] + body[k:k + 12], [wide.get(h, rest) for h in header], size=9.5)
    f.space(4)
    line(f, rng.choice(c["form_opinion"]), 12)
    f.para(rng.choice(c["form_opinion_text"]), size=12)
    f.space(14)
    x = 112.0
    line(f, "（盖章）", 12, x + 20)
    f.seal(authority, x + 32, f.y - 4)
    f.space(8)
    line(f, date_text, 12, x + 8)
    return pages
