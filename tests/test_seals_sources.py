"""Seals wherever applicants put them (issue 16), through real files and the real reading stage:
pictures in a Word file (inline, floating, in a table cell), the same booklet scanned in colour and
in greyscale, an electronic seal drawn as vector paths in a text PDF. Seal pictures are drawn with
pipeline.samples.seal_art."""
from __future__ import annotations

import copy
import io
import random
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from pipeline.checks.rules import load_rules
from pipeline.process import analyse
from pipeline.reading import read_document
from pipeline.samples import seal_art as sa

APPLICANT = "重庆市星辰软件科技有限公司"
MEMBER = "重庆嘉陵信息技术有限公司"


def seal_png(name: str, seed: int, dpi: int = 200, grey: bool = False) -> io.BytesIO:
    """A seal picture as applicants paste it: the seal on white, cropped close."""
    side = sa.mm_to_px(46, dpi)
    img = Image.new("RGB", (side, side), (255, 255, 255))
    sa.draw_round_seal(img, (side // 2, side // 2), sa.mm_to_px(42, dpi), name, rng=random.Random(seed))
    if grey:
        img = img.convert("L")
    buf = io.BytesIO()
    img.save(buf, "PNG")
    buf.seek(0)
    return buf


def floating(run) -> None:
    """Turn the run's inline picture into a floating (anchored) one, as Word does for "in front of
    text": wp:inline → wp:anchor with a position and no wrapping."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    inline = run._r.xpath(".//wp:inline")[0]
    anchor = parse_xml(
        f'<wp:anchor {nsdecls("wp")} distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="2"'
        ' behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1">'
        '<wp:simplePos x="0" y="0"/>'
        '<wp:positionH relativeFrom="column"><wp:posOffset>1800000</wp:posOffset></wp:positionH>'
        '<wp:positionV relativeFrom="paragraph"><wp:posOffset>-300000</wp:posOffset></wp:positionV>'
        '</wp:anchor>')
    children = list(inline)
    anchor.append(copy.deepcopy(children[0]))  # extent
    anchor.append(parse_xml(f'<wp:wrapNone {nsdecls("wp")}/>'))
    for child in children[1:]:
        anchor.append(copy.deepcopy(child))
    inline.getparent().replace(inline, anchor)


def test_word_file_seals_inline_and_floating_are_found_at_their_signature_lines(tmp_path):
    import docx
    from docx.shared import Mm

    d = docx.Document()
    d.add_paragraph("附件3 开源社区申报书")
    d.add_paragraph(f"牵头单位：{APPLICANT}")
    d.add_paragraph("统一社会信用代码：91500000MA5U7W4X3D")
    for k in range(12):
        d.add_paragraph(f"第{k + 1}条 本单位承诺所提交的申报材料真实、准确、完整。")
    p = d.add_paragraph(f"申报单位（盖章）：{APPLICANT}  ")
    p.add_run().add_picture(seal_png(APPLICANT, 1), width=Mm(42))  # inline, in the signature line
    d.add_paragraph("日期：2026年7月20日")
    t = d.add_table(rows=2, cols=2)
    t.cell(0, 0).text, t.cell(0, 1).text = "联合体成员", "成员单位（盖章）"
    t.cell(1, 0).text = MEMBER
    run = t.cell(1, 1).paragraphs[0].add_run()
    run.add_picture(seal_png(MEMBER, 2), width=Mm(40))
    floating(run)  # floating, in a table cell
    d.save(tmp_path / "app.docx")

    res = read_document(tmp_path, "app.docx", engine="tesseract")
    assert not res.document.errors
    kinds = [(p.source, p.table) for p in res.document.pages]
    assert kinds == [("docx", False), ("docx", True)]  # no picture became a page of its own
    finds = sorted(res.seal_finds, key=lambda f: f.page)
    assert [(f.page, f.kind) for f in finds] == [(1, "round"), (2, "round")]
    # the inline seal lies at its signature line: line 16 of 17 on the pseudo-page
    lines = res.document.pages[0].lines
    sig = next(ln for ln in lines if ln.text.startswith("申报单位（盖章）"))
    assert finds[0].bbox[1] <= (sig.bbox[1] + sig.bbox[3]) / 2 <= finds[0].bbox[3]
    assert finds[1].bbox[0] > 0.45  # in the table's second column

    facts, _ = analyse([res], rules=load_rules(), credit=None, crops_dir=tmp_path, app_dir=tmp_path)
    assert sorted(s.matched_unit or "" for s in facts.seals) == sorted([APPLICANT, MEMBER])
    place = next(pl for pl in facts.seal_places if pl.label.startswith("申报单位"))
    assert place.seal_index is not None and facts.seals[place.seal_index].matched_unit == APPLICANT


def test_grey_seal_picture_in_a_word_file_with_colour_seals_is_kept(tmp_path):
    """A seal picture stored without colour (a greyscale PNG) pasted beside the member's signature,
    while the applicant's seal picture elsewhere is red: its canvas is a page stored grey — the
    seal found by shape is kept and the page cannot show red (it was dropped as a 'flat' page of a
    file that shows colour)."""
    import docx
    from docx.shared import Mm

    d = docx.Document()
    d.add_paragraph(f"申报单位（盖章）：{APPLICANT}").add_run().add_picture(seal_png(APPLICANT, 1), width=Mm(42))
    t = d.add_table(rows=2, cols=2)
    t.cell(0, 0).text, t.cell(0, 1).text = "联合体成员", "成员单位（盖章）"
    t.cell(1, 0).text = MEMBER
    t.cell(1, 1).paragraphs[0].add_run().add_picture(seal_png(MEMBER, 2, grey=True), width=Mm(40))
    d.save(tmp_path / "app.docx")
    res = read_document(tmp_path, "app.docx", engine="tesseract")
    assert [(f.page, f.kind, f.colour) for f in sorted(res.seal_finds, key=lambda f: f.page)] == [
        (1, "round", True), (2, "round", False)]
    assert res.colourless_pages == (2,)


def booklet(seal: bool, ring: str = APPLICANT) -> list[Image.Image]:
    """Two scanned pages: a cover naming the applicant, a commitment page with the seal (its ring
    text the applicant's name unless said)."""
    from pages import FormPage, scan

    cover = FormPage(dpi=200, lines=[f"申报单位：{APPLICANT}", "统一社会信用代码：91500000MA5U7W4X3D",
                                     "申报日期：2026年7月20日"]).render()
    sign = FormPage(dpi=200, lines=["承诺书", "本单位承诺所提交材料真实有效。", f"申报单位（盖章）：{APPLICANT}",
                                    "日期：2026年7月20日"]).render()
    if seal:
        sa.draw_round_seal(sign, (sa.mm_to_px(120, 200), sa.mm_to_px(70, 200)), sa.mm_to_px(42, 200), ring,
                           rng=random.Random(6))
    return [scan(cover, seed=1), scan(sign, seed=2)]


def save_tiff(pages: list[Image.Image], path: Path, grey: bool) -> None:
    pages = [p.convert("L") if grey else p for p in pages]
    pages[0].save(path, save_all=True, append_images=pages[1:], compression="tiff_lzw", dpi=(200, 200))


def seal_check(res, tmp_path):
    facts, checks = analyse([res], rules=load_rules(), credit=None, crops_dir=tmp_path, app_dir=tmp_path)
    return facts, [c for c in checks if c.rule == "seal.present"]


@pytest.mark.parametrize("grey", [False, True])
def test_same_booklet_in_colour_and_in_greyscale(tmp_path, grey):
    save_tiff(booklet(seal=True), tmp_path / "book.tif", grey)
    res = read_document(tmp_path, "book.tif", engine="tesseract")
    finds = [(f.page, f.kind, f.colour) for f in res.seal_finds]
    facts, checks = seal_check(res, tmp_path)
    if not grey:
        assert res.colourless_pages == () and finds == [(2, "round", True)]
        assert [c.status for c in checks] == ["pass"]
    else:
        # the ring is found by shape and its text read from the grey (session 17; was attributed by its
        # place alone, and before session 6 `review` 颜色信息缺失)
        assert res.colourless_pages == (1, 2) and finds == [(2, "round", False)]
        assert [s.matched_unit for s in facts.seals] == [APPLICANT]
        assert [c.status for c in checks] == ["pass"]
        assert checks[0].evidence[0].note.endswith("灰度页面按形状检出，印文识读为该单位名称")


def test_unreadable_grey_seal_on_the_applicants_place_is_its_seal(tmp_path):
    """A ring found by shape whose text no unit's name explains, sitting on the place that asks the
    applicant for its seal (申报单位（盖章）：name): that place is the evidence (session 6)."""
    save_tiff(booklet(seal=True, ring="〇" * 12), tmp_path / "book.tif", True)
    res = read_document(tmp_path, "book.tif", engine="tesseract")
    facts, checks = seal_check(res, tmp_path)
    assert [s.matched_unit for s in facts.seals] == [None]
    assert [c.status for c in checks] == ["pass"]
    assert "按盖章位置归属" in checks[0].detail
    assert checks[0].evidence[0].note.startswith("灰度页面按形状检出")


def test_grey_page_saved_as_rgb_in_a_colour_file_keeps_its_seal_found_by_shape(tmp_path):
    """A copier's "auto colour" page can be saved grey in RGB (every pixel R = G = B) inside a file
    whose other pages show colour: it was stored without colour, so its seal found by shape is
    kept and the page counts as one that could not show red (it was dropped as a 'flat' page)."""
    cover, sign = booklet(seal=True)
    pages = [cover, sign.convert("L").convert("RGB"), booklet(seal=True)[1]]
    pages[0].save(tmp_path / "mix.tif", save_all=True, append_images=pages[1:], compression="tiff_lzw",
                  dpi=(200, 200))
    res = read_document(tmp_path, "mix.tif", engine="tesseract")
    assert 2 in res.colourless_pages and 3 not in res.colourless_pages
    finds = [(f.page, f.kind, f.colour) for f in res.seal_finds]
    assert (2, "round", False) in finds and (3, "round", True) in finds


def test_grey_scan_pasted_into_a_word_file_keeps_its_seal_found_by_shape(tmp_path):
    """Scanned pages pasted into a .docx, one scanned in colour, the signature page greyed (R = G = B,
    saved as JPEG, as family-2 booklets do): the embedded picture is a page stored without colour, so
    its seal found by shape is kept and the page cannot show red (f2s741 #001 page 7, f2s742 #005
    page 3: the seal was dropped as a 'flat' page in a file showing colour, and the member's
    seal.present became fail)."""
    import docx
    from docx.shared import Mm

    cover, sign = booklet(seal=True)
    d = docx.Document()
    d.add_paragraph("附件3 开源社区申报书")
    for img, grey in ((cover, False), (sign, True)):
        buf = io.BytesIO()
        (img.convert("L").convert("RGB") if grey else img).save(buf, "JPEG", quality=85, dpi=(200, 200))
        buf.seek(0)
        d.add_paragraph().add_run().add_picture(buf, width=Mm(210))
    d.save(tmp_path / "scans.docx")
    res = read_document(tmp_path, "scans.docx", engine="tesseract")
    assert not res.document.errors
    finds = [(f.page, f.kind, f.colour) for f in res.seal_finds]
    assert finds == [(3, "round", False)]  # pseudo-page 1 is the text; the scans follow as pages 2, 3
    assert res.colourless_pages == (3,)
    facts, checks = seal_check(res, tmp_path)
    place = next(pl for pl in facts.seal_places if pl.label.startswith("申报单位"))
    assert place.page == 3 and place.seal_index is not None  # the seal sits at the signature place
    assert [c.status for c in checks] != ["fail"]


def test_greyscale_booklet_without_any_seal_is_review_not_fail(tmp_path):
    save_tiff(booklet(seal=False), tmp_path / "grey.tif", grey=True)
    res = read_document(tmp_path, "grey.tif", engine="tesseract")
    assert res.seal_finds == () and res.colourless_pages == (1, 2)
    _, checks = seal_check(res, tmp_path)
    assert [c.status for c in checks] == ["review"] and "颜色信息缺失" in checks[0].detail
    # the same booklet in colour: the absence of red is evidence
    save_tiff(booklet(seal=False), tmp_path / "colour.tif", grey=False)
    res = read_document(tmp_path, "colour.tif", engine="tesseract")
    _, checks = seal_check(res, tmp_path)
    # ... resting on the unit's seal place found bare (fail only on evidence)
    assert [c.status for c in checks] == ["fail"] and "申报单位（盖章）" in checks[0].detail
    assert any(e.note.startswith("盖章处") and e.page == 2 for e in checks[0].evidence)


def test_colour_booklet_without_seal_or_seal_place_is_review(tmp_path):
    """No seal found, and no place asking for the unit's seal found either: nothing shows the seal
    missing (a seal the detector missed looks the same) — review naming the reason (was fail)."""
    from pages import FormPage, scan

    cover = FormPage(dpi=200, lines=[f"申报单位：{APPLICANT}", "统一社会信用代码：91500000MA5U7W4X3D",
                                     "申报日期：2026年7月20日"]).render()
    save_tiff([scan(cover, seed=1)], tmp_path / "cover.tif", grey=False)
    res = read_document(tmp_path, "cover.tif", engine="tesseract")
    _, checks = seal_check(res, tmp_path)
    assert [c.status for c in checks] == ["review"] and "未找到该单位的盖章处" in checks[0].detail


def test_electronic_seal_drawn_as_vector_paths_in_a_text_pdf(tmp_path):
    """A PDF printed from an e-signing tool: real text, the seal a red ring, star and arc text as
    vector paths (no image on the page)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = tmp_path / "e.pdf"
    c = canvas.Canvas(str(path), pagesize=(595, 842))
    c.setFont("STSong-Light", 12)
    c.drawString(72, 760, "承诺书")
    c.drawString(72, 730, "本单位承诺所提交的申报材料真实、准确、完整。")
    c.drawString(72, 600, f"申报单位（盖章）：{APPLICANT}")
    cx, cy, r = 360, 600, 42 / 25.4 * 72 / 2
    c.setStrokeColorRGB(0.85, 0.1, 0.1)
    c.setFillColorRGB(0.85, 0.1, 0.1)
    c.setLineWidth(3.2)
    c.circle(cx, cy, r, stroke=1, fill=0)
    star = [(cx + 16 * np.cos(np.pi / 2 + k * 4 * np.pi / 5), cy + 16 * np.sin(np.pi / 2 + k * 4 * np.pi / 5)) for k in range(5)]
    p = c.beginPath()
    p.moveTo(*star[0])
    for pt in star[1:]:
        p.lineTo(*pt)
    p.close()
    c.drawPath(p, stroke=0, fill=1)
    c.setFont("STSong-Light", 13)
    for k, ch in enumerate(APPLICANT):
        a = np.radians(200 - k * 220 / (len(APPLICANT) - 1))
        c.saveState()
        c.translate(cx + (r - 14) * np.cos(a), cy + (r - 14) * np.sin(a))
        c.rotate(np.degrees(a) - 90)
        c.drawCentredString(0, -4, ch)
        c.restoreState()
    c.showPage()
    c.save()
    res = read_document(tmp_path, "e.pdf", engine="tesseract")
    assert res.ocr_pages == 0 and res.document.pages[0].source == "text_layer"
    assert [(f.page, f.kind) for f in res.seal_finds] == [(1, "round")]


def test_check_seal_on_pages_without_colour_is_review_naming_the_reason():
    """Unit test of the rule: no seal found, and pages that could not show red → review, not fail."""
    from pipeline.checks import engine as E
    from pipeline.facts import ApplicationFacts, Fact, Unit

    unit = Unit(name=Fact(value=APPLICANT, confidence=0.95))
    rules = load_rules()
    blind = ApplicationFacts(applicant=unit, colourless_pages=(("book.tif", 1), ("book.tif", 2)))
    r = E.check_seal(unit, "applicant", blind, rules)
    assert r.status == "review" and r.detail.startswith("颜色信息缺失，无法确认公章")
    assert [e.page for e in r.evidence] == [1, 2]
    # nothing found and no seal place found either: not evidence of a missing seal (was `fail`)
    assert E.check_seal(unit, "applicant", ApplicationFacts(applicant=unit), rules).status == "review"


def test_word_file_pictures_say_how_they_were_stored(tmp_path):
    """The docx reader's rasters carry meta['stored'] as images.raster does: an embedded scan by its
    mode; a seal canvas 'grey' only when every picture on it is stored without colour (a colour
    picture that shows none, a black logo, says nothing: no key, the detector calls it 'flat')."""
    import docx
    from docx.shared import Mm

    from pipeline.readers import docx_reader

    page = Image.new("L", (1654, 2339), 250)
    for mode, name in (("L", "grey.png"), ("RGB", "rgb.png")):
        page.convert(mode).save(tmp_path / name, dpi=(200, 200))
    d = docx.Document()
    d.add_paragraph("扫描件")
    d.add_picture(str(tmp_path / "grey.png"), width=Mm(210))
    d.add_picture(str(tmp_path / "rgb.png"), width=Mm(210))
    d.add_paragraph("甲方（盖章）").add_run().add_picture(seal_png(APPLICANT, 1, grey=True), width=Mm(40))
    cell = d.add_table(rows=1, cols=1).cell(0, 0)
    cell.text = "成员单位（盖章）"
    cell.paragraphs[0].add_run().add_picture(seal_png(MEMBER, 2), width=Mm(40))
    last = d.add_paragraph("乙方（盖章）")
    last.add_run().add_picture(seal_png(MEMBER, 3, grey=True), width=Mm(40))
    last.add_run().add_picture(seal_png(APPLICANT, 4), width=Mm(40))
    d.save(tmp_path / "p.docx")
    content = docx_reader.read_docx(tmp_path / "p.docx", "p.docx")
    stored = [docx_reader.image_raster(tmp_path / "p.docx", "p.docx", part, 9).meta["stored"]
              for part in content.image_parts if part not in content.placed_parts]
    assert stored == ["grey", "colour"]
    canvases = {n: docx_reader.seal_canvas(tmp_path / "p.docx", "p.docx", pics, n, len(content.pages[n - 1].lines)).meta
                for n, pics in content.pictures.items()}
    assert canvases[1].get("stored") == "grey"  # only the grey seal picture
    assert "stored" not in canvases[2]  # a colour seal picture
    assert "stored" not in canvases[3]  # a grey seal picture beside a colour one
