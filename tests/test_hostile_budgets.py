"""Issue 17, budgets per submission: a folder of many files shares one page budget and one deadline;
a read a budget cut is never taken from the cache as complete. Through the real CLI."""
from __future__ import annotations

import json
import time
from pathlib import Path

from pipeline.budget import allotments, pages_cut
from pipeline.intake import Limits, open_bundle
from tests.hostile_inputs import GOOD_NAME, RUN, good_application, review_jsons, run_cli, sparse_pdf


def _limits(path: Path, pages: int) -> dict:
    path.write_text(f"max_pages: {pages}\n", encoding="utf-8")
    return {"JIEBANG_LIMITS": str(path)}


def test_page_allotments_spend_the_submission_budget_in_file_order():
    counts = {"a": 3, "b": 3, "c": 3, "d": 0}
    assert allotments(["a", "b", "c"], counts.get, 4) == {"a": None, "b": 1, "c": 0}
    assert allotments(["a", "b", "c"], counts.get, 9) == {"a": None, "b": None, "c": None}
    assert allotments(["a"], counts.get, 1) == {"a": None}  # alone: the read's own limit is the budget
    assert allotments(["a", "d", "b"], counts.get, 5) == {"a": None, "d": 2, "b": 2}  # d: count unknown
    assert "均未读" in pages_cut(3, 0, 4, "1–3") and "前面的文件已读 3 页" in pages_cut(3, 1, 4, "2–3")


def test_a_submissions_files_share_one_deadline(tmp_path):
    from flows.read_budget import ReadBudgets
    from pipeline.reading import read_document

    bundle = tmp_path / "bundle"
    for name in ("甲", "乙"):
        (bundle / name).mkdir(parents=True)
        for k in (1, 2):
            sparse_pdf(bundle / name / f"{k}.pdf", 2, blank_scans=k == 2)  # scans need a raster: timed
    b = open_bundle(bundle, tmp_path / "work")
    budgets = ReadBudgets(b, Limits(max_pages=3, submission_seconds=50), tmp_path / "state")
    first = budgets.read_options("甲/1.pdf")
    time.sleep(0.05)
    assert budgets.read_options("甲/2.pdf")["deadline"] == first["deadline"]  # the submission's clock
    assert budgets.read_options("乙/1.pdf")["deadline"] > first["deadline"]  # another submission's own
    assert (first["max_pages"], budgets.read_options("甲/2.pdf")["max_pages"]) == (None, 1)
    # a file handed out after its submission's deadline reads nothing, and says which pages
    late = read_document(b.root, "甲/2.pdf", engine="tesseract", deadline=time.time() - 1, budget_seconds=50)
    (err,) = late.document.errors
    assert err.code == "time_budget" and "第 1–2 页未读" in err.message and "50 秒" in err.message


def test_folder_of_three_pdfs_within_one_page_budget_and_cut_reads_are_read_again(tmp_path):
    bundle = tmp_path / "bundle"
    good_application(bundle)  # two JPEG pages: within any budget here
    (bundle / "02_三个文件").mkdir()
    for name in ("1_申报书.pdf", "2_附件.pdf", "3_附件.pdf"):  # the same bytes: one cached read, three paths
        sparse_pdf(bundle / "02_三个文件" / name, 3)
    out = tmp_path / "out"
    tmp = tmp_path / "system-tmp"
    tmp.mkdir()
    small = {"TMPDIR": str(tmp), **_limits(tmp_path / "small.yaml", 4)}

    res = run_cli("run", bundle, "--out", out, *RUN, env=small)
    assert res.returncode == 0 and "Traceback" not in res.stderr, res.stderr
    reviews = review_jsons(out)
    assert reviews["01_好的申报书"]["errors"] == [] and reviews["01_好的申报书"]["applicant"]["name"] == GOOD_NAME
    three = reviews["02_三个文件"]
    assert three["verdict"] == "needs_review"
    by_file = {e["file"]: e for e in three["errors"]}
    assert set(by_file) == {"02_三个文件/2_附件.pdf", "02_三个文件/3_附件.pdf"}
    assert {e["code"] for e in three["errors"]} == {"too_many_pages"}
    assert "第 2–3 页未读" in by_file["02_三个文件/2_附件.pdf"]["message"]
    assert "4 页" in by_file["02_三个文件/2_附件.pdf"]["message"]
    assert "第 1–3 页均未读" in by_file["02_三个文件/3_附件.pdf"]["message"]
    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert record["budget_cut_files"] == ["02_三个文件/2_附件.pdf", "02_三个文件/3_附件.pdf"]

    # the same budget again: finished reads come from the cache, the cut ones are read again
    again = run_cli("rerun", bundle, "--out", out, "--no-progress", env=small)
    assert again.returncode == 0, again.stderr
    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert (record["cached_files"], record["files"]) == (3, 5)
    assert review_jsons(out)["02_三个文件"]["errors"] == three["errors"]

    # a bigger budget: `jiebang run` sees the change and reads everything; nothing comes from a cut read
    bigger = run_cli("run", bundle, "--out", out, *RUN, env={"TMPDIR": str(tmp), **_limits(tmp_path / "big.yaml", 50)})
    assert bigger.returncode == 0 and "已是最新" not in bigger.stdout, bigger.stderr
    three = review_jsons(out)["02_三个文件"]
    assert three["errors"] == [] and [(f["path"], f["pages"]) for f in three["source"]["files"]] == [
        ("02_三个文件/1_申报书.pdf", 3), ("02_三个文件/2_附件.pdf", 3), ("02_三个文件/3_附件.pdf", 3)]
    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert "budget_cut_files" not in record  # the copies' full read is the first file's, from the cache


def test_a_zip_of_one_submissions_files_shares_the_page_budget(tmp_path):
    """A zip holding one application's folder of files is one submission: one budget for its files."""
    import zipfile

    from flows.read_budget import ReadBudgets

    for k, pages in ((1, 3), (2, 4)):
        sparse_pdf(tmp_path / f"{k}.pdf", pages)
    with zipfile.ZipFile(tmp_path / "申报.zip", "w") as zf:
        for k in (1, 2):
            zf.write(tmp_path / f"{k}.pdf", f"甲公司/{k}.pdf")
    b = open_bundle(tmp_path / "申报.zip", tmp_path / "work")
    assert [s.files for s in b.submissions] == [("甲公司/1.pdf", "甲公司/2.pdf")]
    budgets = ReadBudgets(b, Limits(max_pages=5), tmp_path / "state")
    assert budgets.pages == {"甲公司/1.pdf": None, "甲公司/2.pdf": 2}
