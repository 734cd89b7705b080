"""The seals section of review.docx: one row per seal found, with a thumbnail of its crop, and
the places the notice wants sealed. The only section that reads files (the crops, untrusted names).
"""
from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt

from pipeline.report.docx_format import GREY, TEXT_W, add_row, file_page, grid_table, is_unreadable, row_flags, write
from pipeline.report.texts import label

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


def seals_section(doc, review: Mapping[str, Any], base: Path) -> int:
    doc.add_paragraph("二、印章", style="Heading 1")
    seals = review["seals"]
    embedded = 0
    if not seals:
        write(doc.add_paragraph(), "申报材料无法读取，未能检查印章。" if is_unreadable(review)
               else "未在申报材料中发现公章。", size=10.5)
    else:
        widths = [12, 30, 52, 46, TEXT_W - 12 - 30 - 52 - 46]
        table = grid_table(doc, widths, header=["序号", "印章截图", "所属单位", "类型 / 印章文字", "位置"])
        for i, s in enumerate(seals, start=1):
            cells = add_row(table)
            row_flags(table.rows[-1])
            write(cells[0], str(i), size=9, align=WD_ALIGN_PARAGRAPH.CENTER)
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
                write(cells[1], "（无截图）" if crop is None else "（截图无法打开）", size=8, colour=GREY,
                       align=WD_ALIGN_PARAGRAPH.CENTER)
            write(cells[2], s["matched_unit"] or "未能匹配到申报单位", size=9, bold=bool(s["matched_unit"]))
            write(cells[3], label("seal_kind", s["kind"]), size=9)
            write(cells[3], f"「{s['text']}」" if s["text"] else "印章文字未识别", size=8.5, new_paragraph=True)
            write(cells[3], f"置信度 {s['confidence']:.2f}", size=7.5, colour=GREY, new_paragraph=True)
            pages = s.get("pages") or [s["page"]]
            where = file_page(s["file"], s["page"]) if len(pages) <= 1 else \
                f"{s['file']} 第{'、'.join(map(str, pages))}页"
            write(cells[4], where, size=8.5)
    places = review.get("seal_places") or []
    if places:
        doc.add_paragraph("要求盖章的位置", style="Heading 2")
        for p in places:
            found = p["seal_index"] is not None
            par = doc.add_paragraph()
            write(par, f"{p['label']}（{file_page(p['file'], p['page'])}）", size=9.5)
            if p.get("unit"):
                write(par, f"，应盖：{p['unit']}", size=9.5)
            write(par, f" — 已发现印章（第{p['seal_index'] + 1}枚）" if found else " — 未发现印章",
                   bold=not found, size=9.5)
    return embedded
