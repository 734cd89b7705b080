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
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from pipeline.report.atomic import write_bytes_atomic
from pipeline.report.ooxml import fixed_datetime, normalise_zip
from pipeline.report.texts import label, labels, requirement_text

DOCX_FILE = "review.docx"
LATIN_FONT = "Times New Roman"
CJK_FONT = "SimSun"  # 宋体: present on every Chinese Windows/Word; LibreOffice maps it to an installed CJK serif
CJK_HEADING_FONT = "SimHei"  # 黑体
MONO_FONT = "Courier New"
PAGE_W, MARGIN = 210, 15  # mm, A4 portrait
TEXT_W = PAGE_W - 2 * MARGIN
MAX_EVIDENCE = 3
MAX_EVIDENCE_TEXT = 90
GREY = RGBColor(0x59, 0x59, 0x59)


# ---- low-level formatting --------------------------------------------------------------

def _set_fonts(rpr, latin: str, east_asia: str) -> None:
    """Explicit fonts for Latin and CJK text; theme attributes removed because they win over names."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:cs"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:hint"), "eastAsia")


def _style_fonts(doc) -> None:
    rpr_default = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(rpr_default, LATIN_FONT, CJK_FONT)
    lang = rpr_default.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr_default.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    for style in doc.styles:
        if style.type != 1:  # paragraph styles only (character/table styles inherit)
            continue
        heading = style.name.startswith(("Heading", "Title"))
        _set_fonts(style.element.get_or_add_rPr(), LATIN_FONT, CJK_HEADING_FONT if heading else CJK_FONT)
        if heading:
            style.font.color.rgb = RGBColor(0, 0, 0)
    for fonts in doc.styles.element.iter(qn("w:rFonts")):  # character/table styles still point at theme fonts
        if any(qn(a) in fonts.attrib for a in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")):
            _set_fonts(fonts.getparent(), LATIN_FONT, CJK_FONT)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(10.5)  # 五号
    normal.paragraph_format.space_after = Pt(2)
    normal.paragraph_format.space_before = Pt(0)
    for name, size in (("Title", 16), ("Heading 1", 13), ("Heading 2", 11.5)):
        st = doc.styles[name]
        st.font.size = Pt(size)
        st.font.bold = True
        st.paragraph_format.space_before = Pt(10 if name != "Title" else 0)
        st.paragraph_format.space_after = Pt(4)
    title_ppr = doc.styles["Title"].element.get_or_add_pPr()
    for border in title_ppr.findall(qn("w:pBdr")):  # the default Title has a blue rule under it
        title_ppr.remove(border)


# Font table entries that tell Word and LibreOffice these are GB2312 (Chinese) fonts, with their
# Chinese names as alternates; the template's Japanese ＭＳ 明朝/ゴシック entries are dropped so
# renderers do not pick Japanese glyph forms.
_CJK_FONT_ENTRIES = (
    (CJK_FONT, "宋体", "02010600030101010101", "roman"),
    (CJK_HEADING_FONT, "黑体", "02010609060101010101", "modern"),
)


def _font_table(doc) -> None:
    from lxml import etree

    part = next((rel.target_part for rel in doc.part.rels.values() if rel.reltype.endswith("/fontTable")), None)
    if part is None:
        return
    root = etree.fromstring(part.blob)
    for font in root.findall(qn("w:font")):
        charset = font.find(qn("w:charset"))
        if charset is not None and charset.get(qn("w:val")) == "80":  # Shift-JIS
            root.remove(font)
    for name, alt, panose, family in _CJK_FONT_ENTRIES:
        font = etree.SubElement(root, qn("w:font"))
        font.set(qn("w:name"), name)
        for tag, val in (("w:altName", alt), ("w:panose1", panose), ("w:charset", "86"),
                         ("w:family", family), ("w:pitch", "variable")):
            etree.SubElement(font, qn(tag)).set(qn("w:val"), val)
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _shade(cell, hex_fill: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), hex_fill)
    tc_pr.append(shd)


def _row_flags(row, *, header: bool = False) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))
    if header:
        tr_pr.append(OxmlElement("w:tblHeader"))


def _table(doc, widths_mm: Sequence[float], header: Sequence[str] | None = None):
    table = doc.add_table(rows=0, cols=len(widths_mm))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table._tbl.tblPr.append(layout)
    for col, w in zip(table.columns, widths_mm):
        col.width = Mm(w)
    if header:
        cells = _add_row(table, widths_mm)
        _row_flags(table.rows[-1], header=True)
        for cell, text in zip(cells, header):
            _shade(cell, "D9D9D9")
            _write(cell, text, bold=True, size=9, align=WD_ALIGN_PARAGRAPH.CENTER)
    table._widths = list(widths_mm)
    return table


def _add_row(table, widths_mm=None):
    row = table.add_row()
    widths_mm = widths_mm or table._widths
    for cell, w in zip(row.cells, widths_mm):
        cell.width = Mm(w)
    return row.cells


def _write(cell_or_par, text: str, *, bold=False, size: float | None = 9, colour=None, align=None,
           mono=False, new_paragraph=False):
    """Write text into a cell's (first or a new) paragraph and return the run."""
    if hasattr(cell_or_par, "paragraphs"):
        par = cell_or_par.add_paragraph() if new_paragraph else cell_or_par.paragraphs[0]
    else:
        par = cell_or_par
    par.paragraph_format.space_after = Pt(0)
    if align is not None:
        par.alignment = align
    run = par.add_run(text)
    run.bold = bold
    if size:
        run.font.size = Pt(size)
    if colour is not None:
        run.font.color.rgb = colour
    if mono:
        _set_fonts(run._r.get_or_add_rPr(), MONO_FONT, CJK_FONT)
    return run


