"""Issue 17 through the real command line: hostile and odd input still gets a sheet per submission,
and a run that cannot start says so in one line (exit 2), its traceback in OUT/.jiebang/run.log."""
from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import pytest

from tests.hostile_inputs import (GOOD_NAME, RUN, corrupt_scan_pdf, good_application, gbk_zip, huge_page_pdf,
                                  owner_password_pdfs, review_jsons, run_cli, sparse_pdf)


def _private_tmp(tmp_path: Path) -> dict:
    tmp = tmp_path / "system-tmp"
    tmp.mkdir()
    return {"TMPDIR": str(tmp)}


# ------------------------------------------------------------------ run-level refusals: one line, exit 2

ALIAS_BOMB = "a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
    f"{n}: &{n} [{','.join(['*' + p] * 9)}]\n" for p, n in zip("abcdefg", "bcdefgh"))


def _zip_with_damaged_directory() -> bytes:
    """Passes zipfile.is_zipfile (the end record is intact) but its central directory is broken, so
    only the flow's intake, opening it, finds out: a refusal raised inside the flow."""
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("a.pdf", b"%PDF-1.4 x")
    data = bytearray(buf.getvalue())
    at = data.rfind(b"PK\x01\x02")
    data[at:at + 2] = b"XX"
    return bytes(data)


def _refusals(tmp: Path) -> dict[str, tuple]:
    (tmp / "garbage.csv").write_bytes(bytes(range(256)) * 40)
    (tmp / "empty.csv").write_bytes(b"")
    (tmp / "syntax.yaml").write_text("version: [1, 2\n", encoding="utf-8")
    (tmp / "bomb.yaml").write_text(ALIAS_BOMB, encoding="utf-8")
    (tmp / "types.yaml").write_text("version: 1\nthresholds: 标准\nindicators: 42\n", encoding="utf-8")
    (tmp / "python.yaml").write_text('x: !!python/object/apply:os.system ["echo pwned"]\n', encoding="utf-8")
    (tmp / "notzip.zip").write_bytes(b"PK\x03\x04 this is not really a zip" * 10)
    (tmp / "damaged.zip").write_bytes(_zip_with_damaged_directory())
    bundle = tmp / "bundle"
    bundle.mkdir()
    (bundle / "a.jpg").write_bytes(b"\xff\xd8\xff not much of a jpeg")
    return {
        "garbage credit list": (bundle, "--credit-list", tmp / "garbage.csv"),
        "empty credit list": (bundle, "--credit-list", tmp / "empty.csv"),
        "rules syntax error": (bundle, "--rules", tmp / "syntax.yaml"),
        "rules alias bomb": (bundle, "--rules", tmp / "bomb.yaml"),
        "rules wrong types": (bundle, "--rules", tmp / "types.yaml"),
        "rules python tag": (bundle, "--rules", tmp / "python.yaml"),
        "not a zip": (tmp / "notzip.zip",),
        "damaged zip directory": (tmp / "damaged.zip",),
        "missing bundle": (tmp / "nowhere",),
    }


def test_every_run_level_refusal_is_one_line_and_exit_2(tmp_path):
    env = _private_tmp(tmp_path)
    for case, args in _refusals(tmp_path).items():
        out = tmp_path / f"out-{case.replace(' ', '-')}"
        res = run_cli("run", args[0], "--out", out, *args[1:], *RUN, env=env)
        lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
        assert res.returncode == 2, (case, res.stderr)
        assert len(lines) == 1 and lines[0].startswith("jiebang: "), (case, res.stderr)
        assert "Traceback" not in res.stdout, case
    assert not list((tmp_path / "system-tmp").iterdir())  # nothing left in the temporary folder


def test_refusal_inside_the_flow_logs_the_traceback_under_out(tmp_path):
    env = _private_tmp(tmp_path)
    tmp = tmp_path / "in"
    tmp.mkdir()
    # credit lists and rules files are refused before the flow starts (flows/cli.py _precheck); a zip
    # whose directory is damaged is found only when the flow's intake opens it
    args = _refusals(tmp)["damaged zip directory"]
    out = tmp_path / "out"
    res = run_cli("run", args[0], "--out", out, *args[1:], *RUN, env=env)
    assert res.returncode == 2 and len(res.stderr.strip().splitlines()) == 1
    log = (out / ".jiebang" / "run.log").read_text(encoding="utf-8")
    assert "Traceback" in log and "BadZipFile" in log  # Prefect's failed-flow record, kept for the operator
    verbose = run_cli("run", args[0], "--out", tmp_path / "out2", *args[1:], *RUN, "--verbose", env=env)
    assert verbose.returncode == 2 and "Traceback" in verbose.stderr  # --verbose shows it as before
    assert not list((tmp_path / "system-tmp").iterdir())


# ------------------------------------------------------------------ hostile entries next to a good one


