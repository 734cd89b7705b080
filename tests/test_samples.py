"""Sample bundle generator: determinism, planted defects, valid codes, seals where the truth says,
real files in every format, GBK credit list. One small bundle is rendered once for the module."""
from __future__ import annotations

import io
import json
from collections import Counter

import numpy as np
import pytest
from PIL import Image

from pipeline import uscc
from pipeline.samples import plan as P
from pipeline.samples import wording as W
from pipeline.samples.credit import DISHONEST_HEADERS, TAX_HEADERS
from pipeline.samples.generator import DISHONEST_FILE, TAX_FILE, generate_bundle, plan_truth, truth_bytes

SEED = 11


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    out = tmp_path_factory.mktemp("samples")
    generate_bundle(out, seed=SEED, n_applications=4, n_credit_rows=60, dpi_choices=(200,))
    return out


def _red_mask(img: Image.Image) -> np.ndarray:
    a = np.asarray(img.convert("RGB"), dtype=np.int16)
    r, g, b = a[..., 0], a[..., 1], a[..., 2]
    return (r > 140) & (r - g > 60) & (r - b > 50)


def _page_image(root, fmt: str, file: str, page: int) -> Image.Image:
    path = root / "bundle" / file
    if fmt == "tiff":
        im = Image.open(path)
        im.seek(page - 1)
        return im.convert("RGB")
    if fmt == "jpeg":
        return Image.open(path).convert("RGB")
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    return pdf[page - 1].render(scale=150 / 72).to_pil().convert("RGB")


# ------------------------------------------------------------------ truth planning (no pixels)


def test_same_seed_same_truth_bytes_different_seed_differs():
    a = truth_bytes(plan_truth(5, 6).truth)
    assert a == truth_bytes(plan_truth(5, 6).truth)
    assert a != truth_bytes(plan_truth(6, 6).truth)


def test_rendered_truth_is_the_planned_truth(bundle):
    """generate_bundle writes exactly the truth plan_truth computes: rendering adds no randomness."""
    planned = truth_bytes(plan_truth(SEED, 4, (200,), 60).truth)
    assert (bundle / "truth.json").read_bytes() == planned


EXPECTED_BY_DEFECT = {
    "missing_seal": ("seal.present", "fail", "applicant"),
    "member_without_seal": ("seal.present", "fail", "member"),
    "short_lease": ("site.lease_term", "fail", None),
    "disallowed_entity_type": ("entity.type_allowed", "fail", "applicant"),
    "no_application_unit": ("consortium.application_unit", "fail", None),
    "single_member_consortium": ("consortium.size", "fail", None),
    "target_below_indicator": ("targets.meet_indicators", "fail", None),
    "late_date": ("submission.deadline", "fail", None),
    "bad_uscc_check": ("entity.uscc_valid", "review", "applicant"),
    "dishonest_debtor_hit": ("credit.dishonest_debtor", "fail", "applicant"),
    "tax_violation_name_hit": ("credit.tax_violation", "fail", "applicant"),
    "near_miss_name": ("credit.dishonest_debtor", "pass", "applicant"),
}


