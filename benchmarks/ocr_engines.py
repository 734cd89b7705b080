"""OCR engines compared on rendered scanned form pages: seconds per page, CER, exact lines.

Rows: raw `tesseract` CLI (the floor: no preprocessing, file path in, text out), the tesseract
engine, rapidocr, and cascade variants. Pages come from benchmarks/ocr_pages.py (label：value
lines, a ruled table, a red seal over the signature block, 200/300 dpi, skew, noise, JPEG);
truth is the black text only.

Metrics:
- CER: Levenshtein distance / truth length, page text after NFKC and whitespace removal
  (full/half-width punctuation is not an error; line order is part of the text).
- exact lines: share of truth lines whose NFKC, whitespace-free text occurs verbatim in the page
  text (so a table row read cell by cell still counts when every cell is right and in order).
- s/page: wall clock, and CPU seconds of this process plus its children (tesseract), which is
  steadier on a shared machine. "x CLI" is the wall-time ratio to the raw CLI.

Page sets: `forms` (default; every page a sealed form with a ruled table: the worst case for the
cascade, nearly every line is a key fact) and `booklet` (3 form pages in 10, the rest running text
from the notice, like a booklet's 实施方案 pages).

Usage: .venv/bin/python benchmarks/ocr_engines.py [--pages 10] [--set forms|booklet]
                                                  [--engines tesseract,rapidocr,cascade]
`engine_rows(pages, engines)` is the function benchmarks/ocr_throughput.py can call.
"""
from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

os.environ.setdefault("OMP_THREAD_LIMIT", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PIL import Image  # noqa: E402
from rapidfuzz.distance import Levenshtein  # noqa: E402

from benchmarks.ocr_pages import SamplePage, benchmark_set, booklet_set  # noqa: E402
from pipeline.ocr.base import RasterPage, get_engine  # noqa: E402

ENGINES = {
    "tesseract": ("tesseract", {}),
    "rapidocr": ("rapidocr", {}),
    "cascade": ("cascade", {}),
    "cascade-lines": ("cascade", {"windows": False}),
    "cascade-allcells": ("cascade", {"table_cells": "all"}),
    "cascade-lean": ("cascade", {"tables": False}),
    "cascade-lowconf": ("cascade", {"key_facts": False, "tables": False}),
}


def norm(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def score(truth: SamplePage, text: str) -> tuple[int, int, int, int]:
    """(edit distance, truth chars, exact truth lines, truth lines)."""
    want = norm("".join(t.text for t in truth.lines))
    got = norm(text)
    exact = sum(norm(t.text) in got for t in truth.lines)
    return Levenshtein.distance(want, got), len(want), exact, len(truth.lines)


def _cpu() -> float:
    me = resource.getrusage(resource.RUSAGE_SELF)
    ch = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + ch.ru_utime + ch.ru_stime


def run_cli(pages: list[SamplePage], workdir: str) -> dict:
    """Raw `tesseract FILE stdout -l chi_sim --psm 3` on the page JPEGs (written beforehand)."""
    paths = []
    for n, p in enumerate(pages):
        path = os.path.join(workdir, f"page{n:02d}.jpg")
        Image.fromarray(p.image).save(path, quality=95)
        paths.append(path)
    dist = chars = exact = total = 0
    wall = cpu = 0.0
    for p, path in zip(pages, paths):
        c0, t0 = _cpu(), time.perf_counter()
        out = subprocess.run(["tesseract", path, "stdout", "-l", "chi_sim", "--psm", "3"], capture_output=True,
                             text=True, env=dict(os.environ, OMP_THREAD_LIMIT="1"), check=True).stdout
        wall += time.perf_counter() - t0
        cpu += _cpu() - c0
        d, c, e, t = score(p, out)
        dist, chars, exact, total = dist + d, chars + c, exact + e, total + t
    return {"engine": "tesseract CLI (raw)", "s_page": wall / len(pages), "cpu_page": cpu / len(pages),
            "cer": 100.0 * dist / chars, "exact": 100.0 * exact / total}


def run_engine(label: str, pages: list[SamplePage]) -> dict:
    name, options = ENGINES[label]
    engine = get_engine(name, **options)
    if name in ("rapidocr", "cascade"):
        from pipeline.ocr.rapid import ocr_instance

        ocr_instance()  # model load is once per process, not per page
    dist = chars = exact = total = 0
    wall = cpu = 0.0
    crops = 0
    for n, p in enumerate(pages):
        raster = RasterPage(f"page{n:02d}.jpg", n + 1, p.image, dpi=p.dpi)
        c0, t0 = _cpu(), time.perf_counter()
        page = engine.read(raster)
        wall += time.perf_counter() - t0
        cpu += _cpu() - c0
        d, c, e, t = score(p, page.text)
        dist, chars, exact, total = dist + d, chars + c, exact + e, total + t
        crops += sum(1 for ln in page.lines if "rapidocr" in ln.engine) if name == "cascade" else 0
    row = {"engine": label, "s_page": wall / len(pages), "cpu_page": cpu / len(pages),
           "cer": 100.0 * dist / chars, "exact": 100.0 * exact / total}
    if name == "cascade":
        row["rapid_lines_page"] = crops / len(pages)
    return row


def engine_rows(pages: list[SamplePage], engines: list[str]) -> list[dict]:
    """One row per engine (raw CLI first); ratios to the CLI and to the tesseract engine added."""
    with tempfile.TemporaryDirectory(prefix="jiebang-ocr-engines-") as tmp:
        rows = [run_cli(pages, tmp)]
    rows += [run_engine(e, pages) for e in engines]
    cli = rows[0]["s_page"]
    tess = next((r for r in rows if r["engine"] == "tesseract"), None)
    for r in rows:
        r["x_cli"] = r["s_page"] / cli
        if tess:
            r["x_tess_cpu"] = r["cpu_page"] / tess["cpu_page"]
    return rows


def format_rows(rows: list[dict]) -> str:
    head = "| engine | s/page (wall) | CPU s/page | x CLI (wall) | x tesseract (CPU) | CER % | exact lines % | RapidOCR lines/page |"
    out = [head, "|" + "---|" * 8]
    for r in rows:
        out.append(f"| {r['engine']} | {r['s_page']:.2f} | {r['cpu_page']:.2f} | {r['x_cli']:.2f} | "
                   f"{r.get('x_tess_cpu', float('nan')):.2f} | {r['cer']:.2f} | {r['exact']:.1f} | "
                   f"{r.get('rapid_lines_page', ''):{'.1f' if 'rapid_lines_page' in r else ''}} |")
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pages", type=int, default=10)
    ap.add_argument("--engines", default="tesseract,rapidocr,cascade,cascade-lean,cascade-lowconf")
    ap.add_argument("--set", choices=["forms", "booklet"], default="forms",
                    help="forms: every page a sealed form with a table; booklet: 3 form pages in 10, the rest prose")
    args = ap.parse_args()
    t0 = time.perf_counter()
    pages = benchmark_set(args.pages) if args.set == "forms" else booklet_set(args.pages)
    print(f"rendered {len(pages)} pages in {time.perf_counter() - t0:.1f} s "
          f"({sum(p.dpi == 300 for p in pages)} at 300 dpi, {sum(p.dpi == 200 for p in pages)} at 200 dpi; "
          f"{sum(len(p.lines) for p in pages)} truth lines)", flush=True)
    rows = engine_rows(pages, [e for e in args.engines.split(",") if e])
    print(format_rows(rows))


if __name__ == "__main__":
    main()
