"""Whole-pipeline throughput of `jiebang run` against the raw Tesseract floor (and OCRmyPDF).

    python benchmarks/bundle_throughput.py [--apps 16] [--workers N] [--engines tesseract,cascade]
                                           [--ocrmypdf] [--keep DIR]

On a generated bundle (pipeline.samples.generator, ≥100 scanned pages by default), in one run:
1. the floor: raw `tesseract IMG stdout -l chi_sim --psm 3` on the same page images (the pages the
   pipeline would OCR), OMP_THREAD_LIMIT=1, one process per core;
2. `jiebang run` (OCR, extraction, seals, checks, sheets; a fresh process and OUT) per engine,
   with the peak RSS of its whole process tree, then the cached rerun into the same OUT;
3. optionally `ocrmypdf -l chi_sim --jobs N` on one PDF of the same pages (needs `ocrmypdf` on PATH
   or `--ocrmypdf` to pip-install it into a temporary venv).
Prints a table and writes results JSON. Goals (issue 9): tesseract ≤ 1.15× floor, cascade ≤ 1.4×,
peak memory < 1.5 GB.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
RUN_DATE = "2026-07-20"


def generate(dest: Path, apps: int) -> Path:
    from pipeline.samples.generator import generate_bundle

    generate_bundle(dest, n_applications=apps, n_credit_rows=300)
    return dest


def page_images(bundle: Path, dest: Path) -> list[Path]:
    """Every page the pipeline would OCR, as a PNG (written before any timing starts)."""
    import cv2

    from pipeline.intake import open_bundle
    from pipeline.readers.sniff import sniff
    from pipeline.reading import MAX_PAGES, load_raster, plan_document

    dest.mkdir(parents=True, exist_ok=True)
    out = []
    b = open_bundle(bundle, dest / "_work")
    for sub in b.submissions:
        for rel in sub.files:
            path = b.root / rel
            plans, _notes, _total = plan_document(path, rel, sniff(path), MAX_PAGES)
            for p in plans:
                if p.page is not None and not p.seal_only:
                    continue  # text layer: no OCR
                r = load_raster(path, rel, p.raster_ref, p.number)
                if r is None:
                    continue
                f = dest / f"{len(out):04d}.png"
                cv2.imwrite(str(f), cv2.cvtColor(r.image, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_PNG_COMPRESSION, 1])
                out.append(f)
    return out


def tesseract_floor(images: list[Path], workers: int) -> float:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}

    def one(img: Path) -> None:
        subprocess.run(["tesseract", str(img), "stdout", "-l", "chi_sim", "--psm", "3"], env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)

    t = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(one, images))
    return time.perf_counter() - t


class PeakRss:
    """Peak summed RSS of a process and all its descendants, sampled every 0.2 s."""

    def __init__(self, pid: int):
        self.proc, self.peak, self._stop = psutil.Process(pid), 0, threading.Event()
        self.at_peak: list[tuple[str, int]] = []
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                procs = [self.proc, *self.proc.children(recursive=True)]
                rss, parts = 0, []
                for p in procs:
                    try:
                        m = p.memory_info().rss
                        rss += m
                        parts.append((" ".join(p.cmdline()[1:4])[-60:], round(m / 2**20)))
                    except psutil.Error:
                        pass
                if rss > self.peak:
                    self.peak, self.at_peak = rss, parts
            except psutil.Error:
                pass
            time.sleep(0.2)

    def stop(self) -> int:
        self._stop.set()
        self._t.join()
        return self.peak


def jiebang_run(bundle: Path, out: Path, credit: list[Path], engine: str, workers: int, env: dict,
                extra: tuple[str, ...] = (), cwd: Path | None = None) -> dict:
    """`python -m pipeline.cli run …` in `cwd` (with -m the working folder comes first on sys.path:
    run it in the frozen code copy, or the working tree's code is what runs)."""
    cmd = [sys.executable, "-m", "pipeline.cli", "run", str(bundle), "--out", str(out), "--workers", str(workers),
           "--ocr-engine", engine, "--run-date", RUN_DATE, "--no-progress", *extra]
    for c in credit:
        cmd += ["--credit-list", str(c)]
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=cwd)
    mon = PeakRss(proc.pid)
    stdout, stderr = proc.communicate()
    wall = time.perf_counter() - t
    peak = mon.stop()
    breakdown = sorted(mon.at_peak, key=lambda x: -x[1])
    record = {}
    if (out / "run.json").is_file():
        record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    return {"wall_s": round(wall, 2), "exit": proc.returncode, "peak_rss_mb": round(peak / 2**20), "peak_breakdown_mb": breakdown,
            "flow_total_s": record.get("timings_s", {}).get("total"), "timings_s": record.get("timings_s"),
            "pages": record.get("pages"), "cached_files": record.get("cached_files"),
            "stdout": stdout.strip()[-300:], "stderr": stderr.strip()[-300:]}


