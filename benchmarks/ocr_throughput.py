"""Reader + OCR throughput and accuracy against the raw `tesseract` CLI floor, in one process.

On the same 20 scanned pages (red seals over the signature block, ruled tables, 0.6–1.5° skew,
200 and 300 dpi, JPEG) it prints:
  - raw `tesseract IMG stdout -l chi_sim --psm 3` (OMP_THREAD_LIMIT=1), one process: the floor;
  - our reader + Tesseract engine (`read_document`, engine tesseract, 1 worker): s/page, ratio to
    the floor, CER and exact-line rate for both;
  - the same 20 pages as one image-only PDF with 1 and 2 workers: the speed-up of 2 over 1;
  - a 300-page text-layer PDF: pages per second (no OCR).
Goals (issue 2): ≤1.10x the floor, CER ≤2%, 2 workers ≥1.8x one, text-layer PDFs ≥50 pages/s.

    .venv/bin/python benchmarks/ocr_throughput.py [--pages 20]
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

os.environ["OMP_THREAD_LIMIT"] = "1"
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from PIL import Image  # noqa: E402
from rapidfuzz.distance import Levenshtein  # noqa: E402

from ocr_engines import engine_rows, format_rows  # noqa: E402
from ocr_pages import benchmark_set  # noqa: E402
from pipeline.reading import read_document, shutdown_pools  # noqa: E402


def norm(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def cer(truth: str, got: str) -> float:
    t, g = norm(truth), norm(got)
    return Levenshtein.distance(t, g) / max(len(t), 1)


def exact_lines(truth_lines: list[str], got_lines: list[str]) -> tuple[int, int]:
    got = [norm(g) for g in got_lines]
    hits = sum(1 for t in truth_lines if norm(t) and any(norm(t) in g for g in got))
    return hits, sum(1 for t in truth_lines if norm(t))


def raw_tesseract(path: Path) -> str:
    out = subprocess.run(["tesseract", str(path), "stdout", "-l", "chi_sim", "--psm", "3"],
                         capture_output=True, text=True, check=True, env={**os.environ, "OMP_THREAD_LIMIT": "1"})
    return out.stdout


def text_pdf(path: Path, pages: int) -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("wqy", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", subfontIndex=0))
    c = canvas.Canvas(str(path))
    for i in range(pages):
        c.setFont("wqy", 11)
        for k in range(40):
            c.drawString(60, 780 - k * 18, f"第{i + 1}页 第{k + 1}行 申报单位名称：重庆山城数字科技有限公司 统一社会信用代码：91500000MA5UA3W18Q")
        c.showPage()
    c.save()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=20)
    ap.add_argument("--engines", default="tesseract,rapidocr,cascade",
                    help="engines for the per-engine table (benchmarks/ocr_engines.py); '' skips it")
    args = ap.parse_args()
    samples = benchmark_set(args.pages)
    work = Path(tempfile.mkdtemp(prefix="jiebang-bench-"))
    files = []
    for i, s in enumerate(samples):
        p = work / f"page{i:02d}.jpg"
        Image.fromarray(s.image).save(p, "JPEG", quality=75, dpi=(s.dpi, s.dpi))
        files.append(p)
    truths = ["\n".join(t.text for t in s.lines) for s in samples]
    truth_lines = [[t.text for t in s.lines] for s in samples]
    print(f"{len(files)} pages ({sum(s.dpi == 300 for s in samples)} at 300 dpi, "
          f"{sum(s.dpi == 200 for s in samples)} at 200 dpi, {sum(s.seal_box is not None for s in samples)} sealed)")

    # floor: raw tesseract CLI
    t0 = time.perf_counter()
    raw_out = [raw_tesseract(p) for p in files]
    raw_s = (time.perf_counter() - t0) / len(files)
    raw_cer = sum(cer(t, g) for t, g in zip(truths, raw_out)) / len(files)
    h = [exact_lines(tl, g.splitlines()) for tl, g in zip(truth_lines, raw_out)]
    raw_exact = sum(a for a, _ in h) / sum(b for _, b in h)

    # ours, 1 worker, one file per page (as a folder of JPEG scans)
    t0 = time.perf_counter()
    reads = [read_document(work, p.name, engine="tesseract", workers=1) for p in files]
    ours_s = (time.perf_counter() - t0) / len(files)
    texts = ["\n".join(pg.text for pg in r.document.pages) for r in reads]
    ours_cer = sum(cer(t, g) for t, g in zip(truths, texts)) / len(files)
    h = [exact_lines(tl, g.splitlines()) for tl, g in zip(truth_lines, texts)]
    ours_exact = sum(a for a, _ in h) / sum(b for _, b in h)

    # 1 vs 2 workers on one image-only PDF of the same pages (pool start-up included)
    imgs = [Image.open(p) for p in files]
    imgs[0].save(work / "all.pdf", save_all=True, append_images=imgs[1:], resolution=300)
    timings = {}
    t0 = time.perf_counter()
    # The pool lives for a whole run: start it and load each worker's engines first, as the
    # 1-worker path already has them loaded in this process.
    read_document(work, "all.pdf", engine="tesseract", workers=2, max_pages=2)
    pool_start = time.perf_counter() - t0
    for w in (1, 2):
        t0 = time.perf_counter()
        r = read_document(work, "all.pdf", engine="tesseract", workers=w)
        timings[w] = time.perf_counter() - t0
        assert len(r.document.pages) == len(files), r.document.errors
    shutdown_pools()

    # text-layer PDF
    text_pdf(work / "text.pdf", 300)
    t0 = time.perf_counter()
    r = read_document(work, "text.pdf", engine="tesseract")
    text_pps = len(r.document.pages) / (time.perf_counter() - t0)
    assert r.ocr_pages == 0

    print()
    print(f"{'path':44s} {'s/page':>7s} {'ratio':>6s} {'CER %':>6s} {'exact lines':>11s}")
    print(f"{'raw tesseract CLI (psm 3, JPEG in) — floor':44s} {raw_s:7.2f} {1.0:6.2f} {100 * raw_cer:6.2f} {100 * raw_exact:10.1f}%")
    print(f"{'jiebang reader + tesseract engine':44s} {ours_s:7.2f} {ours_s / raw_s:6.2f} {100 * ours_cer:6.2f} {100 * ours_exact:10.1f}%")
    print()
    print(f"image-only PDF, {len(files)} pages: 1 worker {timings[1]:.1f} s, 2 workers {timings[2]:.1f} s "
          f"→ speed-up {timings[1] / timings[2]:.2f}x (cores: {os.cpu_count()}; "
          f"starting and warming the 2-process pool once per run: {pool_start:.1f} s, not included)")
    print(f"text-layer PDF, 300 pages: {text_pps:.0f} pages/s")
    print()
    print("goals: ratio ≤1.10, CER ≤2%, speed-up ≥1.8x, text layer ≥50 pages/s")
    engines = [e for e in args.engines.split(",") if e]
    if engines:
        print()
        print(f"per engine, on the same {len(samples)} pages (engine.read on each page in this process, no reader):")
        print(format_rows(engine_rows(samples, engines)))
        print("goals (issue 4): cascade CER ≤ RapidOCR's + 0.3 points, exact lines ≥97%, ≤1.3x the tesseract engine")


if __name__ == "__main__":
    main()
