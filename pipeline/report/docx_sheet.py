"""review.docx: the Chinese checklist a reviewer prints (A4) and works through.

Reads only the review.json dict, so the sheet and the JSON can never disagree. Layout: header
(who, which files), the system's verdict in plain words, one checklist row per check with the
notice requirement, finding, evidence and a coloured status, then seals (with their crops), targets
beside their minimums, processing problems and a sign-off block.
"""
from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm

from pipeline.report.atomic import write_bytes_atomic
from pipeline.report.docx_format import (
    GREY, MARGIN, PAGE_W, TEXT_W, add_row, field, file_page, font_table, grid_table, is_unreadable, number_text,
    or_dash, row_flags, shade, shorten, style_fonts, write,
)
from pipeline.report.docx_seals import seals_section
from pipeline.report.ooxml import fixed_datetime, normalise_zip
from pipeline.report.texts import label, labels, requirement_text

DOCX_FILE = "review.docx"
MAX_EVIDENCE = 3


# ---- sections --------------------------------------------------------------------------

def _page_setup(doc, review: Mapping[str, Any]) -> None:
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = Mm(PAGE_W), Mm(297)
    sec.left_margin = sec.right_margin = Mm(MARGIN)
    sec.top_margin, sec.bottom_margin = Mm(15), Mm(15)
    sec.header_distance = sec.footer_distance = Mm(8)
    par = sec.footer.paragraphs[0]
    par.alignment = WD_ALIGN_PARAGRAPH.CENTER
    write(par, f"申报编号 {review['application_id']}    第 ", size=8, colour=GREY)
    field(par, "PAGE")
    write(par, " 页 / 共 ", size=8, colour=GREY)
    field(par, "NUMPAGES")
    write(par, " 页", size=8, colour=GREY)


def _unit_line(u: Mapping[str, Any]) -> str:
    roles = "、".join(label("role", r) for r in u.get("roles", [])) or "角色未识别"
    return f"{or_dash(u.get('name'))}（{or_dash(u.get('uscc'))}）— {roles}"


def _header(doc, review: Mapping[str, Any]) -> None:
    doc.add_paragraph("揭榜挂帅申报材料形式审查表", style="Title").alignment = WD_ALIGN_PARAGRAPH.CENTER
    sub = doc.add_paragraph()
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    write(sub, "依据：渝经信软件〔2026〕9号《关于发布重庆市软信领域创新创业社区和开源社区建设运营"
                "“揭榜挂帅”榜单的通知》", size=9, colour=GREY)

    app, site = review["applicant"], review["site"]
    rows = [
        ("申报编号", review["application_id"]),
        ("申报材料", review["entry"]),
        ("申报类型", label("track", review["track"], "未能识别")),
        ("申报单位" + ("（牵头单位）" if review["consortium"] else ""), or_dash(app["name"])),
        ("统一社会信用代码", or_dash(app["uscc"])),
        ("单位性质", label("entity_type", app["entity_type"])
         + (f"（申报书填写：{app['declared_type_text']}）" if app.get("declared_type_text") else "")),
    ]
    if review["track"] != "open_source_community" or site["tenure"]:
        lease = ""
        if site["lease_start"] or site["lease_end"]:
            lease = f"，租期 {or_dash(site['lease_start'])} 至 {or_dash(site['lease_end'])}"
        if site["lease_years"] is not None:
            lease += f"（{number_text(site['lease_years'])} 年）"
        rows.append(("场地", label("tenure", site["tenure"], "未识别") + lease))
    rows.append(("申报日期", or_dash(review["declared_on"])))
    rows.append(("生成日期", or_dash(review.get("run_date"))))
    table = grid_table(doc, [38, TEXT_W - 38])
    for key, value in rows:
        k, v = add_row(table)
        shade(k, "F2F2F2")
        write(k, key, bold=True, size=9.5)
        write(v, value, size=9.5)
    if review["consortium"] or review["track"] == "open_source_community":
        k, v = add_row(table)
        shade(k, "F2F2F2")
        write(k, "联合体成员", bold=True, size=9.5)
        if not review["consortium"]:
            write(v, "未识别到联合体成员", size=9.5)
        for i, u in enumerate(review["consortium"]):
            write(v, f"{i + 1}. {_unit_line(u)}", size=9.5, new_paragraph=i > 0)

    doc.add_paragraph("源文件", style="Heading 2")
    files = grid_table(doc, [52, TEXT_W - 52 - 14, 14], header=["文件", "SHA-256", "页数"])
    for f in review["source"]["files"]:
        a, b, c = add_row(files)
        write(a, f["path"], size=8.5)
        write(b, f["sha256"], size=7.5, mono=True)
        write(c, str(f["pages"]), size=8.5, align=WD_ALIGN_PARAGRAPH.CENTER)
    if not review["source"]["files"]:
        a, b, c = add_row(files)
        write(a, "（无可读文件）", size=8.5)