def _field(par, instr: str, placeholder: str = "1") -> None:
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), instr)
    r = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = placeholder
    r.append(t)
    fld.append(r)
    par._p.append(fld)


def _unreadable(review: Mapping[str, Any]) -> bool:
    """An error review: nothing could be checked and the errors say why."""
    return not review["checks"] and bool(review["errors"])


def _short(text: str, limit: int = MAX_EVIDENCE_TEXT) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _where(file: str | None, page: int | None) -> str:
    if not file:
        return "—"
    return f"{file} 第{page}页" if page else file


def _num(v) -> str:
    if v is None:
        return "—"
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return f"{v:,}" if isinstance(v, int) else f"{v:g}"


def _or_dash(v) -> str:
    return "—" if v in (None, "") else str(v)


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
    _write(par, f"申报编号 {review['application_id']}    第 ", size=8, colour=GREY)
    _field(par, "PAGE")
    _write(par, " 页 / 共 ", size=8, colour=GREY)
    _field(par, "NUMPAGES")
    _write(par, " 页", size=8, colour=GREY)


def _unit_line(u: Mapping[str, Any]) -> str:
    roles = "、".join(label("role", r) for r in u.get("roles", [])) or "角色未识别"
    return f"{_or_dash(u.get('name'))}（{_or_dash(u.get('uscc'))}）— {roles}"


def _header(doc, review: Mapping[str, Any]) -> None:
    doc.add_paragraph("揭榜挂帅申报材料形式审查表", style="Title").alignment = WD_ALIGN_PARAGRAPH.CENTER
    sub = doc.add_paragraph()
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _write(sub, "依据：渝经信软件〔2026〕9号《关于发布重庆市软信领域创新创业社区和开源社区建设运营"
                "“揭榜挂帅”榜单的通知》", size=9, colour=GREY)

    app, site = review["applicant"], review["site"]
    rows = [
        ("申报编号", review["application_id"]),
        ("申报材料", review["entry"]),
        ("申报类型", label("track", review["track"], "未能识别")),
        ("申报单位" + ("（牵头单位）" if review["consortium"] else ""), _or_dash(app["name"])),
        ("统一社会信用代码", _or_dash(app["uscc"])),
        ("单位性质", label("entity_type", app["entity_type"])
         + (f"（申报书填写：{app['declared_type_text']}）" if app.get("declared_type_text") else "")),
    ]
    if review["track"] != "open_source_community" or site["tenure"]:
        lease = ""
        if site["lease_start"] or site["lease_end"]:
            lease = f"，租期 {_or_dash(site['lease_start'])} 至 {_or_dash(site['lease_end'])}"
        if site["lease_years"] is not None:
            lease += f"（{_num(site['lease_years'])} 年）"
        rows.append(("场地", label("tenure", site["tenure"], "未识别") + lease))
    rows.append(("申报日期", _or_dash(review["declared_on"])))
    rows.append(("生成日期", _or_dash(review.get("run_date"))))
    table = _table(doc, [38, TEXT_W - 38])
    for key, value in rows:
        k, v = _add_row(table)
        _shade(k, "F2F2F2")
        _write(k, key, bold=True, size=9.5)
        _write(v, value, size=9.5)
    if review["consortium"] or review["track"] == "open_source_community":
        k, v = _add_row(table)
        _shade(k, "F2F2F2")
        _write(k, "联合体成员", bold=True, size=9.5)
        if not review["consortium"]:
            _write(v, "未识别到联合体成员", size=9.5)
        for i, u in enumerate(review["consortium"]):
            _write(v, f"{i + 1}. {_unit_line(u)}", size=9.5, new_paragraph=i > 0)

    doc.add_paragraph("源文件", style="Heading 2")
    files = _table(doc, [52, TEXT_W - 52 - 14, 14], header=["文件", "SHA-256", "页数"])
    for f in review["source"]["files"]:
        a, b, c = _add_row(files)
        _write(a, f["path"], size=8.5)
        _write(b, f["sha256"], size=7.5, mono=True)
        _write(c, str(f["pages"]), size=8.5, align=WD_ALIGN_PARAGRAPH.CENTER)
    if not review["source"]["files"]:
        a, b, c = _add_row(files)
        _write(a, "（无可读文件）", size=8.5)


