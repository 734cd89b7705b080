"""benchmarks/accuracy.py comparison logic on hand-made truth and review dicts."""
from __future__ import annotations

import copy
import importlib.util
import json
from pathlib import Path

spec = importlib.util.spec_from_file_location("accuracy", Path(__file__).parents[1] / "benchmarks" / "accuracy.py")
accuracy = importlib.util.module_from_spec(spec)
spec.loader.exec_module(accuracy)

TRUTH = {
    "seed": 1, "generator_version": "1.0",
    "submissions": [
        {"entry": "01_创新_甲.pdf", "files": ["01_创新_甲.pdf"], "kind": "application", "defects": ["short_lease"],
         "expected": {
             "track": "innovation_community",
             "applicant": {"name": "重庆甲科技（重庆）有限公司", "uscc": "91500000MA5UA3W18Q", "entity_type": "enterprise"},
             "site": {"tenure": "leased", "lease_start": "2025-01-01", "lease_end": None, "lease_years": 2.0},
             "consortium": [],
             "seals": [{"file": "01_创新_甲.pdf", "page": 1, "bbox": [0.4, 0.4, 0.6, 0.55], "kind": "round"},
                       {"file": "01_创新_甲.pdf", "page": 6, "bbox": [0.93, 0.4, 1, 0.55], "kind": "straddle"},
                       {"file": "01_创新_甲.pdf", "page": 7, "bbox": [0.93, 0.4, 1, 0.55], "kind": "straddle"}],
             "targets": [{"indicator": "入驻企业数量", "value": 45, "unit": "家"},
                         {"indicator": "带动就业人数", "value": 300, "unit": "人"}],
             "declared_on": "2026-07-20",
             "checks": [{"rule": "site.lease_term", "unit": None, "status": "fail"},
                        {"rule": "credit.dishonest_debtor", "unit": "重庆甲科技（重庆）有限公司", "status": "pass",
                         "also_acceptable": ["review"]}],
             "verdict": "ineligible"}},
        {"entry": "02_开源_乙", "files": ["02_开源_乙/page_01.jpg", "02_开源_乙/page_02.jpg"], "kind": "application",
         "defects": [],
         "expected": {
             "track": "open_source_community",
             "applicant": {"name": "乙公司", "uscc": "914403001922038216", "entity_type": "enterprise"},
             "site": {"tenure": None, "lease_start": None, "lease_end": None, "lease_years": None},
             "consortium": [{"name": "乙公司", "uscc": "914403001922038216", "roles": ["lead"]},
                            {"name": "丙中心", "uscc": "x", "roles": ["code_contributor", "application_unit"]}],
             "seals": [{"file": "02_开源_乙/page_02.jpg", "page": 1, "bbox": [0.1, 0.3, 0.3, 0.45], "kind": "oval"}],
             "targets": [{"indicator": "开源项目数量", "value": 12, "unit": "个"}],
             "declared_on": "2026-07-21",
             "checks": [{"rule": "consortium.size", "unit": None, "status": "pass"}],
             "verdict": "eligible"}},
        {"entry": "03_附件4.pdf", "files": ["03_附件4.pdf"], "kind": "recommendation_form", "defects": [],
         "expected": {"track": "recommendation_form", "seals": [{"file": "03_附件4.pdf", "page": 1, "kind": "round",
                                                                 "bbox": [0.6, 0.5, 0.78, 0.63]}],
                      "checks": [{"rule": "district.recommendation", "unit": None, "status": "pass"}],
                      "verdict": None}},
    ],
}


def perfect_reviews() -> list[dict]:
    out = []
    for s in TRUTH["submissions"]:
        e = copy.deepcopy(s["expected"])
        r = {"schema_version": "1", "application_id": s["entry"],
             "source": {"files": [{"path": f, "sha256": "0", "pages": 1} for f in s["files"]]},
             "track": e["track"], "applicant": e.get("applicant"), "site": e.get("site"),
             "consortium": e.get("consortium", []),
             "seals": [{"file": x["file"], "page": x["page"], "bbox": x["bbox"], "kind": x["kind"], "text": "",
                        "matched_unit": None} for x in e["seals"]],
             "targets": e.get("targets", []), "declared_on": e.get("declared_on"),
             "checks": [{"rule": c["rule"], "unit": c["unit"], "status": c["status"], "detail": "", "evidence": []}
                        for c in e["checks"]],
             "verdict": e["verdict"] or "needs_review", "errors": []}
        out.append(r)
    return out


def test_perfect_reviews_score_everything_right():
    res = accuracy.compare(TRUTH, perfect_reviews())
    assert res["coverage"]["with_review"] == 3 and res["coverage"]["ratio"] == 1.0
    assert all(v["accuracy"] == 1.0 for v in res["fields"].values()), res["fields"]
    assert res["seals"]["page"] == {"tp": 3, "fp": 0, "fn": 0, "precision": 1.0, "recall": 1.0}
    assert res["seals"]["straddle"]["recall"] == 1.0
    assert all(v["accuracy"] == 1.0 for v in res["rules"].values())
    assert res["verdict"] == {"correct": 2, "total": 2, "accuracy": 1.0}
    assert res["mismatches"] == []


