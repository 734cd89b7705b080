"""review.json / review.docx / summary.xlsx from hand-made facts and check results.

Inputs are built from the real typed models (ApplicationFacts, CheckResult, …); crops are real PNGs
drawn here; outputs are read back with jsonschema, python-docx and openpyxl.
"""
import datetime as dt
import hashlib
import json
import re
import zipfile
from pathlib import Path

import jsonschema
import pytest
from docx import Document as open_docx
from openpyxl import load_workbook
from PIL import Image, ImageDraw

from pipeline.facts import (
    ApplicationFacts, CheckResult, Evidence, Fact, Seal, SealPlace, Site, Target, Unit,
)
from pipeline.model import DocumentError, SourceFile
from pipeline.report.atomic import safe_child
from pipeline.report.docx_sheet import write_review_docx
from pipeline.report.ids import application_id
from pipeline.report.review import build_review, error_review, validate_review, write_review_json
from pipeline.report.summary import write_summary

RUN_DATE = "2026-07-25"
F1 = "江北区/星辰开源社区/申报书.pdf"
F2 = "江北区/星辰开源社区/联合体协议.pdf"


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def ev(text, page=1, file=F1, conf=0.95, bbox=(0.1, 0.2, 0.6, 0.25)):
    return Evidence(file=file, page=page, bbox=bbox, text=text, confidence=conf)


def fact(value, text, page=1, conf=0.95):
    return Fact(value=value, evidence=(ev(text, page, conf=conf),), confidence=conf)


LEAD = Unit(name=fact("重庆星辰软件有限公司", "申报单位名称：重庆星辰软件有限公司"),
            uscc=fact("91500000MA5U7E5X8L", "统一社会信用代码：91500000MA5U7E5X8L"),
            entity_type=fact("enterprise", "单位性质：企业"), declared_type_text="企业",
            roles=("lead", "code_contributor"), role_evidence=(ev("牵头单位、开源代码贡献单位", 3),))
MEMBER = Unit(name=fact("重庆山城智造科技有限公司", "成员单位：重庆山城智造科技有限公司", 3),
              uscc=Fact(value=None, reason="未找到统一社会信用代码"),
              roles=("application_unit",), role_evidence=(ev("应用单位", 3),))
SEALS = (
    Seal(file=F1, page=2, bbox=(0.55, 0.70, 0.80, 0.88), kind="round", text="重庆星辰软件有限公司",
         matched_unit="重庆星辰软件有限公司", confidence=0.9, crop="seal-1.png"),
    Seal(file=F2, page=1, bbox=(0.60, 0.72, 0.85, 0.90), kind="round", text="",
         matched_unit=None, confidence=0.6, crop="seal-2.png"),
    Seal(file=F1, page=1, bbox=(0.95, 0.4, 1.0, 0.6), kind="straddle", confidence=0.7, pages=(1, 2, 3), crop=""),
)
FACTS = ApplicationFacts(
    track=fact("open_source_community", "重庆市软信领域开源社区建设运营“揭榜挂帅”申报材料"),
    applicant=LEAD,
    site=Site(tenure=fact("leased", "租赁"), lease_start=fact(dt.date(2026, 7, 1), "二〇二六年七月一日"),
              lease_end=fact("2029-06-30", "2029年6月30日"), lease_years=fact(3, "叁年")),
    consortium=(LEAD, MEMBER),
    seals=SEALS,
    seal_places=(SealPlace(label="申报单位（盖章）", file=F1, page=2, bbox=(0.5, 0.7, 0.9, 0.9),
                           unit="重庆星辰软件有限公司", seal_index=0),
                 SealPlace(label="联合体各方（盖章）", file=F2, page=2, bbox=(0.5, 0.7, 0.9, 0.9))),
    targets=(Target(indicator="开源项目数量", value=12.0, unit="个", written="开源项目数", matched=True,
                    evidence=(ev("开源项目数 12 个", 4),)),
             Target(indicator="社区开发者人数", value=800, unit="人", matched=True, evidence=(ev("800人", 4),)),
             Target(indicator="自定义指标", value=None, unit="", written="自定义指标")),
    declared_on=fact(dt.date(2026, 7, 20), "2026年7月20日"),
)
CHECKS = (
    CheckResult(rule="targets.meet_indicators", status="fail", detail="社区开发者人数 800 人，低于榜单要求 1000 人",
                clause="二(一)", evidence=(ev("社区开发者人数 800人", 4),)),
    CheckResult(rule="entity.uscc_valid", unit="重庆星辰软件有限公司", status="pass",
                detail="统一社会信用代码 91500000MA5U7E5X8L 校验通过", evidence=LEAD.uscc.evidence),
    CheckResult(rule="entity.uscc_valid", unit="重庆山城智造科技有限公司", status="review",
                detail="未找到该单位的统一社会信用代码，请人工核对"),
    CheckResult(rule="consortium.size", status="pass", detail="联合体 2 家成员单位，牵头单位 1 家",
                evidence=(ev("联合体成员", 3), ev("牵头", 3), ev("成员二", 3), ev("成员三", 3))),
    CheckResult(rule="seal.present", unit="重庆山城智造科技有限公司", status="review",
                detail="联合体协议上的印章未能识别出单位名称"),
    CheckResult(rule="submission.deadline", status="pass", detail="申报日期 2026-07-20，早于截止日 2026-07-23"),
)
SOURCES = (SourceFile(path=F1, sha256=_sha("a"), pages=6), SourceFile(path=F2, sha256=_sha("b"), pages=2))
MINIMUMS = {"开源项目数量": 10, "社区开发者人数": 1000}


