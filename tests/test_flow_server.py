"""Scale-out on loopback: a real `prefect server start` on 127.0.0.1, a process work pool, the
review-bundle deployment and two workers; two bundles, one run each, both finish with sheets."""
from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from flows.loopback import run_loopback


def _docx(path: Path, title: str) -> None:
    from docx import Document

    d = Document()
    d.add_heading(title, 1)
    d.add_paragraph("申报单位名称：重庆某某科技有限公司")
    d.add_paragraph("统一社会信用代码：91500000MA5U6KAX0N")
    d.save(path)


@pytest.mark.slow
@pytest.mark.timeout(400)
def test_server_with_two_workers_runs_each_bundle(tmp_path):
    b1 = tmp_path / "渝北区"
    b1.mkdir()
    _docx(b1 / "01_申报书.docx", "创新创业社区申报书")
    b2 = tmp_path / "巴南区.zip"
    _docx(tmp_path / "x.docx", "开源社区申报书")
    with zipfile.ZipFile(b2, "w") as zf:
        zf.write(tmp_path / "x.docx", "02_开源申报书.docx")
    out_root = tmp_path / "out"

    result = run_loopback([b1, b2], out_root, timeout=300, ocr_engine="tesseract")

    assert list(result["states"].values()) == ["COMPLETED", "COMPLETED"], result
    assert set(result["ran_by"].values()) == {"worker-1", "worker-2"}, result  # each worker took one
    for name in ("渝北区", "巴南区"):
        record = json.loads((out_root / name / "run.json").read_text(encoding="utf-8"))
        assert record["status"] == "completed" and record["submissions"] == 1
        assert list((out_root / name).glob("*/review.json"))