def ocrmypdf_time(images: list[Path], workers: int, tmp: Path, install: bool) -> float | None:
    exe = shutil.which("ocrmypdf")
    if exe is None and install:
        venv = tmp / "ocrmypdf-venv"
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        r = subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "ocrmypdf"], capture_output=True, text=True)
        exe = str(venv / "bin" / "ocrmypdf") if r.returncode == 0 else None
    if exe is None:
        return None
    from PIL import Image

    pdf = tmp / "pages.pdf"
    imgs = [Image.open(p).convert("RGB") for p in images]
    imgs[0].save(pdf, save_all=True, append_images=imgs[1:], resolution=300)
    t = time.perf_counter()
    r = subprocess.run([exe, "-l", "chi_sim", "--jobs", str(workers), "--output-type", "pdf", "--force-ocr",
                        str(pdf), str(tmp / "ocrmypdf-out.pdf")], capture_output=True, text=True,
                       env={**os.environ, "OMP_THREAD_LIMIT": "1"})
    took = time.perf_counter() - t
    return round(took, 2) if r.returncode == 0 else None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--apps", type=int, default=16)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--engines", default="tesseract,cascade")
    ap.add_argument("--ocrmypdf", action="store_true", help="pip-install ocrmypdf into a temp venv if missing")
    ap.add_argument("--keep", type=Path, help="work folder to keep (default: temporary)")
    ap.add_argument("--bundle", type=Path, help="an existing generated folder (bundle/ + credit/) instead of generating")
    ap.add_argument("--json", type=Path, default=Path("bundle_throughput.json"))
    args = ap.parse_args()

    tmp = args.keep or Path(tempfile.mkdtemp(prefix="jiebang-bench-"))
    tmp.mkdir(parents=True, exist_ok=True)
    results: dict = {"workers": args.workers, "cpus": os.cpu_count(), "load_at_start": os.getloadavg()}
    gen = args.bundle or tmp / "gen"
    if not (gen / "bundle").is_dir():
        t = time.perf_counter()
        generate(gen, args.apps)
        results["generate_s"] = round(time.perf_counter() - t, 1)
    bundle = gen / "bundle"
    credit = sorted((gen / "credit").iterdir())
    images = page_images(bundle, tmp / "pages")
    results["scanned_pages"] = len(images)
    print(f"{len(images)} scanned pages in {bundle}", file=sys.stderr)

    floor = tesseract_floor(images, args.workers)
    results["floor_s"] = round(floor, 2)
    print(f"tesseract floor: {floor:.1f} s", file=sys.stderr)

    # a frozen copy of the code: edits in the working tree during the benchmark must not change cache keys
    snap = tmp / "code"
    shutil.rmtree(snap, ignore_errors=True)
    for pkg in ("pipeline", "flows"):
        shutil.copytree(REPO / pkg, snap / pkg, ignore=shutil.ignore_patterns("__pycache__"))
    env = {**os.environ, "PREFECT_HOME": str(tmp / "prefect"), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "OMP_THREAD_LIMIT": "1", "PYTHONPATH": str(snap)}
    warm = tmp / "warm"  # the first flow in a fresh PREFECT_HOME also creates the database: not timed
    warm.mkdir(exist_ok=True)
    jiebang_run(warm, tmp / "warm-out", [], "tesseract", 1, env, cwd=snap)

    results["runs"] = {}
    for engine in args.engines.split(","):
        out = tmp / f"out-{engine}"
        shutil.rmtree(out, ignore_errors=True)
        first = jiebang_run(bundle, out, credit, engine, args.workers, env, cwd=snap)
        # A rerun of the finished bundle: `jiebang run` sees OUT is up to date and skips the flow.
        rerun = jiebang_run(bundle, out, credit, engine, args.workers, env, cwd=snap)
        # The same through Prefect (--force): every read and review comes from the content cache.
        forced = jiebang_run(bundle, out, credit, engine, args.workers, env, extra=("--force",), cwd=snap)
        results["runs"][engine] = {"first": first, "cached_rerun": rerun, "forced_cached_rerun": forced,
                                   "x_floor": round(first["wall_s"] / floor, 2),
                                   "rerun_speedup": round(first["wall_s"] / rerun["wall_s"], 1),
                                   "forced_rerun_speedup": round(first["wall_s"] / forced["wall_s"], 1)}
        print(f"{engine}: {first['wall_s']} s ({first['wall_s'] / floor:.2f}× floor), peak {first['peak_rss_mb']} MB "
              f"(at peak: {first['peak_breakdown_mb'][:4]}); rerun {rerun['wall_s']} s "
              f"({first['wall_s'] / rerun['wall_s']:.1f}×), forced rerun through Prefect {forced['wall_s']} s "
              f"({first['wall_s'] / forced['wall_s']:.1f}×, flow {forced['flow_total_s']} s, "
              f"{forced['cached_files']} files cached)", file=sys.stderr)

    results["ocrmypdf_s"] = ocrmypdf_time(images, args.workers, tmp, args.ocrmypdf)
    if results["ocrmypdf_s"]:
        results["ocrmypdf_x_floor"] = round(results["ocrmypdf_s"] / floor, 2)
    results["load_at_end"] = os.getloadavg()
    args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    print(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