def test_errors_are_counted_where_they_happen():
    revs = perfect_reviews()
    a, b = revs[0], revs[1]
    a["applicant"]["name"] = "重庆甲科技(重庆)有限公司"  # half-width brackets: same after NFKC
    a["applicant"]["uscc"] = "91500000MA5UA3W180"  # wrong
    a["site"]["lease_years"] = 2.02  # within tolerance
    a["checks"][0]["status"] = "pass"  # missed the short lease
    a["checks"][1]["status"] = "review"  # acceptable for the near miss
    a["verdict"] = "eligible"
    a["seals"] = [s for s in a["seals"] if s["kind"] != "straddle"] + [
        {"file": "01_创新_甲.pdf", "page": 3, "bbox": [0, 0, 0.1, 0.1], "kind": "round"}]  # red heading as seal
    b["consortium"][1]["roles"] = ["code_contributor"]
    b["targets"][0]["value"] = 21
    res = accuracy.compare(TRUTH, revs)
    f = res["fields"]
    assert f["applicant.name"]["correct"] == 2
    assert f["applicant.uscc"]["correct"] == 1
    assert f["site.lease_years"]["accuracy"] == 1.0
    assert f["consortium.members"]["accuracy"] == 1.0 and f["consortium.roles"] == {"correct": 1, "total": 2, "accuracy": 0.5}
    assert f["targets"]["correct"] == 2 and f["targets"]["total"] == 3
    assert res["rules"]["site.lease_term"]["accuracy"] == 0.0
    assert res["rules"]["credit.dishonest_debtor"]["accuracy"] == 1.0
    assert res["seals"]["page"]["fp"] == 1 and res["seals"]["page"]["precision"] == 0.75
    assert res["seals"]["straddle"] == {"tp": 0, "fp": 0, "fn": 2, "precision": None, "recall": 0.0}
    assert res["verdict"]["correct"] == 1
    assert any("site.lease_term" in m for m in res["mismatches"])


def test_fields_split_by_submission_format():
    """Scans (image PDF, TIFF, JPEG folder) and text documents (text-layer PDF, Word) apart, by truth's format."""
    truth = copy.deepcopy(TRUTH)
    truth["submissions"][0]["format"] = "text_pdf"
    truth["submissions"][1]["format"] = "jpeg_folder"
    revs = perfect_reviews()
    revs[1]["consortium"][1]["roles"] = ["code_contributor"]
    revs[1]["targets"][0]["value"] = 21
    res = accuracy.compare(truth, revs)
    by = res["fields_by_format"]
    assert set(by) == {"scan", "text", "text_pdf"}
    assert by["scan"]["consortium.roles"] == {"correct": 1, "total": 2, "accuracy": 0.5}
    assert by["scan"]["targets"] == {"correct": 0, "total": 1, "accuracy": 0.0}
    assert by["text"]["targets"] == by["text_pdf"]["targets"] == {"correct": 2, "total": 2, "accuracy": 1.0}
    assert "site.tenure" not in by["scan"] and by["text"]["site.tenure"]["total"] == 1
    assert res["fields"]["targets"] == {"correct": 2, "total": 3, "accuracy": round(2 / 3, 4)}
    assert any("[jpeg_folder]" in m and "开源项目数量 expected 12个, got 21个" in m for m in res["mismatches"])
    report = accuracy.format_report(res, show_errors=True)
    assert "text_pdf" in report and " 50.0%   1/2" in report


def test_missing_review_counts_as_wrong_and_paths_may_be_prefixed():
    revs = perfect_reviews()
    for f in revs[1]["source"]["files"]:
        f["path"] = "bundle/" + f["path"]
    for s in revs[1]["seals"]:
        s["file"] = "bundle/" + s["file"]
    res = accuracy.compare(TRUTH, revs[1:])
    assert res["coverage"]["with_review"] == 2 and res["coverage"]["ratio"] == round(2 / 3, 4)
    assert res["fields"]["track"] == {"correct": 1, "total": 2, "accuracy": 0.5}
    assert res["seals"]["page"]["fn"] == 1 and res["seals"]["page"]["tp"] == 2
    assert res["rules"]["site.lease_term"]["accuracy"] == 0.0
    assert res["verdict"]["correct"] == 1