def _review(**over):
    kw = dict(application_id=application_id("江北区/星辰开源社区", [s.sha256 for s in SOURCES]),
              entry="江北区/星辰开源社区", source_files=SOURCES, facts=FACTS, checks=CHECKS,
              verdict="ineligible", errors=[DocumentError(code="page_unreadable", message="该页无法读取",
                                                          file=F2, page=2)],
              run_date=RUN_DATE, minimums=MINIMUMS, placeholder_indicators={"社区开发者人数"})
    kw.update(over)
    return build_review(**kw)


def _draw_seal(path: Path, text_px: int = 0) -> None:
    img = Image.new("RGB", (160, 160), "white")
    d = ImageDraw.Draw(img)
    d.ellipse((8, 8, 152, 152), outline=(220, 30, 30), width=7)
    d.regular_polygon((80, 80, 26), 5, fill=(220, 30, 30))
    img.save(path)


@pytest.fixture()
def app_dir(tmp_path):
    review = _review()
    d = safe_child(tmp_path / "out", review["application_id"])
    d.mkdir(parents=True)
    _draw_seal(d / "seal-1.png")
    _draw_seal(d / "seal-2.png")
    return d, review


# ---- review.json ----------------------------------------------------------------------

def test_review_has_the_spec_shape_and_validates(app_dir):
    d, review = app_dir
    path = write_review_json(d, review)
    data = json.loads(path.read_text(encoding="utf-8"))
    validate_review(data)
    # a failed check, but a page could not be read: needs_review (issue 17: a sheet with errors)
    assert data["track"] == "open_source_community" and data["verdict"] == "needs_review"
    assert data["source"]["files"][0] == {"path": F1, "sha256": _sha("a"), "pages": 6}
    assert data["source"]["pages"] == 8
    assert data["applicant"] == {"name": "重庆星辰软件有限公司", "uscc": "91500000MA5U7E5X8L",
                                 "entity_type": "enterprise", "declared_type_text": "企业",
                                 "roles": ["lead", "code_contributor"]}
    assert data["site"] == {"tenure": "leased", "lease_start": "2026-07-01", "lease_end": "2029-06-30",
                            "lease_years": 3}
    assert data["consortium"][1]["uscc"] is None
    assert data["provenance"]["consortium[1].uscc"]["reason"] == "未找到统一社会信用代码"
    assert data["provenance"]["applicant.uscc"]["evidence"][0]["text"].endswith("91500000MA5U7E5X8L")
    assert data["declared_on"] == "2026-07-20"
    assert [s["crop"] for s in data["seals"]] == ["seal-1.png", "seal-2.png", None]
    assert data["seals"][2]["pages"] == [1, 2, 3]
    assert data["targets"][0]["value"] == 12 and data["targets"][0]["minimum"] == 10
    assert data["targets"][1]["meets_minimum"] is False and data["targets"][2]["meets_minimum"] is None
    assert [t["minimum_is_placeholder"] for t in data["targets"]] == [False, True, None]
    # checks come in SPEC §4 order with requirement texts and clauses filled in
    assert [c["rule"] for c in data["checks"]] == ["entity.uscc_valid", "entity.uscc_valid", "consortium.size",
                                                   "seal.present", "targets.meet_indicators", "submission.deadline"]
    assert data["checks"][0]["clause"] == "一(一)1, 一(二)1" and "统一社会信用代码" in data["checks"][0]["requirement"]
    assert data["counts"] == {"pass": 3, "fail": 1, "review": 2}
    assert data["errors"] == [{"code": "page_unreadable", "message": "该页无法读取", "file": F2, "page": 2}]