def _verdict(doc, review: Mapping[str, Any], requirements) -> None:
    doc.add_paragraph("审查结论（系统初审）", style="Heading 1")
    table = grid_table(doc, [TEXT_W])
    (cell,) = add_row(table)
    shade(cell, labels()["colour"][review["verdict"]])
    write(cell, label("verdict", review["verdict"]), bold=True, size=16, align=WD_ALIGN_PARAGRAPH.CENTER)
    n = review["counts"]
    par = doc.add_paragraph()
    if is_unreadable(review):
        write(par, "申报材料无法读取，系统未能逐项审查，请人工审查原件。", size=10.5)
    else:
        write(par, f"共审查 {len(review['checks'])} 项：符合 {n['pass']} 项，不符合 {n['fail']} 项，"
                    f"需人工复核 {n['review']} 项。", size=10.5)
    for status, head in (("fail", "不符合项"), ("review", "需人工复核项")):
        items = [c for c in review["checks"] if c["status"] == status]
        if items:
            par = doc.add_paragraph()
            write(par, f"{head}：", bold=True, size=10)
            write(par, "；".join(
                (c["requirement"] or requirement_text(c["rule"], requirements) or c["rule"])
                + (f"（{c['unit']}）" if c["unit"] else "") for c in items), size=10)
    if review["errors"]:
        par = doc.add_paragraph()
        write(par, f"处理中发现 {len(review['errors'])} 个问题，见第四部分。", size=10)
    par = doc.add_paragraph()
    write(par, "本表由系统根据扫描件自动生成，各项结论须由审核人对照原件确认后在“审核人意见”栏签注。",
           size=9, colour=GREY)


def _evidence_text(evidence: Sequence[Mapping[str, Any]]) -> list[str]:
    out = []
    for e in evidence[:MAX_EVIDENCE]:
        line = file_page(e["file"], e["page"])
        if e.get("text"):
            line += f"：「{shorten(e['text'])}」"
        if e.get("note"):
            line += f"（{shorten(e['note'], 60)}）"
        out.append(line)
    if len(evidence) > MAX_EVIDENCE:
        out.append(f"另有 {len(evidence) - MAX_EVIDENCE} 处证据，见 review.json")
    return out or ["未找到证据"]


def _checklist(doc, review: Mapping[str, Any], requirements) -> None:
    doc.add_paragraph("一、逐项审查", style="Heading 1")
    if not review["checks"]:
        write(doc.add_paragraph(), "未能进行逐项审查（申报材料无法读取），请人工审查原件。", size=10.5)
        return
    widths = [12, 41, 42, 41, 21, TEXT_W - 12 - 41 - 42 - 41 - 21]
    table = grid_table(doc, widths, header=["序号", "审查要求（通知条款）", "核查结果", "证据（文件、页码、原文）",
                                        "状态", "审核人意见"])
    fills = labels()["colour"]
    for i, c in enumerate(review["checks"], start=1):
        cells = add_row(table)
        row_flags(table.rows[-1])
        write(cells[0], str(i), size=9, align=WD_ALIGN_PARAGRAPH.CENTER)
        req = c["requirement"] or requirement_text(c["rule"], requirements) or c["rule"]
        write(cells[1], req, size=9)
        ref = f"通知{c['clause']}　" if c["clause"] else ""
        write(cells[1], f"{ref}{c['rule']}", size=7.5, colour=GREY, new_paragraph=True)
        if c["unit"]:
            write(cells[2], f"【{c['unit']}】", bold=True, size=9)
            write(cells[2], c["detail"], size=9, new_paragraph=True)
        else:
            write(cells[2], c["detail"], size=9)
        for j, line in enumerate(_evidence_text(c["evidence"])):
            write(cells[3], line, size=8, new_paragraph=j > 0)
        shade(cells[4], fills[c["status"]])
        write(cells[4], label("status", c["status"]), bold=True, size=9.5, align=WD_ALIGN_PARAGRAPH.CENTER)


