"""How review.docx is written: fonts that render Chinese right in Word and LibreOffice, fixed-width
tables, cells with one styled run, page fields, and the short forms values take in a cell.

Kept apart from the sheet's sections so other documents (the workbench's 公示 list) share the fonts.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

LATIN_FONT = "Times New Roman"
CJK_FONT = "SimSun"  # 宋体: present on every Chinese Windows/Word; LibreOffice maps it to an installed CJK serif
CJK_HEADING_FONT = "SimHei"  # 黑体
MONO_FONT = "Courier New"
PAGE_W, MARGIN = 210, 15  # mm, A4 portrait
TEXT_W = PAGE_W - 2 * MARGIN
MAX_EVIDENCE_TEXT = 90
GREY = RGBColor(0x59, 0x59, 0x59)


# ---- low-level formatting --------------------------------------------------------------

def set_fonts(rpr, latin: str, east_asia: str) -> None:
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


def style_fonts(doc) -> None:
    rpr_default = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_fonts(rpr_default, LATIN_FONT, CJK_FONT)
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
        set_fonts(style.element.get_or_add_rPr(), LATIN_FONT, CJK_HEADING_FONT if heading else CJK_FONT)
        if heading:
            style.font.color.rgb = RGBColor(0, 0, 0)
    for fonts in doc.styles.element.iter(qn("w:rFonts")):  # character/table styles still point at theme fonts
        if any(qn(a) in fonts.attrib for a in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")):
            set_fonts(fonts.getparent(), LATIN_FONT, CJK_FONT)
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


def font_table(doc) -> None:
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


def shade(cell, hex_fill: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), hex_fill)
    tc_pr.append(shd)


def row_flags(row, *, header: bool = False) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))
    if header:
        tr_pr.append(OxmlElement("w:tblHeader"))


def grid_table(doc, widths_mm: Sequence[float], header: Sequence[str] | None = None):
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
        cells = add_row(table, widths_mm)
        row_flags(table.rows[-1], header=True)
        for cell, text in zip(cells, header):
            shade(cell, "D9D9D9")
            write(cell, text, bold=True, size=9, align=WD_ALIGN_PARAGRAPH.CENTER)
    table._widths = list(widths_mm)
    return table


def add_row(table, widths_mm=None):
    row = table.add_row()
    widths_mm = widths_mm or table._widths
    for cell, w in zip(row.cells, widths_mm):
        cell.width = Mm(w)
    return row.cells


def write(cell_or_par, text: str, *, bold=False, size: float | None = 9, colour=None, align=None,
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
        set_fonts(run._r.get_or_add_rPr(), MONO_FONT, CJK_FONT)
    return run


def field(par, instr: str, placeholder: str = "1") -> None:
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), instr)
    r = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = placeholder
    r.append(t)
    fld.append(r)
    par._p.append(fld)


# ---- short forms of values -------------------------------------------------------------

def is_unreadable(review: Mapping[str, Any]) -> bool:
    """An error review: nothing could be checked and the errors say why."""
    return not review["checks"] and bool(review["errors"])


def shorten(text: str, limit: int = MAX_EVIDENCE_TEXT) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def file_page(file: str | None, page: int | None) -> str:
    if not file:
        return "—"
    return f"{file} 第{page}页" if page else file


def number_text(v) -> str:
    if v is None:
        return "—"
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return f"{v:,}" if isinstance(v, int) else f"{v:g}"


def or_dash(v) -> str:
    return "—" if v in (None, "") else str(v)