def test_caller_requirement_texts_win_over_fallback():
    r = _review(requirements={"seal.present": "规则文件中的盖章要求"})
    assert [c["requirement"] for c in r["checks"] if c["rule"] == "seal.present"] == ["规则文件中的盖章要求"]


def test_unknown_values_are_null_never_guessed():
    facts = ApplicationFacts(track=Fact(value="unknown"), declared_on=fact("七月某日", "七月某日"),
                             site=Site(lease_years=fact("三年左右", "三年左右")))
    r = _review(facts=facts, checks=(), verdict="needs_review", errors=())
    validate_review(r)
    assert r["track"] is None and r["declared_on"] is None and r["site"]["lease_years"] is None
    assert "七月某日" in r["provenance"]["declared_on"]["reason"]
    assert r["applicant"]["name"] is None and r["seals"] == [] and r["targets"] == []


def test_error_review_validates_and_says_why(tmp_path):
    r = error_review(application_id=application_id("坏文件.pdf", [_sha("x")]), entry="坏文件.pdf",
                     errors=[DocumentError(code="encrypted_pdf", message="PDF 已加密，需要密码才能打开",
                                           file="坏文件.pdf")],
                     source_files=[SourceFile(path="坏文件.pdf", sha256=_sha("x"), pages=0)], run_date=RUN_DATE)
    path = write_review_json(safe_child(tmp_path, r["application_id"]), r)
    data = json.loads(path.read_text(encoding="utf-8"))
    validate_review(data)
    assert data["verdict"] == "needs_review" and data["checks"] == []
    assert data["errors"][0]["code"] == "encrypted_pdf"
    plain = error_review(application_id="x-0123456789", entry="x", errors=["读不出来"])
    validate_review(plain)
    assert plain["errors"][0]["message"] == "读不出来" and plain["run_date"] is None


def test_schema_rejects_broken_reviews():
    good = _review()
    for broken in (
        {**good, "verdict": "eligible"},  # a failed check cannot give eligible
        {**good, "declared_on": "2026/07/20"},
        {**good, "application_id": ".."},
        {**good, "extra": 1},
        {**good, "seals": [{**good["seals"][0], "bbox": [0, 0, 1.5, 1]}]},
        {**good, "checks": [{**good["checks"][0], "status": "ok"}]},
    ):
        with pytest.raises(jsonschema.ValidationError):
            validate_review(broken)
    with pytest.raises(jsonschema.ValidationError):
        write_review_json(Path("/nonexistent-never-written"), {**good, "verdict": "eligible"})
    passing = [c for c in CHECKS if c.status == "pass"]
    validate_review(_review(checks=passing, verdict="eligible"))
    with pytest.raises(jsonschema.ValidationError):
        validate_review(_review(checks=passing, verdict="needs_review", errors=()))