@pytest.mark.parametrize("seed", [1, 7, 42])
def test_every_planted_defect_is_in_the_truth_with_its_expected_check(seed):
    truth = plan_truth(seed, 20, n_credit_rows=30).truth
    apps = [s for s in truth["submissions"] if s["kind"] == "application"]
    assert sorted({d for s in apps for d in s["defects"]}) == sorted(P.DEFECTS)
    assert set(EXPECTED_BY_DEFECT) == set(P.DEFECTS)
    for s in apps:
        exp = s["expected"]
        for d in s["defects"]:
            rule, status, who = EXPECTED_BY_DEFECT[d]
            rows = [c for c in exp["checks"] if c["rule"] == rule and c["status"] == status]
            if who == "applicant":
                rows = [c for c in rows if c["unit"] == exp["applicant"]["name"]]
            elif who == "member":
                rows = [c for c in rows if c["unit"] != exp["applicant"]["name"]]
            assert rows, (s["entry"], d)
        statuses = [c["status"] for c in exp["checks"]]
        assert exp["verdict"] == P.verdict(statuses)
        if not s["defects"]:
            assert exp["verdict"] == "eligible"
    # the near miss is recorded as pass, with review also acceptable, and never fails
    nm = [c for s in apps for c in s["expected"]["checks"] if c["rule"].startswith("credit.") and c.get("also_acceptable")]
    assert len(nm) == 1 and nm[0]["status"] == "pass" and nm[0]["also_acceptable"] == ["review"]
    # district.recommendation is bundle-level: only the 附件4 form carries it
    assert not any(c["rule"] == "district.recommendation" for s in apps for c in s["expected"]["checks"])
    form = truth["submissions"][-1]["expected"]
    assert [c["rule"] for c in form["checks"]] == ["district.recommendation"]
    planted = Counter((h["list"], h["match"]) for h in truth["credit"]["planted"])
    assert planted == {("dishonest_debtor", "uscc"): 1, ("tax_violation", "name"): 1,
                       ("dishonest_debtor", "near_miss"): 1}
    name_hit = next(h for h in truth["credit"]["planted"] if h["match"] == "name")
    assert "(" in name_hit["listed_name"] and "（" in name_hit["unit"] and name_hit["listed_code"] == ""
    assert truth["submissions"][-1]["kind"] == "recommendation_form"
    pages = [p for s in truth["submissions"] for p in s["pages"]]
    assert sum(p["rotation"] == 180 for p in pages) == 1
    assert {p["format"] for p in pages} == {"tiff", "jpeg", "image_pdf", "text_pdf", "docx"}
    assert all(abs(p["skew"]) <= 2.0 for p in pages)
    kinds = {s["kind"] for sub in truth["submissions"] for s in sub["expected"]["seals"]}
    assert kinds == {"round", "oval", "straddle"}
    assert all(5 <= len(s["pages"]) <= 15 for s in apps)


def test_four_applications_spread_defects_and_keep_one_clean():
    truth = plan_truth(7, 4).truth
    apps = [s for s in truth["submissions"] if s["kind"] == "application"]
    assert {s["expected"]["track"] for s in apps} == {"innovation_community", "open_source_community"}
    assert sum(not s["defects"] for s in apps) == 1
    assert all(len(s["defects"]) <= 3 for s in apps)
    assert len({d for s in apps for d in s["defects"]}) >= 8


def test_usccs_are_valid_and_match_entity_type_and_chongqing():
    truth = plan_truth(3, 20, n_credit_rows=30).truth
    prefix_types = {"91": {"enterprise", "park_operator"}, "12": {"public_institution"},
                    "51": {"social_organization"}, "52": {"social_organization"}, "92": {"other"}, "11": {"other"}}
    seen = 0
    for s in truth["submissions"]:
        if s["kind"] != "application":
            continue
        exp = s["expected"]
        units = [exp["applicant"]] + exp["consortium"][1:]
        for u in units:
            code = u["uscc"]
            c = uscc.check(code)
            if u is exp["applicant"] and "bad_uscc_check" in s["defects"]:
                assert c.well_formed and c.check17_ok and not c.check18_ok
            else:
                assert c.valid, code
            assert code[2:6] in ("5001", "5002"), code
            if "entity_type" in u:
                assert u["entity_type"] in prefix_types[code[:2]], (code, u)
            seen += 1
    assert seen > 30


