"""Sample family 2 (other calls' templates): deterministic per seed, truth in family 1's shape (and
readable by benchmarks/accuracy.py), every planted defect in the truth with the status SPEC §4
gives it, and real files in every format. One small low-dpi bundle is rendered once for the module."""
from __future__ import annotations

import copy
import csv
import importlib.util
import io
from pathlib import Path

import pytest
from PIL import Image

from pipeline import uscc
from pipeline.samples import families
from pipeline.samples import generator as G
from pipeline.samples.family2 import bundle as B
from pipeline.samples.family2 import plan2
from pipeline.samples.page_geometry import seal_bbox_mm
from pipeline.samples.typeset import PT, _ratio

SEED = 13  # family-2 development seeds are 11–30; 901/902 are reserved for the lead's measurement

spec = importlib.util.spec_from_file_location("accuracy", Path(__file__).parents[1] / "benchmarks" / "accuracy.py")
accuracy = importlib.util.module_from_spec(spec)
spec.loader.exec_module(accuracy)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    out = tmp_path_factory.mktemp("family2")
    families.generate_bundle(out, seed=SEED, n_applications=5, n_credit_rows=20, dpi_choices=(100,), family=2)
    return out


def _checks(sub: dict, rule: str) -> list[dict]:
    return [c for c in sub["expected"]["checks"] if c["rule"] == rule]


def _status(sub: dict, rule: str, unit=None) -> str:
    rows = [c for c in _checks(sub, rule) if unit is None or c["unit"] == unit]
    assert len(rows) == 1, (rule, unit, rows)
    return rows[0]["status"]


def test_same_seed_same_truth_bytes_different_seed_differs():
    a = G.truth_bytes(B.plan_truth(17, 8).truth)
    assert a == G.truth_bytes(B.plan_truth(17, 8).truth)
    assert a != G.truth_bytes(B.plan_truth(18, 8).truth)


def test_family_one_is_still_the_default():
    assert G.truth_bytes(G.plan_truth(7, 4).truth) != G.truth_bytes(B.plan_truth(7, 4).truth)
    assert "family" not in G.plan_truth(7, 4).truth and B.plan_truth(7, 4).truth["family"] == 2


def test_truth_has_family_one_shape():
    one, two = G.plan_truth(7, 4).truth, B.plan_truth(SEED, 4).truth
    assert set(one) <= set(two)
    assert set(one["submissions"][0]) == set(two["submissions"][0])
    for kind in ("application", "recommendation_form"):
        e1 = next(s for s in one["submissions"] if s["kind"] == kind)["expected"]
        for s in (s for s in two["submissions"] if s["kind"] == kind):
            assert set(e1) <= set(s["expected"]), kind
            assert set(one["submissions"][0]["pages"][0]) <= set(s["pages"][0])
    app = next(s for s in two["submissions"] if s["expected"]["track"] == "open_source_community")["expected"]
    assert {"indicator", "value", "unit", "written"} <= set(app["targets"][0])
    assert {"name", "uscc", "roles"} <= set(app["consortium"][0])