def test_cli_reads_review_files(tmp_path, capsys):
    (tmp_path / "truth.json").write_text(json.dumps(TRUTH, ensure_ascii=False), "utf-8")
    for i, r in enumerate(perfect_reviews()):
        d = tmp_path / "out" / f"app{i}"
        d.mkdir(parents=True)
        (d / "review.json").write_text(json.dumps(r, ensure_ascii=False), "utf-8")
    assert accuracy.main([str(tmp_path / "truth.json"), str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert "coverage: 3/3" in out and "verdict: 100.0%" in out


def test_docx_pages_are_mapped_when_the_reader_numbers_embedded_scans_last():
    """Truth numbers a Word file by its page breaks; a reader with 3 text pseudo-pages + 2 scans
    reports the scans as pages 4 and 5."""
    truth = {"submissions": [{
        "entry": "a.docx", "files": ["a.docx"], "kind": "recommendation_form",
        "pages": [{"file": "a.docx", "page": 1, "embedded_image": 1}, {"file": "a.docx", "page": 2, "embedded_image": None},
                  {"file": "a.docx", "page": 3, "embedded_image": 2}],
        "expected": {"seals": [{"file": "a.docx", "page": 1, "kind": "round"}, {"file": "a.docx", "page": 3, "kind": "oval"}],
                     "checks": [], "verdict": None}}]}
    rev = {"source": {"files": [{"path": "a.docx", "pages": 5}]},
           "seals": [{"file": "a.docx", "page": 4, "kind": "round"}, {"file": "a.docx", "page": 2, "kind": "round"}]}
    res = accuracy.compare(truth, [rev])
    assert res["seals"]["page"] == {"tp": 1, "fp": 1, "fn": 1, "precision": 0.5, "recall": 0.5}
    # As many pages read as the truth has: the reader still numbers its scans last (text pseudo-page
    # 1, scans 2 and 3), so the map applies whatever the count (it was skipped when the counts were
    # equal, which scored every seal of such a file as one missed and one false page).
    rev["source"]["files"][0]["pages"] = 3
    rev["seals"] = [{"file": "a.docx", "page": 2, "kind": "round"}, {"file": "a.docx", "page": 3, "kind": "oval"}]
    assert accuracy.compare(truth, [rev])["seals"]["page"] == {"tp": 2, "fp": 0, "fn": 0, "precision": 1.0, "recall": 1.0}
    # A seal on the text pseudo-page is on the truth's one text page (page 2) when the counts agree,
    # and on no truth page when they do not.
    rev["seals"] = [{"file": "a.docx", "page": 1, "kind": "round"}]
    assert accuracy.compare(truth, [rev])["seals"]["page"]["fp"] == 1
    truth["submissions"][0]["expected"]["seals"].append({"file": "a.docx", "page": 2, "kind": "round"})
    assert accuracy.compare(truth, [rev])["seals"]["page"]["tp"] == 1
    rev["source"]["files"][0]["pages"] = 4
    rev["seals"] = [{"file": "a.docx", "page": 1, "kind": "round"}]
    assert accuracy.compare(truth, [rev])["seals"]["page"]["tp"] == 0


def test_fail_and_review_calls_per_rule():
    """Per rule: how often `fail` was right (precision of fail) and `review` was right, and review's share."""
    revs = perfect_reviews()
    a, b = revs[0], revs[1]
    a["checks"][1]["status"] = "review"  # acceptable for the near miss: a right review
    b["checks"][0]["status"] = "fail"  # consortium.size should pass: a wrong fail
    res = accuracy.compare(TRUTH, revs)
    calls = res["rule_calls"]
    assert calls["site.lease_term"]["fail"] == {"given": 1, "right": 1, "precision": 1.0}
    assert calls["credit.dishonest_debtor"]["review"] == {"given": 1, "right": 1, "precision": 1.0, "share": 1.0}
    assert calls["consortium.size"]["fail"] == {"given": 1, "right": 0, "precision": 0.0}
    assert "consortium.size" in accuracy.format_report(res).split("fail and review calls")[1]


def test_targets_compare_by_unit_class_not_letters():
    """名 is 人 and 户 is 家 (rules.yaml unit_classes), 0.03万人 is 300 人; 300 个 is not 300 人."""
    revs = perfect_reviews()
    b = revs[0]
    same = copy.deepcopy(b["targets"])
    for t in b["targets"]:
        t["unit"] = {"家": "户", "人": "名"}.get(t["unit"], t["unit"])
    assert accuracy.compare(TRUTH, revs)["fields"]["targets"]["correct"] == 3
    b["targets"] = copy.deepcopy(same)
    people = next(t for t in b["targets"] if t["unit"] == "人")
    people["value"], people["unit"] = people["value"] / 10000, "万人"
    assert accuracy.compare(TRUTH, revs)["fields"]["targets"]["correct"] == 3
    people["value"], people["unit"] = people["value"] * 10000, "个"
    res = accuracy.compare(TRUTH, revs)
    assert res["fields"]["targets"]["correct"] == 2
    assert any("个" in m for m in res["mismatches"])