def test_lease_terms_and_dates_are_written_in_varied_forms():
    apps = P.plan_applications(7, 20)
    texts = " ".join(a.site.text for a in apps if a.site)
    assert "至" in texts and ("租期叁年" in texts or "租期三年" in texts or "个月" in texts)
    forms = {("〇" in a.date_text, "." in a.date_text) for a in apps}
    assert forms == {(True, False), (False, True), (False, False)}
    assert W.write_date(P.dt.date(2026, 7, 20), "cn") == "二〇二六年七月二十日"
    assert W.write_date(P.dt.date(2026, 7, 20), "dot") == "2026.7.20"
    short = [a for a in apps if "short_lease" in a.defects]
    assert short and all(a.site.lease_years < 3 for a in short)
    assert any(not t.written.isdigit() for a in apps for t in a.targets)


# ------------------------------------------------------------------ rendered files


def test_red_pixels_where_the_truth_says_seals_are(bundle):
    truth = json.loads((bundle / "truth.json").read_text("utf-8"))
    checked = 0
    for sub in truth["submissions"]:
        fmt_of = {(p["file"], p["page"]): p for p in sub["pages"]}
        for seal in sub["expected"]["seals"]:
            page = fmt_of[(seal["file"], seal["page"])]
            if page["format"] == "docx":
                continue
            img = _page_image(bundle, page["format"], seal["file"], seal["page"])
            w, h = img.size
            x0, y0, x1, y1 = seal["bbox"]
            mask = _red_mask(img)
            inside = mask[int(y0 * h):int(y1 * h), int(x0 * w):int(x1 * w)]
            assert inside.mean() > 0.03, (seal["file"], seal["page"], seal["kind"], inside.mean())
            if seal["kind"] == "straddle":
                assert mask[int(y0 * h):int(y1 * h), -int(0.02 * w):].mean() > 0.01
            checked += 1
        for p in sub["pages"]:  # unsealed pages without red traps carry (almost) no red
            if not p["has_seal"] and not p["red_traps"] and p["format"] not in ("docx",):
                img = _page_image(bundle, p["format"], p["file"], p["page"])
                assert _red_mask(img).mean() < 0.0005, p
    assert checked >= 6


def test_every_format_is_a_real_file_of_that_kind(bundle):
    import docx
    import pdfplumber

    truth = json.loads((bundle / "truth.json").read_text("utf-8"))
    formats = {s["format"]: s for s in truth["submissions"]}
    assert set(formats) == {"tiff", "text_pdf", "jpeg_folder", "docx", "image_pdf"}
    tif = Image.open(bundle / "bundle" / formats["tiff"]["entry"])
    assert tif.n_frames == len(formats["tiff"]["pages"])
    with pdfplumber.open(bundle / "bundle" / formats["text_pdf"]["entry"]) as pdf:
        text = pdf.pages[2].extract_text()
        assert "统一社会信用代码" in text and formats["text_pdf"]["expected"]["applicant"]["uscc"] in text
    with pdfplumber.open(bundle / "bundle" / formats["image_pdf"]["entry"]) as pdf:
        assert all(len(p.images) == 1 and not p.chars for p in pdf.pages)
    d = docx.Document(str(bundle / "bundle" / formats["docx"]["entry"]))
    assert d.tables and d.inline_shapes
    assert "统一社会信用代码" in "\n".join(c.text for t in d.tables for r in t.rows for c in r.cells)
    folder = bundle / "bundle" / formats["jpeg_folder"]["entry"]
    assert sorted(p.name for p in folder.iterdir()) == [f.split("/")[-1] for f in formats["jpeg_folder"]["files"]]


def test_credit_csv_is_gbk_and_xlsx_has_tax_headers(bundle):
    raw = (bundle / "credit" / DISHONEST_FILE).read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode("gbk")
    assert text.splitlines()[0].split(",") == DISHONEST_HEADERS
    truth = json.loads((bundle / "truth.json").read_text("utf-8"))
    for hit in truth["credit"]["planted"]:
        if hit["list"] == "dishonest_debtor":
            assert hit["listed_name"] in text and hit["listed_code"] in text
    from openpyxl import load_workbook

    ws = load_workbook(bundle / "credit" / TAX_FILE).active
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == TAX_HEADERS
    assert len(rows) > 30