@pytest.mark.parametrize("seed", [11, 12, 19])
def test_every_planted_defect_is_in_the_truth_with_its_expected_check(seed):
    plan = B.plan_truth(seed, 12)
    truth = plan.truth
    apps = {a.entry: a for a in (s.app for s in plan.submissions if s.app)}
    seen = set()
    for sub in truth["submissions"]:
        if sub["kind"] != "application":
            assert _status(sub, "district.recommendation") == "pass"
            assert any(s["unit"].endswith("经济和信息化委员会") for s in sub["expected"]["seals"])
            continue
        app, exp = apps[sub["entry"]], sub["expected"]
        seen |= set(sub["defects"])
        members = exp["consortium"]
        sealed_units = {s["unit"] for s in exp["seals"]}
        for d in sub["defects"]:
            if d == "short_lease":
                assert exp["site"]["lease_years"] < 3 and _status(sub, "site.lease_term") == "fail"
            elif d == "member_dishonest_hit":
                m = members[1]["name"]
                assert _status(sub, "credit.dishonest_debtor", m) == "fail"
                assert any(h["unit"] == m and h["listed_code"] == members[1]["uscc"] for h in truth["credit"]["planted"])
            elif d == "target_below_indicator":
                assert any(t.matched and t.value < t.minimum for t in app.targets)
                assert _status(sub, "targets.meet_indicators") == "fail"
            elif d == "no_application_unit":
                assert not any("application_unit" in m["roles"] for m in members)
                assert _status(sub, "consortium.application_unit") == "fail"
            elif d == "late_date":
                assert exp["declared_on"] > "2026-07-23" and _status(sub, "submission.deadline") == "fail"
            elif d == "missing_seal":
                name = exp["applicant"]["name"]
                assert name not in sealed_units and _status(sub, "seal.present", name) == "fail"
            elif d == "disallowed_entity_type":
                assert exp["applicant"]["entity_type"] == "other"
                assert _status(sub, "entity.type_allowed") == "fail"
            elif d == "member_without_seal":
                name = members[-1]["name"]
                assert name not in sealed_units and _status(sub, "seal.present", name) == "fail"
            elif d == "tax_violation_uscc_hit":
                name = exp["applicant"]["name"]
                assert _status(sub, "credit.tax_violation", name) == "fail"
                assert any(h["list"] == "tax_violation" and h["listed_code"] == exp["applicant"]["uscc"]
                           for h in truth["credit"]["planted"])
            elif d == "member_tax_name_hit":
                name = members[-1]["name"]
                assert _status(sub, "credit.tax_violation", name) == "fail"
                assert any(h["unit"] == name and h["match"] == "name" and h["listed_name"].replace("(", "（")
                           .replace(")", "）") == name for h in truth["credit"]["planted"])
            elif d == "bad_uscc_check":
                bad = [u for u in [exp["applicant"], *members] if not uscc.check(u["uscc"]).valid]
                assert bad and all(_status(sub, "entity.uscc_valid", u["name"]) == "review" for u in bad)
            elif d == "near_miss_name":
                row = [c for c in _checks(sub, "credit.dishonest_debtor") if c["unit"] == exp["applicant"]["name"]][0]
                assert row["status"] == "pass" and row["also_acceptable"] == ["review"]
        statuses = [c["status"] for c in exp["checks"]]
        want = "ineligible" if "fail" in statuses else "needs_review" if "review" in statuses else "eligible"
        assert exp["verdict"] == want
        if not sub["defects"]:
            assert exp["verdict"] == "eligible"
    assert seen == set(plan2.DEFECTS)


def test_units_written_differ_and_convert_to_the_rules_unit():
    written = set()
    for seed in range(11, 21):
        for sub in B.plan_truth(seed, 8).truth["submissions"]:
            for t in sub["expected"].get("targets", []):
                written.add(t["written_unit"])
                if t["matched"] and t["written_unit"].startswith("万"):
                    assert t["value"] == pytest.approx(float(t["written"].lstrip("不少低于≥")) * 10000)
    assert {"户", "名", "场次", "项", "㎡"} & written and any(u.startswith("万") for u in written)


def test_pages_stay_on_the_paper():
    for seed in (11, 15, 22):
        for sub in B.plan_truth(seed, 14).submissions:
            for page in sub.pages:
                for op in page.ops:
                    a = op.args
                    if op.kind == "text":
                        w = sum(_ratio(ch) for ch in a["text"]) * a["size"] * PT
                        right = {"l": a["x"] + w, "c": a["x"] + w / 2, "r": a["x"]}[a["anchor"]]
                        assert right < 207 and a["y"] < 287, (page.kind, a["text"])
                for s in page.seals:
                    x0, y0, x1, y1 = seal_bbox_mm(s)
                    assert x1 < 210 and y1 < 297, page.kind


def test_perfect_reviews_score_everything_right_in_accuracy():
    truth = B.plan_truth(SEED, 8).truth
    reviews = []
    for s in truth["submissions"]:
        e = copy.deepcopy(s["expected"])
        reviews.append({"source": {"files": [{"path": f, "pages": 1} for f in s["files"]]}, "track": e["track"],
                        "applicant": e.get("applicant"), "site": e.get("site"), "consortium": e.get("consortium", []),
                        "seals": e["seals"], "targets": e.get("targets", []), "declared_on": e.get("declared_on"),
                        "checks": e["checks"], "verdict": e["verdict"] or "needs_review"})
    res = accuracy.compare(truth, reviews)
    assert res["mismatches"] == []
    assert all(v["accuracy"] == 1.0 for v in res["fields"].values())
    assert res["verdict"]["accuracy"] == 1.0


def test_rendered_truth_is_the_planned_truth(rendered):
    planned = G.truth_bytes(B.plan_truth(SEED, 5, (100,), 20).truth)
    assert (rendered / "truth.json").read_bytes() == planned