def _verdict(doc, review: Mapping[str, Any], requirements) -> None:
    doc.add_paragraph("审查结论（系统初审）", style="Heading 1")
    table = _table(doc, [TEXT_W])
    (cell,) = _add_row(table)
    _shade(cell, labels()["colour"][review["verdict"]])
    _write(cell, label("verdict", review["verdict"]), bold=True, size=16, align=WD_ALIGN_PARAGRAPH.CENTER)
    n = review["counts"]
    par = doc.add_paragraph()
    if _unreadable(review):
        _write(par, "申报材料无法读取，系统未能逐项审查，请人工审查原件。", size=10.5)
    else:
        _write(par, f"共审查 {len(review['checks'])} 项：符合 {n['pass']} 项，不符合 {n['fail']} 项，"
                    f"需人工复核 {n['review']} 项。", size=10.5)
    for status, head in (("fail", "不符合项"), ("review", "需人工复核项")):
        items = [c for c in review["checks"] if c["status"] == status]
        if items:
            par = doc.add_paragraph()
            _write(par, f"{head}：", bold=True, size=10)
            _write(par, "；".join(
                (c["requirement"] or requirement_text(c["rule"], requirements) or c["rule"])
                + (f"（{c['unit']}）" if c["unit"] else "") for c in items), size=10)
    if review["errors"]:
        par = doc.add_paragraph()
        _write(par, f"处理中发现 {len(review['errors'])} 个问题，见第四部分。", size=10)
    par = doc.add_paragraph()
    _write(par, "本表由系统根据扫描件自动生成，各项结论须由审核人对照原件确认后在“审核人意见”栏签注。",
           size=9, colour=GREY)


def _evidence_text(evidence: Sequence[Mapping[str, Any]]) -> list[str]:
    out = []
    for e in evidence[:MAX_EVIDENCE]:
        line = _where(e["file"], e["page"])
        if e.get("text"):
            line += f"：「{_short(e['text'])}」"
        if e.get("note"):
            line += f"（{_short(e['note'], 60)}）"
        out.append(line)
    if len(evidence) > MAX_EVIDENCE:
        out.append(f"另有 {len(evidence) - MAX_EVIDENCE} 处证据，见 review.json")
    return out or ["未找到证据"]