def test_hostile_folder_every_submission_gets_a_sheet(tmp_path):
    bundle = tmp_path / "bundle"
    good_application(bundle)
    pdfs = owner_password_pdfs(bundle)
    sparse_pdf(bundle / "空白2000页.pdf", 2000)
    huge_page_pdf(bundle / "巨大页面.pdf")
    os.mkfifo(bundle / "管道.pdf")
    os.symlink(tmp_path / "nowhere.pdf", bundle / "断开的链接.pdf")
    long_name = "申" * 81 + ".jpg"  # 247 bytes: near the file-system limit
    (bundle / long_name).write_bytes((bundle / "01_好的申报书" / "01.jpg").read_bytes())
    gbk = "重庆丙公司.jpg".encode("gbk")
    with open(os.fsencode(bundle) + b"/" + gbk, "wb") as fh:  # a name that is not UTF-8, as unzip leaves it
        fh.write((bundle / "01_好的申报书" / "01.jpg").read_bytes())
    env = _private_tmp(tmp_path)
    out = tmp_path / "out"

    res = run_cli("run", bundle, "--out", out, *RUN, env=env)
    assert res.returncode == 0, res.stderr
    assert "Traceback" not in res.stderr + res.stdout and not res.stderr.strip()
    reviews = review_jsons(out)
    entries = {"01_好的申报书", *pdfs, "空白2000页.pdf", "巨大页面.pdf", "管道.pdf", "断开的链接.pdf", long_name,
               "重庆丙公司.jpg"}
    assert set(reviews) == entries
    for r in reviews.values():  # the invariant, on every sheet
        assert not r["errors"] or r["verdict"] == "needs_review", r["entry"]

    assert reviews["01_好的申报书"]["applicant"]["name"] == GOOD_NAME
    for name in ("owner_r3.pdf", "owner_r4.pdf", "owner_r6.pdf"):  # read like any PDF, no error
        assert reviews[name]["errors"] == [] and reviews[name]["applicant"]["name"] == GOOD_NAME, name
    assert [e["code"] for e in reviews["user_password.pdf"]["errors"]] == ["encrypted_pdf"]
    blank = reviews["空白2000页.pdf"]
    assert [e["code"] for e in blank["errors"]] == ["too_many_pages"] and blank["verdict"] == "needs_review"
    assert "501–2000" in blank["errors"][0]["message"] and blank["source"]["files"][0]["pages"] == 2000
    assert reviews["巨大页面.pdf"]["applicant"]["name"] == GOOD_NAME  # the scan on the canvas was read
    assert [e["code"] for e in reviews["管道.pdf"]["errors"]] == ["not_a_file"]
    assert "FIFO" in reviews["管道.pdf"]["errors"][0]["message"]
    assert [e["code"] for e in reviews["断开的链接.pdf"]["errors"]] == ["unsafe_entry"]
    assert reviews[long_name]["applicant"]["name"] == GOOD_NAME
    assert reviews["重庆丙公司.jpg"]["applicant"]["name"] == GOOD_NAME
    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert record["renamed_entries"]["重庆丙公司.jpg"] == gbk.decode("ascii", "backslashreplace")  # the bytes
    assert all(len(p.name.encode()) <= 255 for p in out.rglob("*"))
    assert not list((tmp_path / "system-tmp").iterdir())  # no temporary file left behind

    again = run_cli("run", bundle, "--out", out, *RUN, env=env)  # ids are stable: same sheets, up to date
    assert again.returncode == 0 and "已是最新" in again.stdout, again.stdout + again.stderr


def test_gbk_and_cp437_zip_names_decoded_long_ones_shortened(tmp_path):
    z = tmp_path / "申报材料.zip"
    names = gbk_zip(z)
    with zipfile.ZipFile(z) as zf:
        assert not any(i.flag_bits & 0x800 for i in zf.infolist())
    out = tmp_path / "out"
    res = run_cli("run", z, "--out", out, *RUN, env=_private_tmp(tmp_path))
    assert res.returncode == 0 and "Traceback" not in res.stderr, res.stderr
    reviews = review_jsons(out)
    assert len(reviews) == 3 and all(r["errors"] == [] for r in reviews.values()), reviews.keys()
    assert "重庆甲科技有限公司申报书.jpg" in reviews and "Résumé.jpg" in reviews
    long_entry = next(k for k in reviews if k.startswith("很长的名字"))
    assert len(long_entry.encode()) <= 255 and long_entry.endswith(".jpg") and "~" in long_entry
    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    raw_long = names[("很长的名字" * 20) + ".jpg"]
    assert record["renamed_entries"][long_entry] == raw_long.decode("ascii", "backslashreplace")
    assert record["renamed_entries"]["重庆甲科技有限公司申报书.jpg"].startswith("\\x")


def test_time_budget_from_the_limits_file_names_what_was_not_read(tmp_path):
    bundle = tmp_path / "bundle"
    good_application(bundle)
    limits = tmp_path / "limits.yaml"
    limits.write_text("submission_seconds: 0.000001\n", encoding="utf-8")  # nothing can be read in time
    out = tmp_path / "out"
    # one worker: pages queued in a pool while Prefect starts may finish before the deadline is seen
    args = [a if a != "2" else "1" for a in RUN]
    res = run_cli("run", bundle, "--out", out, *args, env={**_private_tmp(tmp_path), "JIEBANG_LIMITS": str(limits)})
    assert res.returncode == 0 and "Traceback" not in res.stderr, res.stderr
    (review,) = review_jsons(out).values()
    codes = {e["code"] for e in review["errors"]}
    assert codes == {"time_budget"} and review["verdict"] == "needs_review"
    assert all("页未读" in e["message"] for e in review["errors"])


def test_decoder_complaints_go_to_the_run_log_with_one_worker(tmp_path):
    """--workers 1 reads pages in the CLI process itself: libjpeg's warnings there go to run.log too."""
    bundle = tmp_path / "bundle"
    good_application(bundle)
    corrupt_scan_pdf(bundle / "02_损坏的扫描.pdf")
    out = tmp_path / "out"
    args = [a if a != "2" else "1" for a in RUN]
    res = run_cli("run", bundle, "--out", out, *args, env=_private_tmp(tmp_path))
    assert res.returncode == 0, res.stderr
    assert not res.stderr.strip(), res.stderr  # nothing on the terminal's stderr
    assert "份申报材料" in res.stdout  # the summary line still reaches the user
    assert "Corrupt JPEG data" in (out / ".jiebang" / "run.log").read_text(encoding="utf-8", errors="replace")
    assert set(review_jsons(out)) == {"01_好的申报书", "02_损坏的扫描.pdf"}
