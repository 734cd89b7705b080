"""Credit lists through the real command line (issue 14): an unusable list stops the run with exit 2
and one line naming the file; a usable one's load report reaches run.json, the console and a sheet
of summary.xlsx."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from PIL import Image

REPO = Path(__file__).resolve().parents[1]


def _cli(*args: str, timeout: int = 900) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO), "OMP_THREAD_LIMIT": "1"}
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *args], capture_output=True, text=True,
                          env=env, timeout=timeout, cwd=REPO)


@pytest.fixture()
def bundle(tmp_path) -> Path:
    b = tmp_path / "bundle"
    b.mkdir()
    Image.new("RGB", (400, 560), "white").save(b / "blank.png")
    return b


@pytest.mark.parametrize("name, content, words", [
    ("no_columns.csv", "序号,金额,备注\n1,2,3\n", "找不到名称列或代码列"),
    ("no_records.csv", "失信被执行人名单（截至2026年7月20日）\n被执行人姓名/名称,统一社会信用代码,执行法院\n注：本期无新增\n",
     "没有读到任何记录"),
])
def test_unusable_credit_list_is_refused_with_exit_2_and_one_line(tmp_path, bundle, name, content, words):
    bad = tmp_path / name
    bad.write_bytes(content.encode("gbk"))
    out = tmp_path / "out"
    r = _cli("run", str(bundle), "--out", str(out), "--credit-list", str(bad))
    assert r.returncode == 2, r.stderr
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and words in lines[0] and str(bad) in lines[0], r.stderr
    assert "Traceback" not in r.stderr + r.stdout
    assert not (out / "summary.xlsx").exists()


def test_load_report_in_run_json_console_and_summary_sheet(tmp_path, bundle):
    debt = tmp_path / "失信被执行人.csv"
    debt.write_bytes(("失信被执行人名单（截至2026年7月20日）\r\n,,,\r\n"
                      "序号,被执行人姓名/名称,统一社会信用代码/组织机构代码,执行法院\r\n"
                      "1,重庆旧名软件有限公司,91500000MA5UA3W18Q,重庆市第五中级人民法院\r\n"
                      "2,重庆某某商贸有限公司,20286320-X,重庆市第一中级人民法院\r\n"
                      "注：以上信息来源于中国执行信息公开网,,,\r\n").encode("gbk"))
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["纳税人名称", "纳税人识别号", "曾用名", "案件性质"])
    ws.append(["重庆(重庆)开源协作有限公司", "500112MA5YRCKP3", "重庆开源旧名有限公司", "偷税"])
    wb.save(tmp_path / "税收.xlsx")
    out = tmp_path / "out"
    r = _cli("run", str(bundle), "--out", str(out), "--credit-list", str(debt), "--credit-list", str(tmp_path / "税收.xlsx"),
             "--ocr-engine", "tesseract")
    assert r.returncode == 0, r.stderr
    record = json.loads((out / "run.json").read_text("utf-8"))
    reps = record["credit_lists"]
    assert [x["kind"] for x in reps] == ["dishonest_debtor", "tax_violation"]
    d = reps[0]
    assert d["records"] == 2 and d["tables"][0]["header_rows"] == [3]
    assert d["tables"][0]["columns"]["codes"] == ["统一社会信用代码/组织机构代码"]
    assert [(s["row"], s["reason"]) for s in d["skipped"]] == [(1, "表头前的标题或说明行"), (6, "说明、合计或标题行")]
    assert reps[1]["tables"][0]["columns"]["former_names"] == ["曾用名"]
    assert "信用名单 失信被执行人.csv：失信被执行人名单 2 条（表头第3行" in r.stdout
    assert "信用名单 税收.xlsx：重大税收违法失信主体名单 1 条" in r.stdout
    sheet = openpyxl.load_workbook(out / "summary.xlsx")["信用名单"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "信用名单文件" and [row[0] for row in rows[1:]] == ["失信被执行人.csv", "税收.xlsx"]
    head = list(rows[0])
    first = dict(zip(head, rows[1]))
    assert first["记录数"] == 2 and "第6行：说明、合计或标题行" in first["跳过的行（行号：原因）"]
    assert first["名称列"] == "被执行人姓名/名称"
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    assert [x["file"] for x in summary["credit_lists"]] == ["失信被执行人.csv", "税收.xlsx"]
