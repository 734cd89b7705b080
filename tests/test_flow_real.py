"""The bundle flow with the real stages on real Prefect (embedded): every submission gets a sheet,
a run that breaks after N reads and is rerun reads only the rest, a hostile zip stays contained.
OCR calls are counted by wrapping the real `read_document` (it still does all the work)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import flows  # noqa: F401
from flows import bundle as fb
from flow_inputs import make_bundle, make_hostile_zip
from pipeline import reading

RUN_DATE = "2026-07-20"


class CountingReader:
    """The real read_document, counted; after `fail_after` successful reads every call crashes."""

    def __init__(self, fail_after: int | None = None):
        self.calls: list[str] = []
        self.done: list[str] = []
        self.fail_after = fail_after

    def __call__(self, root, rel, **kw):
        self.calls.append(rel)
        if self.fail_after is not None and len(self.done) >= self.fail_after:
            raise RuntimeError("OCR worker process failed: injected crash")
        out = reading.read_document(root, rel, **kw)
        self.done.append(rel)
        return out


@pytest.fixture
def counting(monkeypatch):
    def install(fail_after=None):
        c = CountingReader(fail_after)
        monkeypatch.setattr(fb.stages, "read_document", c)
        return c

    monkeypatch.setattr(fb, "READ_RETRY_DELAYS", [0.0, 0.0])
    return install


def _reviews(out: Path) -> dict[str, str]:
    return {p.parent.name: p.read_text(encoding="utf-8") for p in sorted(out.glob("*/review.json"))}


def test_corrupt_file_still_gets_a_sheet_and_rerun_is_all_cached(counting, tmp_path):
    bundle, out = make_bundle(tmp_path / "bundle"), tmp_path / "out"
    c = counting()
    state = fb.run_bundle(bundle, out, workers=2, ocr_engine="tesseract", run_date=RUN_DATE)
    record = state.result()
    assert record["status"] == "completed" and record["submissions"] == 4
    reviews = _reviews(out)
    assert len(reviews) == 4  # no submission dropped
    corrupt = [json.loads(t) for t in reviews.values() if "损坏" in t]
    assert len(corrupt) == 1 and corrupt[0]["verdict"] == "needs_review" and corrupt[0]["errors"]
    assert (out / "summary.json").is_file() and (out / "summary.xlsx").is_file()
    assert sorted(c.calls) == ["01_创新_重庆甲科技有限公司/01.jpg", "01_创新_重庆甲科技有限公司/02.jpg",
                               "02_开源_重庆乙软件有限公司.docx", "03_损坏的申报书.pdf", "04_附件4_渝北区推荐表.jpg"]
    assert record["pages"] >= 4 and record["pages_per_second"] > 0
    assert set(record["timings_s"]) == {"intake", "read", "review", "summary", "total"}
    # every stage of the run accounted for (issue 18): pages read, OCR'd, looked at for seals, reviewed
    st = record["stage_seconds"]
    assert {"startup", "intake", "read", "ocr_tesseract", "seals", "extraction", "checks", "sheets", "summary"} <= set(st)
    assert st["extraction"]["n"] == 3 and st["ocr_tesseract"]["cpu"] > 0  # 3 readable submissions
    assert record["stage_counts"]["pages_ocr"] == st["ocr_tesseract"]["n"] >= 3

    c2 = counting()
    record2 = fb.run_bundle(bundle, out, workers=2, ocr_engine="tesseract", run_date=RUN_DATE).result()
    assert c2.calls == [] and record2["cached_files"] == 5
    assert "ocr_tesseract" not in record2["stage_seconds"]  # nothing read again
    assert _reviews(out) == reviews  # same sheets from the cache


def test_run_broken_after_two_reads_reruns_only_the_rest(counting, tmp_path):
    bundle, out = make_bundle(tmp_path / "bundle"), tmp_path / "out"
    c = counting(fail_after=2)
    state = fb.run_bundle(bundle, out, workers=1, ocr_engine="tesseract", run_date=RUN_DATE)
    record = state.result(raise_on_failure=False)
    assert state.name == "Failed" and record["status"] == "failed" and record["failed_submissions"]
    assert len(_reviews(out)) == 4  # still a sheet for everyone, failures say why
    finished = set(c.done)  # two reader threads: one more read may slip in before the crash
    assert 2 <= len(finished) < 5

    c2 = counting()
    record2 = fb.run_bundle(bundle, out, workers=1, ocr_engine="tesseract", run_date=RUN_DATE).result()
    assert record2["status"] == "completed"
    assert len(c2.calls) == 5 - len(finished) and not finished & set(c2.calls)  # only the unfinished files
    assert record2["cached_files"] == len(finished)


def test_hostile_zip_good_application_reviewed_bad_entries_explained(counting, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    z = make_hostile_zip(tmp_path / "bundle.zip", outside)
    out = tmp_path / "out"
    before = {p for p in tmp_path.rglob("*")}
    counting()
    record = fb.run_bundle(z, out, workers=1, ocr_engine="tesseract", run_date=RUN_DATE).result()
    reviews = {k: json.loads(v) for k, v in _reviews(out).items()}
    assert record["submissions"] == 4 and len(reviews) == 4
    good = [r for r in reviews.values() if any("好的申报单位" in f["path"] for f in r["source"]["files"])]
    assert len(good) == 1 and not any(e.get("code") == "unsafe_entry" for e in good[0]["errors"])
    bad = [r for r in reviews.values() if r is not good[0]]
    for r in bad:
        codes = [e.get("code") for e in r["errors"]]
        assert "unsafe_entry" in codes and r["verdict"] == "needs_review"
    messages = " ".join(e["message"] for r in bad for e in r["errors"])
    assert "../" in messages and "符号链接" in messages and ("压缩炸弹" in messages or "大小" in messages)
    new = {p for p in tmp_path.rglob("*")} - before
    assert all(p == out or p.is_relative_to(out) for p in new)  # nothing outside the output folder
    assert not list(outside.iterdir())