def _checklist(doc, review: Mapping[str, Any], requirements) -> None:
    doc.add_paragraph("一、逐项审查", style="Heading 1")
    if not review["checks"]:
        _write(doc.add_paragraph(), "未能进行逐项审查（申报材料无法读取），请人工审查原件。", size=10.5)
        return
    widths = [12, 41, 42, 41, 21, TEXT_W - 12 - 41 - 42 - 41 - 21]
    table = _table(doc, widths, header=["序号", "审查要求（通知条款）", "核查结果", "证据（文件、页码、原文）",
                                        "状态", "审核人意见"])
    fills = labels()["colour"]
    for i, c in enumerate(review["checks"], start=1):
        cells = _add_row(table)
        _row_flags(table.rows[-1])
        _write(cells[0], str(i), size=9, align=WD_ALIGN_PARAGRAPH.CENTER)
        req = c["requirement"] or requirement_text(c["rule"], requirements) or c["rule"]
        _write(cells[1], req, size=9)
        ref = f"通知{c['clause']}　" if c["clause"] else ""
        _write(cells[1], f"{ref}{c['rule']}", size=7.5, colour=GREY, new_paragraph=True)
        if c["unit"]:
            _write(cells[2], f"【{c['unit']}】", bold=True, size=9)
            _write(cells[2], c["detail"], size=9, new_paragraph=True)
        else:
            _write(cells[2], c["detail"], size=9)
        for j, line in enumerate(_evidence_text(c["evidence"])):
            _write(cells[3], line, size=8, new_paragraph=j > 0)
        _shade(cells[4], fills[c["status"]])
        _write(cells[4], label("status", c["status"]), bold=True, size=9.5, align=WD_ALIGN_PARAGRAPH.CENTER)


def _crop_path(base: Path, crop: str | None) -> Path | None:
    """The crop file when it exists inside base (crop names come from the run, still untrusted)."""
    if not crop:
        return None
    root = base.resolve()
    path = (root / crop).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return None
    return path


SEAL_PICTURE_MM = 24
SEAL_PICTURE_PX = 360
"""The sheet shows a seal 24 mm wide: 360 px is ~380 dpi there. Crops are cut at scan resolution
(up to ~420 KB of PNG each); embedded whole they made a sheet >1 MB and its writing the largest cost of
a review. The full crop stays next to the sheet as the evidence."""


