"""Page OCR fanned out over a Dask LocalCluster (prefect-dask) gives the same review sheets as the
local thread-pool run of the same bundle."""
from __future__ import annotations

from pathlib import Path

import pytest

import flows  # noqa: F401
from flows import bundle as fb
from flow_inputs import make_bundle

RUN_DATE = "2026-07-20"


def _reviews(out: Path) -> dict[str, str]:
    return {p.parent.name: p.read_text(encoding="utf-8") for p in sorted(out.glob("*/review.json"))}


@pytest.mark.timeout(400)
def test_dask_local_cluster_matches_local_run(tmp_path):
    bundle = make_bundle(tmp_path / "bundle")
    local = fb.run_bundle(bundle, tmp_path / "local", workers=2, ocr_engine="tesseract", run_date=RUN_DATE).result()
    dask = fb.run_bundle(bundle, tmp_path / "dask", workers=2, ocr_engine="tesseract", run_date=RUN_DATE,
                         dask_address="local").result()
    assert local["status"] == dask["status"] == "completed"
    assert dask["cached_files"] == 0  # really read on the Dask workers, not taken from a cache
    assert dask["parameters"]["page_workers"] == 1
    a, b = _reviews(tmp_path / "local"), _reviews(tmp_path / "dask")
    assert len(a) == 4 and a == b