def test_second_write_is_byte_identical(app_dir):
    d, review = app_dir
    first = write_review_json(d, review).read_bytes()
    again = write_review_json(d, _review()).read_bytes()
    assert first == again
    docx1 = write_review_docx(d, review).read_bytes()
    docx2 = write_review_docx(d, _review()).read_bytes()
    assert docx1 == docx2
    # the only time inside the archive is the run date (zip members and core properties)
    stamps = {i.date_time for i in zipfile.ZipFile(d / "review.docx").infolist()}
    assert stamps == {(2026, 7, 25, 0, 0, 0)}
    core = zipfile.ZipFile(d / "review.docx").read("docProps/core.xml").decode()
    assert set(re.findall(r"\d{4}-\d{2}-\d{2}T[0-9:]+Z", core)) == {"2026-07-25T00:00:00Z"}


# ---- review.docx ----------------------------------------------------------------------

def _cell_text(cell) -> str:
    return "\n".join(p.text for p in cell.paragraphs)


def test_docx_has_checklist_rows_seal_images_and_sign_off(app_dir):
    d, review = app_dir
    path = write_review_docx(d, review)
    doc = open_docx(str(path))
    text = "\n".join(p.text for p in doc.paragraphs)
    tables = doc.tables
    all_cells = "\n".join(_cell_text(c) for t in tables for row in t.rows for c in row.cells)

    checklist = next(t for t in tables if len(t.columns) == 6 and _cell_text(t.rows[0].cells[1]).startswith("审查要求"))
    rows = checklist.rows[1:]
    assert len(rows) == len(review["checks"]) == 6
    assert [_cell_text(r.cells[4]) for r in rows] == ["符合", "需人工复核", "符合", "需人工复核", "不符合", "符合"]
    assert all(_cell_text(r.cells[5]) == "" for r in rows)  # reviewer column left empty
    assert "通知一(二)" in _cell_text(rows[2].cells[1])
    assert "【重庆山城智造科技有限公司】" in _cell_text(rows[1].cells[2])
    assert "另有 1 处证据" in _cell_text(rows[2].cells[3])
    fills = [r.cells[4]._tc.tcPr.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}shd")
             .get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}fill") for r in rows]
    assert fills[:2] == ["C6EFCE", "FFEB9C"] and fills[4] == "FFC7CE"

    # two seals have crops on disk, the straddle seal has none
    assert len(doc.inline_shapes) == 2
    assert "重庆星辰软件有限公司" in all_cells and "未能匹配到申报单位" in all_cells and "骑缝章" in all_cells
    # header, verdict, targets with minimums, errors, sign-off
    for needle in (review["application_id"], "软信领域开源社区", "91500000MA5U7E5X8L", _sha("a"),
                   "牵头单位、开源代码贡献单位", "不符合条件", "社区开发者人数（人）", "1,000（暂定）", "未达到",
                   "该页无法读取", "审核人（签字）", "日期"):
        assert needle in text + all_cells, needle
    sec = doc.sections[0]
    assert round(sec.page_width.mm) == 210 and round(sec.page_height.mm) == 297
    assert doc.core_properties.created == doc.core_properties.modified == dt.datetime(2026, 7, 25, tzinfo=dt.timezone.utc)
    styles = zipfile.ZipFile(path).read("word/styles.xml").decode()
    assert 'w:eastAsia="SimSun"' in styles and "eastAsiaTheme" not in styles


def test_docx_skips_crops_outside_the_folder_and_missing_ones(tmp_path, app_dir):
    d, review = app_dir
    outside = tmp_path / "secret.png"
    _draw_seal(outside)
    hostile = json.loads(json.dumps(review))
    hostile["seals"][0]["crop"] = "../../secret.png"
    hostile["seals"][1]["crop"] = "missing.png"
    doc = open_docx(str(write_review_docx(d, hostile)))
    assert len(doc.inline_shapes) == 0
    crops = tmp_path / "crops"
    crops.mkdir()
    _draw_seal(crops / "seal-1.png")
    doc = open_docx(str(write_review_docx(d, review, crops_dir=crops)))
    assert len(doc.inline_shapes) == 1


