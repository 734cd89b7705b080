"""A seal found but not read is no evidence that the unit's seal is missing (issue 16, seed 745 #002):
a Word file whose typed cover asks for the applicant's seal (申报单位（盖章）, no picture there) and
whose signature page is a greyscale scan pasted in, the seal found by shape and unread. Through a
real python-docx file and the real reading stage; plus unit tests of the rule."""
from __future__ import annotations

import io
import random

import numpy as np
from PIL import Image

from pipeline.checks.rules import load_rules
from pipeline.process import analyse
from pipeline.reading import read_document
from pipeline.samples import seal_art as sa

APPLICANT = "重庆市星辰软件科技有限公司"
MEMBER = "重庆嘉陵信息技术有限公司"


def _signature_scan(ring: str = APPLICANT) -> Image.Image:
    """A scanned page carrying a seal (the applicant's by default) beside a line that is no seal place."""
    from pages import FormPage, scan

    sign = FormPage(dpi=200, lines=["承诺书", "本单位承诺所提交材料真实有效。", "法定代表人（签字）：张明",
                                    "日期：2026年7月20日"]).render()
    sa.draw_round_seal(sign, (sa.mm_to_px(120, 200), sa.mm_to_px(70, 200)), sa.mm_to_px(42, 200), ring,
                       rng=random.Random(6))
    return scan(sign, seed=2)


UNREADABLE = "丨丨丨丨丨丨丨丨丨丨丨丨"
"""Ring text no unit's name explains: the seal stays no one's, as an unreadable one does."""


def _grey_docx(tmp_path, ring: str):
    import docx
    from docx.shared import Mm

    d = docx.Document()
    d.add_paragraph("附件3 创新创业社区申报书")
    d.add_paragraph(f"申报单位（盖章）：{APPLICANT}")
    d.add_paragraph("统一社会信用代码：91500000MA5U7W4X3D")
    buf = io.BytesIO()
    _signature_scan(ring).convert("L").convert("RGB").save(buf, "JPEG", quality=85, dpi=(200, 200))
    buf.seek(0)
    d.add_paragraph().add_run().add_picture(buf, width=Mm(210))
    d.save(tmp_path / "app.docx")
    res = read_document(tmp_path, "app.docx", engine="tesseract")
    assert [(f.page, f.colour) for f in res.seal_finds] == [(2, False)]  # found by shape
    facts, checks = analyse([res], rules=load_rules(), credit=None, crops_dir=tmp_path, app_dir=tmp_path)
    place = next(pl for pl in facts.seal_places if pl.label.startswith("申报单位"))
    assert place.page == 1 and place.seal_index is None  # the typed cover's place holds no seal
    return facts, [c for c in checks if c.rule == "seal.present"]


def test_word_cover_place_bare_while_an_unread_seal_is_in_the_file_is_review_not_fail(tmp_path):
    facts, seal = _grey_docx(tmp_path, UNREADABLE)
    assert [s.matched_unit for s in facts.seals] == [None]
    assert [c.status for c in seal] == ["review"]  # was fail: 第1页“申报单位（盖章）”处未见公章
    assert "未见公章" not in seal[0].detail


def test_grey_seal_found_by_shape_is_read_by_its_darkness(tmp_path):
    """Dev seed 935 #012: every seal of a greyscale .docx stood over a place whose name OCR garbled, and
    none was read (only red ink was looked for): the applicant's seal.present was review. The ring's text
    is read from the grey too, and a seal found by shape whose ring reads as the unit's name is its seal."""
    facts, seal = _grey_docx(tmp_path, APPLICANT)
    assert [s.matched_unit for s in facts.seals] == [APPLICANT]
    assert [c.status for c in seal] == ["pass"]
    assert "灰度页面按形状检出" in seal[0].evidence[0].note


def _facts(seals, places, members=()):
    from pipeline.facts import ApplicationFacts, Fact, Unit

    applicant = Unit(name=Fact(value=APPLICANT, confidence=0.95), roles=("lead",))
    cons = (applicant, *(Unit(name=Fact(value=m, confidence=0.95), roles=("code_contributor",)) for m in members))
    track = Fact(value="open_source_community", confidence=0.95)
    return applicant, ApplicationFacts(track=track, applicant=applicant, consortium=cons if members else (),
                                       seals=tuple(seals), seal_places=tuple(places))