def test_scan_look_is_within_bounds():
    from pipeline.samples.render import pick_look, scan

    import random

    look = pick_look(random.Random(1), 200)
    assert -2.0 <= look.skew <= 2.0 and 55 <= look.jpeg_quality <= 65
    img = Image.new("RGB", (200, 280), (255, 255, 255))
    out = np.asarray(scan(img, look), dtype=np.float32)
    centre = out[100:180, 60:140]
    assert 200 < centre.mean() < 252  # tinted paper, not white
    assert centre.std() > 1.0  # noise
    buf = io.BytesIO()
    Image.fromarray(out.astype(np.uint8)).save(buf, "JPEG", quality=look.jpeg_quality)
    assert buf.tell() > 0


def test_written_files_carry_no_time_or_path(tmp_path):
    """Image PDF and XLSX bytes depend only on content: no save time, no temp-file names."""
    from pipeline.samples.credit_write import write_tax_xlsx
    from pipeline.samples.files import write_image_pdf

    buf = io.BytesIO()
    Image.new("RGB", (160, 226), (240, 238, 230)).save(buf, "JPEG", quality=60)
    rows = [["重庆某某商贸有限公司", "91500000MA5UA3W18Q", "", "重庆市", "", "", "偷税", "", "", "", "", "2026-01-05"]]
    outs = []
    for k in ("a", "b"):
        d = tmp_path / k
        d.mkdir()
        write_image_pdf(d / "x.pdf", [buf.getvalue()] * 2)
        write_tax_xlsx(d / "x.xlsx", rows)
        outs.append(((d / "x.pdf").read_bytes(), (d / "x.xlsx").read_bytes()))
    assert outs[0] == outs[1]
    assert buf.getvalue() in outs[0][0]  # the JPEG is embedded unchanged, binary


def test_samples_command_refuses_a_folder_holding_another_bundle(tmp_path):
    from typer.testing import CliRunner

    from pipeline.cli import app

    (tmp_path / "bundle").mkdir()
    (tmp_path / "bundle" / "其他单位.pdf").write_bytes(b"%PDF-1.4")
    res = CliRunner().invoke(app, ["samples", str(tmp_path), "--applications", "1"])
    assert res.exit_code == 2
    assert "其他单位.pdf" in res.output
    assert not (tmp_path / "truth.json").exists()


@pytest.mark.parametrize("n", [4, 20, 45])
def test_recommendation_form_runs_on_to_a_second_page_and_keeps_its_seal_on_paper(n):
    """From ~20 applications the form's table used to push the sign-off and the district's seal
    below the page while the truth said the page was sealed; now the table continues on a 续表 page."""
    plan = plan_truth(2026, n, (200,), 20)
    form = next(s for s in plan.submissions if s.kind == "recommendation_form")
    truth = next(t for t in plan.truth["submissions"] if t["kind"] == "recommendation_form")
    assert len(form.pages) == 1 if n == 4 else len(form.pages) >= 2
    seals = truth["expected"]["seals"]
    assert len(seals) == 1 and seals[0]["page"] == len(form.pages)  # signed at the end
    x0, y0, x1, y1 = seals[0]["bbox"]
    assert 0 <= x0 < x1 <= 1 and 0 <= y0 < y1 <= 1
    tables = [rest[0] for p in form.pages for kind, *rest in p.blocks if kind == "table"]
    header = tables[0][0]
    assert all(t[0] == header for t in tables)  # a continued table repeats its header
    rows = [r for t in tables for r in t[1:]]
    assert [r[1] for r in rows] == truth["expected"]["applications"]  # every application, once, in order
    ops_y = [op.args["y"] for p in form.pages for op in p.ops if op.kind == "text"]
    assert max(ops_y) < 280  # nothing written below the bottom margin