def _targets(doc, review: Mapping[str, Any]) -> None:
    doc.add_paragraph("三、建设目标与榜单指标", style="Heading 1")
    targets = review["targets"]
    if not targets:
        write(doc.add_paragraph(), "申报材料无法读取，未能提取建设目标。" if is_unreadable(review)
               else "未提取到建设目标。", size=10.5)
        return
    widths = [50, 26, 26, 22, TEXT_W - 50 - 26 - 26 - 22]
    table = grid_table(doc, widths, header=["指标", "申报目标值", "榜单最低要求", "是否达到", "出处"])
    fills = labels()["colour"]
    for t in targets:
        cells = add_row(table)
        row_flags(table.rows[-1])
        unit = t["unit"] or ""
        write(cells[0], t["indicator"] + (f"（{unit}）" if unit else ""), size=9)
        if t.get("written") and t["written"] != t["indicator"]:
            write(cells[0], f"原文：{t['written']}", size=7.5, colour=GREY, new_paragraph=True)
        write(cells[1], number_text(t["value"]), size=9, align=WD_ALIGN_PARAGRAPH.CENTER)
        write(cells[2], number_text(t["minimum"]) + ("（暂定）" if t.get("minimum_is_placeholder") else ""),
               size=9, align=WD_ALIGN_PARAGRAPH.CENTER)
        meets = t["meets_minimum"]
        if meets is None:
            write(cells[3], "—", size=9, align=WD_ALIGN_PARAGRAPH.CENTER)
        else:
            shade(cells[3], fills["pass" if meets else "fail"])
            write(cells[3], "达到" if meets else "未达到", bold=True, size=9, align=WD_ALIGN_PARAGRAPH.CENTER)
        ev = t["evidence"][0] if t["evidence"] else None
        write(cells[4], file_page(ev["file"], ev["page"]) if ev else "—", size=8)


def _errors(doc, review: Mapping[str, Any]) -> None:
    doc.add_paragraph("四、处理中发现的问题", style="Heading 1")
    if not review["errors"]:
        write(doc.add_paragraph(), "无。", size=10.5)
        return
    for i, e in enumerate(review["errors"], start=1):
        where = file_page(e["file"], e["page"]) if e["file"] else ""
        write(doc.add_paragraph(), f"{i}. {e['message']}" + (f"（{where}）" if where else ""), size=10)


def _sign_off(doc) -> None:
    """Kept on one page with its heading (keep-with-next on every paragraph but the last row's)."""
    doc.add_paragraph("五、审核意见", style="Heading 1").paragraph_format.keep_with_next = True
    table = grid_table(doc, [30, TEXT_W - 30])
    rows = [
        ("审核结论", "　□符合条件　　□不符合条件　　□需补充材料"),  # leading 　 keeps □ in the CJK font
        ("审核意见", ""),
        ("审核人（签字）", ""),
        ("日期", "　　　　年　　月　　日"),
    ]
    for key, value in rows:
        k, v = add_row(table)
        row_flags(table.rows[-1])
        shade(k, "F2F2F2")
        write(k, key, bold=True, size=10.5)
        write(v, value, size=10.5)
        if key == "审核意见":
            table.rows[-1].height = Mm(30)
        elif key == "审核人（签字）":
            table.rows[-1].height = Mm(12)
    for row in table.rows[:-1]:
        for cell in row.cells:
            for par in cell.paragraphs:
                par.paragraph_format.keep_with_next = True


def _core_properties(doc, review: Mapping[str, Any]) -> None:
    when = fixed_datetime(review.get("run_date")).replace(tzinfo=None)
    cp = doc.core_properties
    cp.title = f"揭榜挂帅申报材料形式审查表 {review['application_id']}"
    cp.subject = "渝经信软件〔2026〕9号"
    cp.author = cp.last_modified_by = "Jiebang Intake"
    cp.keywords = review["verdict"]
    cp.comments = ""
    cp.revision = 1
    cp.created = cp.modified = cp.last_printed = when


def render_review_docx(review: Mapping[str, Any], *, base_dir: Path, requirements=None) -> tuple[bytes, int]:
    """(docx bytes, number of seal crops embedded) — pure apart from reading the crop files."""
    doc = Document()
    style_fonts(doc)
    font_table(doc)
    _page_setup(doc, review)
    _header(doc, review)
    _verdict(doc, review, requirements)
    _checklist(doc, review, requirements)
    embedded = seals_section(doc, review, base_dir)
    _targets(doc, review)
    _errors(doc, review)
    _sign_off(doc)
    _core_properties(doc, review)
    buf = io.BytesIO()
    doc.save(buf)
    return normalise_zip(buf.getvalue(), fixed_datetime(review.get("run_date"))), embedded


def write_review_docx(app_dir: Path, review: Mapping[str, Any], *, crops_dir: Path | None = None,
                      requirements: Mapping[str, str] | None = None) -> Path:
    """Write app_dir/review.docx atomically. Seal crops are read from crops_dir (default app_dir)."""
    app_dir = Path(app_dir)
    data, _ = render_review_docx(review, base_dir=Path(crops_dir or app_dir), requirements=requirements)
    return write_bytes_atomic(app_dir / DOCX_FILE, data)
