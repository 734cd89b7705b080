"""One unit, many places (issue 15): a code read with an OCR error in one place and validly in another
is the valid one, naming both places; a code only the check characters corrected is `review` (疑为…);
a folder's pages in the order people number them. Pure-text pages here; rendered pages through real
OCR in test_unit_places_ocr.py."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline import uscc
from pipeline.checks.rules import load_rules
from pipeline.checks.unit_rules import check_uscc_valid
from pipeline.extract import extract_facts
from pipeline.extract.layout import layouts
from pipeline.model import Document, Line, Page

RULES = load_rules()
NAME = "重庆云帆科技有限公司"
GOOD = "91500000MA5UA3W18Q"
SEVEN = "91500000MA5UA3W78Q"  # 1 read as 7 at position 16: no single repair gives it back
B_FOR_8 = "91500000MA5UA3W1BQ"  # 8 read as B at position 17: the check characters alone pick 8


def page(rows, n, conf=0.95):
    lines, y = [], 0.05
    for text in rows:
        lines.append(Line(text=text, bbox=(0.1, y, min(0.1 + 0.012 * len(text), 1.0), y + 0.015),
                          confidence=conf, engine="tesseract"))
        y += 0.03
    return Page(file="a.pdf", number=n, width=2480, height=3508, source="ocr", lines=tuple(lines))


def facts(*pages):
    return extract_facts([Document(file="a.pdf", sha256="0" * 64, kind="pdf", pages=tuple(pages), page_count=len(pages))])


def cover(code):
    return page(["附件2", "重庆市软信领域创新创业社区建设运营“揭榜挂帅”申报书", f"申报单位名称：{NAME}",
                 f"统一社会信用代码：{code}"], 1)


LICENCE = ["营业执照（副本）复印件", f"{GOOD}", f"名称 {NAME}", "类型 有限责任公司"]


def test_confusable_readings_differ_only_by_look_alikes():
    assert uscc.confusable(SEVEN, GOOD) == (16,)
    assert uscc.confusable(B_FOR_8, GOOD) == (17,)
    assert uscc.confusable("91500000MA5UA3W28Q", GOOD) is None  # 2 is no look-alike of 1
    assert uscc.confusable("91110108551385082Q", GOOD) is None  # another unit's code
    assert GOOD in uscc.suspected(SEVEN) and uscc.suspected(GOOD) == []


@pytest.mark.parametrize("misread", [SEVEN, B_FOR_8, "91500000MA5UA3W18D"])
def test_a_misread_code_is_the_valid_reading_another_place_gives(misread):
    f = facts(cover(misread), page(LICENCE, 2))
    code = f.applicant.uscc
    assert code.value == GOOD, code
    notes = " ".join(e.note for e in code.evidence)
    assert misread in notes and "封面（第1页）" in notes and "第2页" in notes, notes
    assert {e.page for e in code.evidence} == {1, 2}
    r = check_uscc_valid(f.applicant, "申报单位", RULES)
    assert r.status == "pass", r.detail


def test_one_place_only_a_misread_code_is_review_with_the_suspected_code():
    f = facts(cover(SEVEN))
    r = check_uscc_valid(f.applicant, "申报单位", RULES)
    assert r.status == "review" and f"疑为 {GOOD}" in r.detail, r.detail


def test_one_place_only_a_code_the_check_characters_corrected_is_review():
    f = facts(cover(B_FOR_8))
    assert f.applicant.uscc.value == GOOD  # the suggestion is kept as the value …
    r = check_uscc_valid(f.applicant, "申报单位", RULES)
    assert r.status == "review" and "疑为" in r.detail and B_FOR_8 in r.detail, r.detail  # … but nothing read it


def test_two_different_valid_codes_stay_a_disagreement():
    other = "91110108551385082Q"
    f = facts(cover(GOOD), page(["承诺书", f"单位名称：{NAME}", f"统一社会信用代码：{other}"], 3))
    r = check_uscc_valid(f.applicant, "申报单位", RULES)
    assert r.status == "review", r.detail


def test_a_member_code_misread_in_the_table_is_the_one_its_licence_copy_gives():
    member, good = "重庆青木信息技术有限责任公司", "91500113MA47P39R31"
    # the first position whose look-alike no single repair undoes: only the other place can
    i = next(i for i, ch in enumerate(good) if i >= 8 and uscc.lookalikes(ch) and not uscc.repair(
        good[:i] + uscc.lookalikes(ch)[0] + good[i + 1:]))
    bad = good[:i] + uscc.lookalikes(good[i])[0] + good[i + 1:]
    assert not uscc.is_valid(bad)
    lead, lead_code = "重庆山城信息技术股份有限公司", "91500106MAT76QUQ3E"
    pages = (page(["附件3", "重庆市软信领域开源社区建设运营“揭榜挂帅”申报书", f"联合体牵头单位（盖章）：{lead}",
                   f"统一社会信用代码：{lead_code}"], 1),
             _rows_page([["序号", "单位名称", "统一社会信用代码", "角色"],
                         ["1", lead, lead_code, "牵头单位"],
                         ["2", member, bad, "开源代码贡献单位、应用单位"]], 2),
             page(["联合体协议", "乙方（盖章）：" + member, f"统一社会信用代码：{good}"], 3))
    f = facts(*pages)
    got = {str(m.name.value): m.uscc for m in f.consortium}
    assert got[member].value == good, got[member]
    m = next(m for m in f.consortium if m.name.value == member)
    assert check_uscc_valid(m, member, RULES).status == "pass"


def _rows_page(rows, n):
    lines, y = [], 0.1
    for row in rows:
        x = 0.08
        for text in row:
            lines.append(Line(text=text, bbox=(x, y, x + 0.2, y + 0.015), confidence=0.95, engine="tesseract"))
            x += 0.22
        y += 0.03
    return Page(file="a.pdf", number=n, width=2480, height=3508, source="ocr", lines=tuple(lines))


def test_a_role_cell_wrapped_onto_a_second_line_keeps_its_roles():
    """Seed 242: 开源代码贡献单位 / 、应用单位 in one cell, read as two lines: the 应用单位 on the second
    line was dropped and consortium.application_unit failed."""
    from pipeline.checks.consortium_rules import check_application_unit
    lead, member = "重庆山城信息技术股份有限公司", "重庆青木信息技术有限责任公司"
    # the lines (and their word boxes) OCR gave on seed 242: RapidOCR boxed 、应用单位 far wider than its text
    from pipeline.model import Word
    lines = [(f"1 {lead} 91500106MAT76QUQ3E 牵头方、代码贡献", (0.12999, 0.15092, 0.85369, 0.17657)),
             ("单位", (0.70617, 0.17743, 0.74849, 0.19581)),
             (f"2 {member} 91500113MA47P39R31 开源代码贡献单位", (0.12878, 0.20564, 0.85671, 0.22531)),
             ("、应用单位", (0.31137, 0.22574, 0.80109, 0.23728)),
             ("联合体各方（盖章）：", (0.12031, 0.27832, 0.32164, 0.30098))]
    header = Line(text="序号 单位名称 统一社会信用代码 角色", bbox=(0.12878, 0.12698, 0.74849, 0.14622), confidence=0.96,
                  engine="tesseract+rapidocr", words=(
                      Word(text="序号 单位名称", bbox=(0.12198, 0.12698, 0.37424, 0.14622), confidence=0.96),
                      Word(text="统一社会信用代码", bbox=(0.48609, 0.12869, 0.62515, 0.14109), confidence=0.96),
                      Word(text="角色", bbox=(0.67322, 0.12912, 0.75529, 0.14109), confidence=0.96)))
    lines = [header] + [Line(text=t, bbox=b, confidence=0.97, engine="rapidocr",
                             words=(Word(text=t, bbox=b, confidence=0.97),)) for t, b in lines]
    tbl = Page(file="a.pdf", number=2, width=2480, height=3508, source="ocr", lines=tuple(lines))
    f = facts(page(["附件3", "重庆市软信领域开源社区建设运营“揭榜挂帅”申报书", f"联合体牵头单位（盖章）：{lead}",
                    "统一社会信用代码：91500106MAT76QUQ3E"], 1), tbl)
    roles = {str(m.name.value): set(m.roles) for m in f.consortium}
    assert roles.get(member) == {"code_contributor", "application_unit"}, roles
    assert roles.get(lead) == {"lead", "code_contributor"}, roles
    assert check_application_unit(f, RULES).status == "pass"


def test_a_folders_files_are_read_in_the_order_people_number_them(tmp_path):
    from pipeline.intake import open_bundle
    folder = tmp_path / "b" / "申报书"
    folder.mkdir(parents=True)
    names = ["页1.jpg", "页2.jpg", "页 3.jpg", "页_4.jpg", "页9.jpg", "页10.jpg", "页１１.jpg"]
    for n in reversed(names):
        (folder / n).write_bytes(b"\xff\xd8\xff\xe0")
    got = open_bundle(tmp_path / "b", tmp_path / "w").submissions[0].files
    assert [Path(f).name for f in got] == names


def test_a_valid_code_names_the_place_that_misread_it():
    f = facts(cover(GOOD), page(["营业执照（副本）复印件", SEVEN, f"名称 {NAME}"], 2))
    code = f.applicant.uscc
    assert code.value == GOOD
    notes = " ".join(e.note for e in code.evidence)
    assert SEVEN in notes and "第2页" in notes, notes
    assert check_uscc_valid(f.applicant, "申报单位", RULES).status == "pass"
