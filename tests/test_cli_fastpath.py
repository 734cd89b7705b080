"""`jiebang run` on an up-to-date OUT is answered before typer (and so pydantic) is imported
(flows/fastpath.py, issue 18); every command line it does not fully understand goes to typer."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from flows.fastpath import answer_up_to_date, parse_run_args
from flows.uptodate import output_digests, run_signature

REPO = Path(__file__).resolve().parents[1]
RUN_DATE = "2026-07-20"


def _finished_out(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A bundle, a credit list and an OUT holding a completed run of exactly them (as the flow writes it)."""
    bundle, out = tmp_path / "bundle", tmp_path / "out"
    bundle.mkdir()
    (bundle / "a.jpg").write_bytes(b"a scan")
    credit = tmp_path / "失信被执行人名单.csv"
    credit.write_text("被执行人姓名/名称,身份证号码/组织机构代码\n重庆甲公司,91500000MA5U000001\n", encoding="utf-8")
    (out / "a").mkdir(parents=True)
    (out / "a" / "review.json").write_text('{"verdict": "eligible"}', encoding="utf-8")
    (out / "summary.json").write_text("[]", encoding="utf-8")
    record = {"status": "completed", "flow_run_id": "run-1", "finished_at": "2026-07-20T10:00:00+0000",
              "signature": run_signature(bundle, [str(credit)], None, "cascade", RUN_DATE),
              "outputs": output_digests(out), "outcomes": {"a.jpg": {"verdict": "eligible", "application_id": "a"}},
              "submissions": 1, "pages": 1, "cached_files": 0, "files": 1, "pages_per_second": 0.5,
              "timings_s": {"total": 2.0}}
    (out / "run.json").write_text(json.dumps(record), encoding="utf-8")
    return bundle, credit, out


def test_plain_run_options_are_read_and_anything_else_is_left_to_typer():
    a = parse_run_args(["run", "B", "--out", "O", "--credit-list", "c1", "--credit-list=c2", "--workers", "2",
                        "--ocr-engine", "tesseract", "--run-date=2026-07-20", "--no-progress", "--verbose"])
    assert a == {"bundle": Path("B"), "out": Path("O"), "credit_lists": [Path("c1"), Path("c2")], "rules": None,
                 "ocr_engine": "tesseract", "run_date": "2026-07-20"}
    assert parse_run_args(["run", "B", "--out", "O"])["ocr_engine"] == "cascade"
    for argv in (["run", "B"],                                   # no --out: typer says it is missing
                 ["run", "--out", "O"],                          # no bundle
                 ["run", "B", "--out", "O", "--force"],          # the flow runs anyway
                 ["run", "B", "--out", "O", "--help"],
                 ["run", "B", "C", "--out", "O"],                # a second argument
                 ["run", "B", "--out", "O", "--out", "P"],       # a repeated single option
                 ["run", "B", "--out"],                          # an option without its value
                 ["run", "B", "--out", "--no-progress"],
                 ["run", "B", "--out", "O", "--workers", "0"],   # typer refuses < 1
                 ["run", "B", "--out", "O", "--workers", "two"],
                 ["run", "B", "--out", "O", "--rule", "r.yaml"],  # unknown (misspelt) option
                 ["rerun", "B", "--out", "O"], ["--help"], []):
        assert parse_run_args(argv) is None, argv


def test_an_up_to_date_run_is_answered_without_typer_and_says_what_typer_would(tmp_path):
    bundle, credit, out = _finished_out(tmp_path)
    args = ["run", str(bundle), "--out", str(out), "--credit-list", str(credit), "--no-progress", "--run-date", RUN_DATE]
    probe = ("import sys; from pipeline.cli import main; sys.argv = ['jiebang', *sys.argv[1:]]\n"
             "try:\n    main()\nexcept SystemExit as e:\n    code = e.code\n"
             "print('IMPORTED', code, sorted(m for m in ('typer', 'pydantic', 'prefect', 'numpy') if m in sys.modules))")
    res = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True, timeout=60, cwd=REPO)
    *said, imported = res.stdout.strip().splitlines()
    assert imported == "IMPORTED 0 []", res.stdout + res.stderr
    assert "已是最新" in said[1] and "run-1" in said[1]
    from pipeline.cli import app  # the same lines through typer (the old console script's way)

    typer_said = CliRunner().invoke(app, args)
    assert typer_said.exit_code == 0 and typer_said.output.strip().splitlines() == said


def test_anything_not_up_to_date_goes_to_the_full_command(tmp_path, capsys):
    bundle, credit, out = _finished_out(tmp_path)
    args = ["run", str(bundle), "--out", str(out), "--credit-list", str(credit), "--run-date", RUN_DATE]
    assert answer_up_to_date(args)
    capsys.readouterr()
    assert not answer_up_to_date(args[:-1] + ["2026-07-21"])                    # another review date
    assert not answer_up_to_date(args + ["--ocr-engine", "tesseract"])          # another engine
    assert not answer_up_to_date(["run", str(tmp_path / "nowhere"), *args[2:]])  # a missing bundle: typer's refusal
    assert not answer_up_to_date(args + ["--rules", str(tmp_path / "missing.yaml")])
    (out / "a" / "review.json").write_text("{}", encoding="utf-8")                # a sheet changed in OUT
    assert not answer_up_to_date(args)
    assert capsys.readouterr().out == ""


def test_a_console_that_cannot_show_the_answer_leaves_it_to_typer(tmp_path, monkeypatch):
    import io

    bundle, credit, out = _finished_out(tmp_path)
    console = io.TextIOWrapper(io.BytesIO(), encoding="ascii")
    monkeypatch.setattr(sys, "stdout", console)
    assert not answer_up_to_date(["run", str(bundle), "--out", str(out), "--credit-list", str(credit),
                                  "--run-date", RUN_DATE])
    console.flush()
    assert console.buffer.getvalue() == b""