def test_docx_for_an_unreadable_submission(tmp_path):
    r = error_review(application_id="坏文件-0123456789", entry="坏文件.pdf", errors=["文件为空（0 字节）"])
    doc = open_docx(str(write_review_docx(safe_child(tmp_path, r["application_id"]), r)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "未能进行逐项审查" in text and "文件为空" in text and "未能检查印章" in text
    assert any("需人工复核" in c.text for t in doc.tables for row in t.rows for c in row.cells)


# ---- summary ----------------------------------------------------------------------------

def test_summary_xlsx_and_json(tmp_path, app_dir):
    review = _review(errors=())  # ineligible: a sheet with errors would be needs_review (issue 17)
    bad = error_review(application_id="坏文件-0123456789", entry="坏文件.pdf", errors=["文件为空（0 字节）"],
                       run_date=RUN_DATE)
    ok = _review(application_id="另一家-abcdef0123", entry="另一家.pdf",
                 checks=[c for c in CHECKS if c.status == "pass"], verdict="eligible", errors=())
    finding = CheckResult(rule="district.recommendation", unit="江北区", status="pass", clause="二(二)",
                          detail="附件4 推荐表已加盖区县经信部门公章",
                          evidence=(Evidence(file="推荐表.pdf", page=1, text="江北区经济和信息化委员会"),))
    out = tmp_path / "bundle-out"
    xlsx, js = write_summary(out, [review, bad, ok], [finding])
    assert xlsx == out / "summary.xlsx" and js == out / "summary.json"

    wb = load_workbook(xlsx)
    ws = wb["申报汇总"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:6] == ("申报编号", "申报材料", "申报类型", "申报单位", "统一社会信用代码", "审查结论")
    assert len(rows) == 4  # header + one row per submission
    by_id = {r[0]: r for r in rows[1:]}
    assert by_id[review["application_id"]][5] == "不符合条件"
    assert by_id[review["application_id"]][6] == "targets.meet_indicators"
    assert by_id[review["application_id"]][7] == "entity.uscc_valid，seal.present"
    assert by_id[review["application_id"]][8] == 8
    assert by_id["坏文件-0123456789"][5] == "需人工复核" and "文件为空" in by_id["坏文件-0123456789"][9]
    assert ws.freeze_panes == "B2" and ws.auto_filter.ref == "A1:J4"
    fills = {r[0].value: r[5].fill.fgColor.rgb for r in ws.iter_rows(min_row=2)}
    assert fills["另一家-abcdef0123"].endswith("C6EFCE") and fills[review["application_id"]].endswith("FFC7CE")
    assert ws.column_dimensions["D"].width >= 30
    rec = list(wb["区县推荐表"].iter_rows(values_only=True))
    assert rec[1][:3] == ("district.recommendation", "江北区", "符合")

    data = json.loads(js.read_text(encoding="utf-8"))
    assert [s["application_id"] for s in data["submissions"]] == [r[0] for r in rows[1:]]
    assert data["counts"] == {"eligible": 1, "ineligible": 1, "needs_review": 1}
    assert data["bundle"]["findings"][0]["status"] == "pass" and data["run_date"] == RUN_DATE

    first = (xlsx.read_bytes(), js.read_bytes())
    write_summary(out, [ok, bad, review], [finding])  # input order does not matter
    assert (xlsx.read_bytes(), js.read_bytes()) == first
    assert {i.date_time for i in zipfile.ZipFile(xlsx).infolist()} == {(2026, 7, 25, 0, 0, 0)}
    core = zipfile.ZipFile(xlsx).read("docProps/core.xml").decode()
    assert set(re.findall(r"\d{4}-\d{2}-\d{2}T[0-9:]+Z", core)) == {"2026-07-25T00:00:00Z"}
    assert sorted(p.name for p in out.iterdir()) == ["summary.json", "summary.xlsx"]


# ---- with the real extractor and rules file ------------------------------------------------

def test_review_from_real_extraction_and_rules_file(tmp_path):
    """Facts from pipeline.extract on a text page, texts and minimums from pipeline/checks/rules.yaml."""
    from pipeline.checks.rules import RULE_IDS, load_rules
    from pipeline.extract import extract_facts
    from pipeline.model import Document, Line, Page
    from pipeline.report.texts import requirement_text

    texts = ["重庆市软信领域创新创业社区建设运营“揭榜挂帅”申报材料", "申报单位名称：重庆星辰软件有限公司",
             "统一社会信用代码：91500000MA5U7E5X8L", "单位性质：企业", "租赁期限：2023年1月1日至2027年12月31日",
             "申报日期：二〇二六年七月二十日"]
    lines = tuple(Line(text=t, bbox=(0.1, 0.05 + i * 0.05, 0.9, 0.09 + i * 0.05), confidence=0.95)
                  for i, t in enumerate(texts))
    page = Page(file="a.pdf", number=1, width=2480, height=3508, source="ocr", lines=lines)
    doc = Document(file="a.pdf", sha256=_sha("a"), kind="pdf", pages=(page,), page_count=1)
    facts = extract_facts([doc])
    rules = load_rules()
    inds = rules.indicators["innovation_community"]
    checks = [CheckResult(rule=r, status="pass", detail="通过") for r in RULE_IDS]
    r = build_review(application_id=application_id("a.pdf", [_sha("a")]), entry="a.pdf",
                     source_files=[SourceFile(path="a.pdf", sha256=_sha("a"), pages=1)], facts=facts, checks=checks,
                     verdict="eligible", run_date=RUN_DATE, requirements=rules.requirements(),
                     minimums={i.name: i.min for i in inds}, placeholder_indicators={i.name for i in inds if i.placeholder})
    data = json.loads(write_review_json(safe_child(tmp_path, r["application_id"]), r).read_text(encoding="utf-8"))
    assert data["track"] == "innovation_community" and data["applicant"]["uscc"] == "91500000MA5U7E5X8L"
    assert data["site"]["lease_start"] == "2023-01-01" and data["declared_on"] == "2026-07-20"
    assert {c["requirement"] for c in data["checks"]} == set(rules.requirements().values())
    assert all(requirement_text(rid) for rid in RULE_IDS)  # the fallback file covers every contract rule id
    assert open_docx(str(write_review_docx(tmp_path / r["application_id"], r))).tables


def test_docx_embeds_a_small_jpeg_of_each_seal_and_keeps_the_crop_on_disk(tmp_path, app_dir):
    """The sheet shows seals 24 mm wide: a full-resolution crop made sheets >1 MB and their writing the
    costliest part of a review. Embedded: a JPEG ≤360 px; on disk: the crop, untouched."""
    import io

    d, review = app_dir
    big = Image.new("RGB", (640, 600), "white")
    ImageDraw.Draw(big).ellipse((20, 20, 620, 580), outline=(220, 30, 30), width=20)
    big.save(d / "seal-1.png")
    before = (d / "seal-1.png").read_bytes()
    (d / "seal-2.png").write_bytes(b"\x89PNG\r\n\x1a\n broken")  # a crop that cannot be opened
    path = write_review_docx(d, review)
    assert (d / "seal-1.png").read_bytes() == before
    doc = open_docx(str(path))
    assert len(doc.inline_shapes) == 1
    assert "（截图无法打开）" in "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    with zipfile.ZipFile(path) as z:
        media = [i for i in z.infolist() if i.filename.startswith("word/media/")]
        assert len(media) == 1 and media[0].filename.endswith((".jpeg", ".jpg"))
        assert media[0].compress_type == zipfile.ZIP_STORED  # already compressed: not deflated again
        assert z.getinfo("word/document.xml").compress_type == zipfile.ZIP_DEFLATED
        pic = Image.open(io.BytesIO(z.read(media[0].filename)))
    assert pic.format == "JPEG" and max(pic.size) == 360 and pic.size[0] > pic.size[1]
    r, g, b = pic.convert("RGB").getpixel((pic.size[0] // 2, round(30 * 360 / 640)))  # ring band y 20–40
    assert r > 150 and g < 110 and b < 110  # the red ring survives the shrink
