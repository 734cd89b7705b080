"""Time and peak memory (the whole process tree: CLI, page workers, embedded Prefect server) of the
issue-17 hostile cases, each next to one good scanned application, through the real CLI.

    python benchmarks/hostile.py [--workdir DIR] [--workers 2] [--engine cascade]

Cases: a 2,000-page PDF of empty pages, a 2,000-page PDF of blank scans (each page a white image:
every page must be looked at), a 200 × 200-inch page holding a small scan (cropped to it), the same
with scans in two far corners (no crop helps: read at the resolution that fits), and one submission
folder of three ~2,000-page files of blank scans (one page budget for all three). Goal (issue 17):
under 120 s and under 2 GB each on a 2-core machine. Memory is sampled every 0.1 s (RSS summed over
the tree: shared pages count twice, so this over-states a little). Figures taken on a loaded machine
are noisy: the baseline row (the good application alone) is measured in the same run for scale.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.hostile_inputs import good_application, huge_page_pdf, sparse_pdf  # noqa: E402


def tree_rss(proc: psutil.Process) -> int:
    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            total += p.memory_info().rss
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass
    return total


def run(bundle: Path, out: Path, workers: int, engine: str) -> tuple[float, int, int, str]:
    """(seconds, peak bytes, exit code, last stderr line) of one `jiebang run`."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "OMP_THREAD_LIMIT": "1"}
    cmd = [sys.executable, "-m", "pipeline.cli", "run", str(bundle), "--out", str(out), "--no-progress",
           "--workers", str(workers), "--ocr-engine", engine, "--force"]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    ps, peak = psutil.Process(proc.pid), 0
    while proc.poll() is None:
        peak = max(peak, tree_rss(ps))
        time.sleep(0.1)
    seconds = time.perf_counter() - t0
    _, err = proc.communicate()
    return seconds, peak, proc.returncode, (err.strip().splitlines() or [""])[-1][:100]


def _three_long_files(bundle: Path) -> None:
    """One submission of three 2,000-page files: the page and time budgets are the submission's."""
    folder = bundle / "02_三个长文件"
    folder.mkdir()
    sparse_pdf(folder / "1.pdf", 2000, blank_scans=True)
    for name in ("2.pdf", "3.pdf"):  # other bytes, so no read is shared through the cache
        sparse_pdf(folder / name, 1999 if name == "2.pdf" else 1998, blank_scans=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workdir", type=Path, default=None, help="scratch folder (default: a temporary one)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--engine", default="cascade")
    args = ap.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="jiebang-hostile-"))
    work.mkdir(parents=True, exist_ok=True)
    cases = {
        "good application alone (baseline)": lambda b: None,
        "2,000 empty pages": lambda b: sparse_pdf(b / "空白2000页.pdf", 2000),
        "2,000 blank scans": lambda b: sparse_pdf(b / "空白扫描2000页.pdf", 2000, blank_scans=True),
        "200 x 200-inch page": lambda b: huge_page_pdf(b / "巨大页面.pdf", 200),
        "200-inch page, scans in two corners": lambda b: huge_page_pdf(b / "巨大页面两角.pdf", 200, spread=True),
        "folder of 3 x 2,000 blank scans": _three_long_files,
    }
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores "
          f"(other jobs share this machine: times are inflated)")
    print(f"{'case':38} {'seconds':>8} {'peak MB':>8} {'exit':>4}  goal: < 120 s, < 2048 MB")
    base = None
    for k, (name, make) in enumerate(cases.items()):
        folder = work / f"case{k}"
        bundle = folder / "bundle"
        shutil.rmtree(folder, ignore_errors=True)
        good_application(bundle)
        make(bundle)
        seconds, peak, code, last = run(bundle, folder / "out", args.workers, args.engine)
        base = base or seconds
        ok = "ok" if seconds < 120 and peak < 2 << 30 and code == 0 else "OVER"
        print(f"{name:38} {seconds:8.1f} {peak / 2**20:8.0f} {code:4d}  {ok}  x{seconds / base:.2f} baseline"
              + (f"  [{last}]" if code else ""))
    print(f"load average at end: {os.getloadavg()[0]:.1f}")
    if args.workdir is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