def test_bare_place_fails_only_when_no_unread_seal_could_be_the_units():
    from pipeline.checks.seal_rule import check_seal
    from pipeline.facts import Seal, SealPlace

    rules = load_rules()
    box = (0.5, 0.5, 0.7, 0.65)
    bare = SealPlace(label="申报单位（盖章）", file="a.pdf", page=1, bbox=(0.1, 0.5, 0.6, 0.55))
    unread = Seal(file="a.pdf", page=5, bbox=box, kind="round", confidence=0.7)
    unit, facts = _facts([], [bare])
    assert check_seal(unit, "applicant", facts, rules).status == "fail"  # nothing found anywhere: evidence
    # an unread seal on another page, at no place: it could be the applicant's
    unit, facts = _facts([unread], [bare])
    r = check_seal(unit, "applicant", facts, rules)
    assert r.status == "review" and "印文未能识别" in r.detail
    # ... also at a place whose unit name OCR garbled (创技股分 for 若水信创科技股份有限公司)
    garbled = SealPlace(label="承诺单位（盖章）", file="a.pdf", page=5, bbox=box, unit="星晨件科", seal_index=0)
    unit, facts = _facts([unread], [bare, garbled])
    assert check_seal(unit, "applicant", facts, rules).status == "review"
    # an unread seal at a place naming another unit of the application is that unit's: still fail
    theirs = SealPlace(label="成员单位（盖章）", file="a.pdf", page=5, bbox=box, unit=MEMBER, seal_index=0)
    unit, facts = _facts([unread], [bare, theirs], members=(MEMBER,))
    assert check_seal(unit, "applicant", facts, rules).status == "fail"
    # ... and a seal read as another unit's is no candidate either
    read = Seal(file="a.pdf", page=5, bbox=box, kind="round", confidence=0.9, text=MEMBER, matched_unit=MEMBER)
    unit, facts = _facts([read], [bare], members=(MEMBER,))
    assert check_seal(unit, "applicant", facts, rules).status == "fail"


def _text_pdf_with_seal_picture(path, name: str) -> None:
    """A text-layer PDF (typed text, as exported from Word) with the seal pasted as a picture."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    side = sa.mm_to_px(46, 300)
    img = Image.new("RGB", (side, side), (255, 255, 255))
    sa.draw_round_seal(img, (side // 2, side // 2), sa.mm_to_px(42, 300), name, rng=random.Random(3))
    c = canvas.Canvas(str(path), pagesize=(595, 842))
    c.setFont("STSong-Light", 12)
    c.drawString(72, 760, "承诺书")
    c.drawString(72, 730, "本单位承诺所提交的申报材料真实、准确、完整。")
    c.drawString(72, 600, f"申报单位（盖章）：{name}")
    mm = 72 / 25.4
    c.drawImage(ImageReader(img), 330, 560, width=46 * mm, height=46 * mm)
    c.showPage()
    c.save()


def test_seal_on_a_text_pdf_page_is_read_from_a_finer_render(tmp_path):
    """Found on the coarse render (100 dpi), read from its box rendered again at seals.yaml
    text_pdf_read_dpi (seed 746 #009: a member's seal misread at 100 dpi, review)."""
    from pipeline.extract.seals.geometry import settings

    name = "重庆市鹿鸣云计算有限责任公司"  # read 自庆市鹿鸣… from the 100-dpi render
    _text_pdf_with_seal_picture(tmp_path / "t.pdf", name)
    res = read_document(tmp_path, "t.pdf", engine="tesseract", crops_dir=tmp_path / "crops")
    assert res.ocr_pages == 0 and res.document.pages[0].source == "text_layer"
    [f] = res.seal_finds
    x0, y0, x1, y1 = f.bbox
    crop = Image.open(tmp_path / "crops" / f.crop_file)
    dpi = settings()["text_pdf_read_dpi"]
    assert dpi >= 200
    assert abs(crop.width - (x1 - x0) * 595 / 72 * dpi) <= 3  # the crop is the box at the reading resolution
    assert abs(crop.height - (y1 - y0) * 842 / 72 * dpi) <= 3
    assert f.text == name


def test_fine_crops_only_for_coarse_text_pdf_renders(tmp_path):
    """Unit test: scans, Word canvases and renders already fine get no second render."""
    from pipeline.ocr.base import RasterPage
    from pipeline.reading.plan import fine_crops

    page = RasterPage(file="t.pdf", number=1, image=np.zeros((1169, 827, 3), np.uint8), dpi=100,
                      meta={"raster": "rendered"})
    _text_pdf_with_seal_picture(tmp_path / "t.pdf", MEMBER)
    fine = fine_crops(tmp_path / "t.pdf", "t.pdf", ("pdf", 0), page)
    [crop] = fine([(0.5, 0.25, 0.75, 0.5)])
    assert crop.shape[2] == 3 and abs(crop.shape[1] - 0.25 * 595 / 72 * 200) <= 3
    assert fine_crops(tmp_path / "t.pdf", "t.pdf", ("image", 0), page) is None
    assert fine_crops(tmp_path / "t.pdf", "t.pdf", ("pdf", 0),
                      RasterPage(file="t.pdf", number=1, image=page.image, dpi=300, meta={"raster": "rendered"})) is None
    assert fine_crops(tmp_path / "t.pdf", "t.pdf", ("pdf", 0),
                      RasterPage(file="t.pdf", number=1, image=page.image, dpi=100, meta={"raster": "embedded"})) is None