def _thumbnail(path: Path) -> io.BytesIO | None:
    """A JPEG of the crop at most SEAL_PICTURE_PX on its long side; None when it cannot be read."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as im:
            im = im.convert("RGB")
            im.thumbnail((SEAL_PICTURE_PX, SEAL_PICTURE_PX), Image.Resampling.LANCZOS)
            buf = io.BytesIO()
            im.save(buf, "JPEG", quality=90, subsampling=0)  # 4:4:4: thin red strokes keep their colour
    except (OSError, UnidentifiedImageError, ValueError):
        return None
    buf.seek(0)
    return buf


def _seals(doc, review: Mapping[str, Any], base: Path) -> int:
    doc.add_paragraph("二、印章", style="Heading 1")
    seals = review["seals"]
    embedded = 0
    if not seals:
        _write(doc.add_paragraph(), "申报材料无法读取，未能检查印章。" if _unreadable(review)
               else "未在申报材料中发现公章。", size=10.5)
    else:
        widths = [12, 30, 52, 46, TEXT_W - 12 - 30 - 52 - 46]
        table = _table(doc, widths, header=["序号", "印章截图", "所属单位", "类型 / 印章文字", "位置"])
        for i, s in enumerate(seals, start=1):
            cells = _add_row(table)
            _row_flags(table.rows[-1])
            _write(cells[0], str(i), size=9, align=WD_ALIGN_PARAGRAPH.CENTER)
            crop = _crop_path(base, s.get("crop"))
            picture = _thumbnail(crop) if crop is not None else None
            if picture is not None:
                par = cells[1].paragraphs[0]
                par.alignment = WD_ALIGN_PARAGRAPH.CENTER
                par.paragraph_format.space_before = Pt(3)
                par.paragraph_format.space_after = Pt(3)
                par.add_run().add_picture(picture, width=Mm(SEAL_PICTURE_MM))
                embedded += 1
            else:
                _write(cells[1], "（无截图）" if crop is None else "（截图无法打开）", size=8, colour=GREY,
                       align=WD_ALIGN_PARAGRAPH.CENTER)
            _write(cells[2], s["matched_unit"] or "未能匹配到申报单位", size=9, bold=bool(s["matched_unit"]))
            _write(cells[3], label("seal_kind", s["kind"]), size=9)
            _write(cells[3], f"「{s['text']}」" if s["text"] else "印章文字未识别", size=8.5, new_paragraph=True)
            _write(cells[3], f"置信度 {s['confidence']:.2f}", size=7.5, colour=GREY, new_paragraph=True)
            pages = s.get("pages") or [s["page"]]
            where = _where(s["file"], s["page"]) if len(pages) <= 1 else \
                f"{s['file']} 第{'、'.join(map(str, pages))}页"
            _write(cells[4], where, size=8.5)
    places = review.get("seal_places") or []
    if places:
        doc.add_paragraph("要求盖章的位置", style="Heading 2")
        for p in places:
            found = p["seal_index"] is not None
            par = doc.add_paragraph()
            _write(par, f"{p['label']}（{_where(p['file'], p['page'])}）", size=9.5)
            if p.get("unit"):
                _write(par, f"，应盖：{p['unit']}", size=9.5)
            _write(par, f" — 已发现印章（第{p['seal_index'] + 1}枚）" if found else " — 未发现印章",
                   bold=not found, size=9.5)
    return embedded


def _targets(doc, review: Mapping[str, Any]) -> None:
    doc.add_paragraph("三、建设目标与榜单指标", style="Heading 1")
    targets = review["targets"]
    if not targets:
        _write(doc.add_paragraph(), "申报材料无法读取，未能提取建设目标。" if _unreadable(review)
               else "未提取到建设目标。", size=10.5)
        return
    widths = [50, 26, 26, 22, TEXT_W - 50 - 26 - 26 - 22]
    table = _table(doc, widths, header=["指标", "申报目标值", "榜单最低要求", "是否达到", "出处"])
    fills = labels()["colour"]
    for t in targets:
        cells = _add_row(table)
        _row_flags(table.rows[-1])
        unit = t["unit"] or ""
        _write(cells[0], t["indicator"] + (f"（{unit}）" if unit else ""), size=9)
        if t.get("written") and t["written"] != t["indicator"]:
            _write(cells[0], f"原文：{t['written']}", size=7.5, colour=GREY, new_paragraph=True)
        _write(cells[1], _num(t["value"]), size=9, align=WD_ALIGN_PARAGRAPH.CENTER)
        _write(cells[2], _num(t["minimum"]) + ("（暂定）" if t.get("minimum_is_placeholder") else ""),
               size=9, align=WD_ALIGN_PARAGRAPH.CENTER)
        meets = t["meets_minimum"]
        if meets is None:
            _write(cells[3], "—", size=9, align=WD_ALIGN_PARAGRAPH.CENTER)
        else:
            _shade(cells[3], fills["pass" if meets else "fail"])
            _write(cells[3], "达到" if meets else "未达到", bold=True, size=9, align=WD_ALIGN_PARAGRAPH.CENTER)
        ev = t["evidence"][0] if t["evidence"] else None
        _write(cells[4], _where(ev["file"], ev["page"]) if ev else "—", size=8)


def _errors(doc, review: Mapping[str, Any]) -> None:
    doc.add_paragraph("四、处理中发现的问题", style="Heading 1")
    if not review["errors"]:
        _write(doc.add_paragraph(), "无。", size=10.5)
        return
    for i, e in enumerate(review["errors"], start=1):
        where = _where(e["file"], e["page"]) if e["file"] else ""
        _write(doc.add_paragraph(), f"{i}. {e['message']}" + (f"（{where}）" if where else ""), size=10)


def _sign_off(doc) -> None:
    """Kept on one page with its heading (keep-with-next on every paragraph but the last row's)."""
    doc.add_paragraph("五、审核意见", style="Heading 1").paragraph_format.keep_with_next = True
    table = _table(doc, [30, TEXT_W - 30])
    rows = [
        ("审核结论", "　□符合条件　　□不符合条件　　□需补充材料"),  # leading 　 keeps □ in the CJK font
        ("审核意见", ""),
        ("审核人（签字）", ""),
        ("日期", "　　　　年　　月　　日"),
    ]
    for key, value in rows:
        k, v = _add_row(table)
        _row_flags(table.rows[-1])
        _shade(k, "F2F2F2")
        _write(k, key, bold=True, size=10.5)
        _write(v, value, size=10.5)
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
    _style_fonts(doc)
    _font_table(doc)
    _page_setup(doc, review)
    _header(doc, review)
    _verdict(doc, review, requirements)
    _checklist(doc, review, requirements)
    embedded = _seals(doc, review, base_dir)
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
