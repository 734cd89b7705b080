"""The bundle flow's own logic on a real (embedded) Prefect: failure isolation, bounded retries,
content-keyed caching across runs. Stage functions are small fakes injected into `flows.bundle.stages`
inside this one test module; the real stages are exercised in tests/test_flow_real.py."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

import flows  # noqa: F401  (Prefect defaults before Prefect is imported)
from flows import bundle as fb
from flows.tasks import READ_RETRIES
from pipeline.model import Document, DocumentError
from pipeline.reading import DocumentRead


class FakeStages:
    """Records every call; `fail_reads` holds files whose OCR 'crashes' until `heal()`."""

    def __init__(self):
        self.reads: list[str] = []
        self.reviews: list[str] = []
        self.fail_reads: set[str] = set()
        self.fail_reviews: set[str] = set()

    def read_document(self, root, rel, *, engine, workers, crops_dir, on_page=None, max_pages=None, deadline=None,
                      page_budget=None):
        self.reads.append(rel)
        assert (Path(root) / rel).is_file()
        errors = ()
        if rel in self.fail_reads:
            errors = (DocumentError(code="ocr_failed", message="Tesseract crashed", file=rel, page=1),)
        return DocumentRead(document=Document(file=rel, sha256="-", kind="jpeg", page_count=1, errors=errors), ocr_pages=1)

    def review_submission(self, entry, reads, *, rules, credit, out_dir, crops_dir, run_date, errors=()):
        self.reviews.append(entry)
        if entry in self.fail_reviews:
            raise ValueError(f"extractor bug on {entry}")
        review = {"application_id": entry.replace("/", "_"), "verdict": "eligible",
                  "files": [r.document.file for r in reads], "errors": [e.code for e in errors]}
        (out_dir / review["application_id"]).mkdir(parents=True, exist_ok=True)
        (out_dir / review["application_id"] / "review.json").write_text(json.dumps(review))
        return review

    def error_submission(self, entry, files, errors, *, out_dir, run_date):
        review = {"application_id": entry.replace("/", "_"), "verdict": "needs_review", "files": list(files),
                  "errors": [e.code for e in errors]}
        (out_dir / review["application_id"]).mkdir(parents=True, exist_ok=True)
        (out_dir / review["application_id"] / "review.json").write_text(json.dumps(review))
        return review

    def finish_bundle(self, out_dir, reviews, *, rules, run_date=None):
        (out_dir / "summary.json").write_text(json.dumps([r["application_id"] for r in reviews]))
        return {}

    def load_context(self, rules_path, credit_lists):
        return {"rules": 1}, {"credit": 1}


@pytest.fixture
def fake(monkeypatch):
    f = FakeStages()
    for name in ("read_document", "review_submission", "error_submission", "finish_bundle", "load_context"):
        monkeypatch.setattr(fb.stages, name, getattr(f, name))
    monkeypatch.setattr(fb, "READ_RETRY_DELAYS", [0.0, 0.0])
    return f


def _bundle(root: Path) -> Path:
    root.mkdir()
    (root / "a.jpg").write_bytes(b"a")
    (root / "b.jpg").write_bytes(b"b")
    (root / "c").mkdir()
    (root / "c" / "1.jpg").write_bytes(b"c1")
    (root / "c" / "2.jpg").write_bytes(b"c2")
    (root / "d.jpg").write_bytes(b"a")  # same bytes as a.jpg: same cache entry
    return root


def test_isolation_retries_and_content_cache(fake, tmp_path):
    bundle, out = _bundle(tmp_path / "bundle"), tmp_path / "out"
    fake.fail_reads = {"b.jpg"}
    fake.fail_reviews = {"c"}

    state = fb.run_bundle(bundle, out, workers=2)
    record = state.result(raise_on_failure=False)
    # every submission got a sheet although one read kept crashing and one review raised
    assert state.name == "Failed" and record["status"] == "failed"
    assert sorted(record["failed_submissions"]) == ["b.jpg", "c"]
    for app in ("a.jpg", "b.jpg", "c", "d.jpg"):
        assert (out / app / "review.json").is_file()
    c = json.loads((out / "c" / "review.json").read_text())
    assert c["verdict"] == "needs_review" and c["errors"] == ["internal_error"]
    b = json.loads((out / "b.jpg" / "review.json").read_text())
    assert b["errors"] == ["ocr_failed"]  # partial read still reviewed, with the reason
    # the crashing file was tried 1 + READ_RETRIES times, every other file once
    assert fake.reads.count("b.jpg") == 1 + READ_RETRIES
    assert sorted(r for r in fake.reads if r != "b.jpg") in (["a.jpg", "c/1.jpg", "c/2.jpg", "d.jpg"],
                                                               ["a.jpg", "c/1.jpg", "c/2.jpg"])
    assert json.loads((out / "summary.json").read_text()) == ["a.jpg", "b.jpg", "c", "d.jpg"]
    saved = json.loads((out / "run.json").read_text())
    assert saved["status"] == "failed" and saved["timings_s"]["total"] > 0 and saved["pages"] == 5

    # rerun after the fault is gone: only the crashed file is read again, finished ones are cached
    fake.reads.clear()
    fake.fail_reads, fake.fail_reviews = set(), set()
    state = fb.run_bundle(bundle, out, workers=2)
    record = state.result()
    assert fake.reads == ["b.jpg"]
    assert record["status"] == "completed" and record["cached_files"] == 4
    assert json.loads((out / "c" / "review.json").read_text())["verdict"] == "eligible"

    # a finished bundle reruns from the cache entirely; a deleted sheet is written again
    fake.reads.clear()
    fake.reviews.clear()
    fb.run_bundle(bundle, out, workers=2).result()
    assert fake.reads == [] and fake.reviews == []
    shutil.rmtree(out / "a.jpg")
    fb.run_bundle(bundle, out, workers=2).result()
    assert fake.reviews == ["a.jpg"] and (out / "a.jpg" / "review.json").is_file()

    # a renamed copy of a file is still a cache hit (content, not path); a changed file is not
    (bundle / "a.jpg").rename(bundle / "a2.jpg")
    (bundle / "b.jpg").write_bytes(b"b changed")
    fake.reads.clear()
    fb.run_bundle(bundle, out, workers=2).result()
    assert fake.reads == ["b.jpg"]


def test_cli_refuses_in_one_line_without_starting_prefect(tmp_path):
    from pipeline.cli import app

    runner = CliRunner()
    res = runner.invoke(app, ["run", str(tmp_path / "missing"), "--out", str(tmp_path / "o")])
    assert res.exit_code == 2
    assert "找不到申报材料包" in res.output and len(res.output.strip().splitlines()) == 1
    (tmp_path / "b").mkdir()
    res = runner.invoke(app, ["run", str(tmp_path / "b"), "--out", str(tmp_path / "o"), "--rules", str(tmp_path / "r.yaml")])
    assert res.exit_code == 2 and "规则文件" in res.output
    res = runner.invoke(app, ["rerun", str(tmp_path / "b"), "--out", str(tmp_path / "o")])
    assert res.exit_code == 2 and "没有运行记录" in res.output


def test_cli_run_and_rerun_with_fake_stages(fake, tmp_path):
    from pipeline.cli import app

    bundle, out = _bundle(tmp_path / "bundle"), tmp_path / "out"
    fake.fail_reviews = {"a.jpg"}
    runner = CliRunner()
    res = runner.invoke(app, ["run", str(bundle), "--out", str(out), "--workers", "2", "--no-progress"])
    assert res.exit_code == 0, res.output  # every submission has a sheet, even the failed one
    assert "4 份申报材料" in res.output and "jiebang rerun" in res.output
    fake.fail_reviews = set()
    fake.reads.clear()
    res = runner.invoke(app, ["rerun", str(bundle), "--out", str(out), "--no-progress"])
    assert res.exit_code == 0, res.output
    assert fake.reads == [] and "5/5 个文件取自缓存" in res.output
    res = runner.invoke(app, ["rerun", str(bundle), "--out", str(out)])
    assert res.exit_code == 0 and "无需重跑" in res.output


def test_run_of_an_up_to_date_out_skips_the_flow_and_any_change_runs_it(fake, tmp_path):
    from pipeline.cli import app

    bundle, out = _bundle(tmp_path / "bundle"), tmp_path / "out"
    runner = CliRunner()
    args = ["run", str(bundle), "--out", str(out), "--no-progress", "--run-date", "2026-07-20"]

    def run_id():
        return json.loads((out / "run.json").read_text(encoding="utf-8"))["flow_run_id"]

    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    first = run_id()
    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert record["signature"] and "summary.json" in record["outputs"] and "a.jpg/review.json" in record["outputs"]
    # Same bundle, settings and date, sheets intact: nothing runs, not even the flow.
    fake.reads.clear(), fake.reviews.clear()
    res = runner.invoke(app, args)
    assert res.exit_code == 0 and "已是最新" in res.output and "4 份申报材料" in res.output
    assert fake.reads == [] and fake.reviews == [] and run_id() == first
    # A sheet deleted from OUT: the flow runs and rewrites it; every read comes from the cache.
    (out / "b.jpg" / "review.json").unlink()
    res = runner.invoke(app, args)
    assert res.exit_code == 0 and "已是最新" not in res.output
    assert run_id() != first and fake.reads == [] and (out / "b.jpg" / "review.json").is_file()
    # A changed file: only it is read again.
    second = run_id()
    (bundle / "b.jpg").write_bytes(b"b, rescanned")
    res = runner.invoke(app, args)
    assert res.exit_code == 0 and run_id() != second and fake.reads == ["b.jpg"]
    # Another review date changes the sheets: the flow runs.
    fake.reads.clear()
    res = runner.invoke(app, args[:-1] + ["2026-07-21"])
    assert res.exit_code == 0 and "已是最新" not in res.output and fake.reads == []
    # --force runs the flow even when up to date (reads still cached).
    third = run_id()
    res = runner.invoke(app, args[:-1] + ["2026-07-21", "--force"])
    assert res.exit_code == 0 and run_id() != third and fake.reads == []


def test_an_up_to_date_run_does_not_parse_its_credit_lists_again(fake, tmp_path, monkeypatch):
    """Up to date means the same credit-list bytes as a completed run (issue 18: probing them was
    most of an up-to-date rerun's time); a changed list is parsed, and refused when it is no list."""
    from pipeline.checks import credit_read
    from pipeline.cli import app

    bundle, out = _bundle(tmp_path / "bundle"), tmp_path / "out"
    credit = tmp_path / "失信被执行人名单.csv"
    shutil.copy(Path(__file__).resolve().parent.parent / "sample_docs/demo/credit/失信被执行人名单.csv", credit)
    args = ["run", str(bundle), "--out", str(out), "--no-progress", "--run-date", "2026-07-20", "--credit-list", str(credit)]
    runner = CliRunner()
    assert runner.invoke(app, args).exit_code == 0
    probed = []
    real = credit_read.probe_credit_list
    monkeypatch.setattr(credit_read, "probe_credit_list", lambda p: probed.append(p) or real(p))
    res = runner.invoke(app, args)
    assert res.exit_code == 0 and "已是最新" in res.output and probed == []
    credit.write_text("说明\n无\n", encoding="utf-8")  # changed, and no name or code column
    res = runner.invoke(app, args)
    assert res.exit_code == 2 and probed == [credit]


def test_reviews_run_while_later_files_are_still_read(fake, tmp_path, monkeypatch):
    """Reads go in a sliding window, so a finished submission's review does not wait for every read
    (all reads submitted up front queued every review behind them)."""
    import time

    from pipeline.cli import app

    events: list[str] = []
    read, review = fake.read_document, fake.review_submission

    def slow_read(root, rel, **kw):
        events.append(f"read {rel}")  # when the read starts
        # a.jpg reads at once, the others take 1.5 s: the window's third read starts with a's review,
        # and the last read waits for a slow one, so a's review has 1.5 s to start before it (no race
        # between two reads finishing together). All reads submitted up front would start the last
        # read as soon as a.jpg frees its thread, ahead of a's review.
        time.sleep(0.02 if rel == "a.jpg" else 1.5)
        return read(root, rel, **kw)

    def logged_review(entry, reads, **kw):
        events.append(f"review {entry}")
        return review(entry, reads, **kw)

    monkeypatch.setattr(fb.stages, "read_document", slow_read)
    monkeypatch.setattr(fb.stages, "review_submission", logged_review)
    bundle, out = _bundle(tmp_path / "bundle"), tmp_path / "out"
    res = CliRunner().invoke(app, ["run", str(bundle), "--out", str(out), "--workers", "1", "--no-progress"])
    assert res.exit_code == 0, res.output
    # the first review starts before the last file's read has even started
    first_review = next(i for i, e in enumerate(events) if e.startswith("review"))
    last_read = max(i for i, e in enumerate(events) if e.startswith("read"))
    assert first_review < last_read, events


def test_review_inputs_are_opaque_to_prefect_only_on_the_thread_runner():
    """Reads, rules and credit lists are passed quoted (Prefect would walk every word of every page for
    each review); on Dask the quote would arrive as a bare tuple, so there they go as they are."""
    from prefect import flow
    from prefect.task_runners import ThreadPoolTaskRunner
    from prefect.utilities.annotations import quote

    @flow(task_runner=ThreadPoolTaskRunner(max_workers=1))
    def threaded():
        return fb._opaque([1, 2])

    assert isinstance(threaded(), quote)
    assert fb._opaque([1, 2]) == [1, 2]  # no flow: nothing to quote for


def test_the_flow_lets_a_submissions_reads_go_once_its_review_is_done(fake, tmp_path, monkeypatch):
    """Every page's words and boxes stay in the flow only while their submission is in progress: kept
    to the end of the run (by the flow, and by Prefect's in-memory result store), a 247-page bundle's
    reads were ~27 MB of the flow process (issue 18: memory bounded by page size, not bundle size).
    All reads but the last are quick; by the last submission's review the others' reads are gone —
    but one: Prefect's events client keeps the context of the task run that started it."""
    import gc
    import time
    import weakref

    from pipeline.cli import app

    read, review = fake.read_document, fake.review_submission
    made: dict[str, weakref.ref] = {}
    alive: list[list[str]] = []

    def tracked_read(root, rel, **kw):
        time.sleep(1.5 if rel == "z.jpg" else 0.02)
        got = read(root, rel, **kw)
        made.setdefault(rel, weakref.ref(got))
        return got

    def last_review_looks(entry, reads, **kw):
        if entry == "z.jpg":
            time.sleep(0.3)  # the flow lets the finished ones go as z.jpg's read comes in
            gc.collect()
            alive.append(sorted(rel for rel, ref in made.items() if rel != "z.jpg" and ref() is not None))
        return review(entry, reads, **kw)

    monkeypatch.setattr(fb.stages, "read_document", tracked_read)
    monkeypatch.setattr(fb.stages, "review_submission", last_review_looks)
    bundle, out = _bundle(tmp_path / "bundle"), tmp_path / "out"
    (bundle / "d.jpg").write_bytes(b"d")  # a read of its own (not a.jpg's cache entry)
    (bundle / "z.jpg").write_bytes(b"z")
    res = CliRunner().invoke(app, ["run", str(bundle), "--out", str(out), "--workers", "1", "--no-progress"])
    assert res.exit_code == 0, res.output
    assert len(made) == 6 and len(alive) == 1
    assert len(alive[0]) <= 1, alive  # all five were alive before
    assert json.loads((out / "c" / "review.json").read_text())["files"] == ["c/1.jpg", "c/2.jpg"]
