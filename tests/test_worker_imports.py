"""A page worker loads what reading a page needs, not every extractor (issue 18: ~0.1 s CPU a worker)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_a_page_workers_imports_leave_the_extractors_out_and_the_extract_api_still_answers():
    script = ("import sys\n"
              "import pipeline.reading.pool, pipeline.reading.page, pipeline.extract.seals.read\n"
              "from pipeline.reading.page import _engine\n"
              "_engine('tesseract')\n"
              "print(sorted(m for m in ('cn2an', 'pipeline.extract.consortium', 'pipeline.extract.targets',\n"
              "                         'pipeline.extract.application') if m in sys.modules))\n"
              "from pipeline.extract import extract_facts, IndicatorSpec\n"
              "print(extract_facts.__module__, IndicatorSpec.__name__)\n")
    res = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert res.returncode == 0, res.stderr
    loaded, api = res.stdout.splitlines()
    assert loaded == "[]"
    assert api == "pipeline.extract.application IndicatorSpec"