def test_every_format_is_a_real_file(rendered):
    import docx
    import pdfplumber

    truth = (rendered / "truth.json").read_text("utf-8")
    import json

    subs = json.loads(truth)["submissions"]
    assert {s["format"] for s in subs} >= {"tiff", "image_pdf", "text_pdf", "jpeg_folder", "docx"}
    for s in subs:
        path = rendered / "bundle" / s["entry"]
        n = len(s["pages"])
        if s["format"] == "tiff":
            im = Image.open(path)
            assert im.n_frames == n and round(im.info["dpi"][0]) == 100
        elif s["format"] == "jpeg_folder":
            files = sorted(path.iterdir())
            assert len(files) == n and all(Image.open(f).format == "JPEG" for f in files)
        elif s["format"] in ("image_pdf", "text_pdf"):
            with pdfplumber.open(path) as pdf:
                assert len(pdf.pages) == n
                text = "".join(p.extract_text() or "" for p in pdf.pages)
            name = s["expected"]["applicant"]["name"]
            assert (name in text.replace("\n", "")) == (s["format"] == "text_pdf")
        elif s["format"] == "docx":
            d = docx.Document(str(path))
            text = "\n".join(p.text for p in d.paragraphs) + "".join(
                c.text for t in d.tables for r in t.rows for c in r.cells)
            assert s["expected"]["applicant"]["name"] in text
            assert len(d.inline_shapes) == sum(p["embedded_image"] is not None for p in s["pages"]) > 0
    assert any(p["rotation"] == 180 for s in subs for p in s["pages"])


def test_credit_lists_hold_the_planted_rows(rendered):
    """Whatever district style the lists are written in (title rows, merged headers, codes in a
    combined column, several sheets), each planted row is in its file: the code in some cell of
    the dishonest-debtor CSV; name and code in one row of the tax workbook."""
    import json

    truth = json.loads((rendered / "truth.json").read_text("utf-8"))
    rows = list(csv.reader(io.StringIO((rendered / "credit" / B.DISHONEST_FILE).read_bytes().decode("gbk"))))
    cells = {c.strip() for r in rows for c in r}
    from openpyxl import load_workbook

    wb = load_workbook(rendered / "credit" / B.TAX_FILE)
    tax = [{str(v).strip() for v in r if v is not None} for ws in wb.worksheets for r in ws.iter_rows(values_only=True)]
    assert truth["credit"]["planted"]
    for h in truth["credit"]["planted"]:
        if h["list"] == "dishonest_debtor":
            assert h["listed_code"] in cells or any(h["listed_code"] in c for c in cells)
        else:
            name_ok = [r for r in tax if any(h["listed_name"] in c for c in r)]
            assert name_ok and (not h["listed_code"] or any(any(h["listed_code"] in c for c in r) for r in name_ok))


def test_samples_command_takes_the_family_option(tmp_path):
    from typer.testing import CliRunner

    from pipeline.cli import app

    res = CliRunner().invoke(app, ["samples", str(tmp_path / "x"), "--family", "3"])
    assert res.exit_code != 0 and not (tmp_path / "x" / "truth.json").exists()
    (tmp_path / "y" / "bundle").mkdir(parents=True)
    (tmp_path / "y" / "bundle" / "其他单位.pdf").write_bytes(b"%PDF-1.4")
    res = CliRunner().invoke(app, ["samples", str(tmp_path / "y"), "--family", "2", "--applications", "1"])
    assert res.exit_code == 2 and "其他单位.pdf" in res.output


@pytest.mark.parametrize("n", [14, 30])
def test_recommendation_form_continues_and_keeps_the_district_seal_on_its_last_page(n):
    form = B.plan_truth(21, n).submissions[-1]
    assert form.kind == "recommendation_form" and len(form.pages) == -(-n // 12)
    assert [bool(p.seals) for p in form.pages] == [False] * (len(form.pages) - 1) + [True]


def test_ballot_box_tick_only_in_word_text_where_no_scan_font_has_to_draw_it():
    found = 0
    for seed in range(11, 31):
        for sub in B.plan_truth(seed, 12).submissions:
            for page in sub.pages:
                for op in page.ops:
                    if op.kind == "text" and "☑" in op.args["text"]:
                        found += 1
                        assert sub.fmt == "docx" and page.native_docx and not page.seals
    assert found
