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
Prints a table and writes results JSON. Goals (issue 18): tesseract ≤ 1.15× floor, cascade ≤ 1.35×,
rerun ≥ 100×, peak memory ≤ 1.2 GB (summed RSS, the goal's measure; summed PSS, which counts a
library's pages shared by the workers once, is printed beside it).

Every second accounted for (issue 18): the floor and each run are timed in wall AND CPU (user+sys of
the whole process tree, from getrusage of waited-for children), and each run's per-stage wall/CPU
and counters (run.json `stage_seconds`, `stage_counts`) are printed against the floor of the same
run (`benchmarks/stage_report.py`). The machine may be shared: CPU shares hold under load, wall
ratios do not; the load average at start and end is printed. `--baseline REF` runs the same runs
with the code of a git ref, interleaved with the working tree's (base, candidate, base, …).
"""
from __future__ import annotations

import argparse
import json
import os
import resource
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
sys.path.insert(0, str(REPO / "benchmarks"))
import stage_report  # noqa: E402
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


def children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def tesseract_floor(images: list[Path], workers: int) -> tuple[float, float]:
    """(wall s, CPU s) of raw tesseract on every page."""
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}

    def one(img: Path) -> None:
        subprocess.run(["tesseract", str(img), "stdout", "-l", "chi_sim", "--psm", "3"], env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)

    t, c = time.perf_counter(), children_cpu()
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(one, images))
    return time.perf_counter() - t, children_cpu() - c


def process_role(p: psutil.Process) -> str:
    """'cli' (the flow), 'prefect-server', 'page-worker', 'tesseract' or the program name."""
    try:
        cmd = " ".join(p.cmdline())
    except psutil.Error:
        return "?"
    if "pipeline.cli" in cmd:
        return "cli"
    if "tesseract" in cmd.split(" ")[0]:
        return "tesseract"
    if "multiprocessing" in cmd or "spawn_main" in cmd:
        return "page-worker"
    if "prefect" in cmd or "uvicorn" in cmd or "_server_child" in cmd:
        return "prefect-server"
    return (p.name() or "?")[:20]


def _pss(p: psutil.Process, rss: int) -> int:
    """The process's PSS (Linux smaps_rollup), its RSS where that cannot be read."""
    try:
        return p.memory_full_info().pss
    except (psutil.Error, AttributeError):
        return rss


class PeakRss:
    """Peak summed RSS of a process and all its descendants, sampled every 0.2 s; and each process's
    last-seen CPU seconds (user+sys, its own threads), by role, to say where unstaged CPU goes."""

    def __init__(self, pid: int):
        self.proc, self.peak, self._stop = psutil.Process(pid), 0, threading.Event()
        self.peak_pss = 0  # proportional set size: a shared library's pages counted once over the tree
        self.at_peak: list[tuple[str, int]] = []
        self.cpu: dict[int, tuple[str, float]] = {}
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                procs = [self.proc, *self.proc.children(recursive=True)]
                rss, pss, parts = 0, 0, []
                cmd = {}
                for p in procs:
                    try:
                        cmd[p.pid] = p.cmdline()
                    except psutil.Error:
                        pass
                for p in procs:
                    try:
                        if p.pid != self.proc.pid and cmd.get(p.pid) == cmd.get(p.ppid()):
                            # forked and not yet exec'd (a worker starting tesseract): its pages are the
                            # parent's; every process here is spawned, so none runs as its parent's copy
                            continue
                        m = p.memory_info().rss
                        rss += m
                        pss += _pss(p, m)
                        name = " ".join(p.cmdline()[1:4])[-60:]
                        parts.append((name, round(m / 2**20), process_role(p)))
                        t = p.cpu_times()
                        self.cpu[p.pid] = (process_role(p), t.user + t.system)
                    except psutil.Error:
                        pass
                if rss > self.peak:
                    self.peak, self.at_peak = rss, parts
                self.peak_pss = max(self.peak_pss, pss)
            except psutil.Error:
                pass
            time.sleep(0.2)

    def cpu_by_role(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for role, sec in self.cpu.values():
            out[role] = round(out.get(role, 0.0) + sec, 2)
        return out

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
    t, c = time.perf_counter(), children_cpu()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=cwd)
    mon = PeakRss(proc.pid)
    stdout, stderr = proc.communicate()
    wall = time.perf_counter() - t
    cpu = children_cpu() - c
    peak = mon.stop()
    peak_pss = mon.peak_pss
    breakdown = sorted(([name, mb] for name, mb, _ in mon.at_peak), key=lambda x: -x[1])
    peak_by_role: dict[str, int] = {}
    for _, mb, role in mon.at_peak:
        peak_by_role[role] = peak_by_role.get(role, 0) + mb
    by_role = mon.cpu_by_role()
    record = {}
    if (out / "run.json").is_file():
        record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    return {"wall_s": round(wall, 2), "cpu_s": round(cpu, 2), "cpu_by_process_s": by_role, "exit": proc.returncode, "peak_rss_mb": round(peak / 2**20), "peak_pss_mb": round(peak_pss / 2**20), "peak_breakdown_mb": breakdown,
            "peak_by_process_mb": peak_by_role,
            "flow_total_s": record.get("timings_s", {}).get("total"), "timings_s": record.get("timings_s"),
            "stage_seconds": record.get("stage_seconds"), "stage_counts": record.get("stage_counts"),
            "process_cpu_s": record.get("process_cpu_s"),
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


def freeze_code(dest: Path, ref: str | None) -> Path:
    """pipeline/ and flows/ as in the working tree (ref None) or at a git ref, copied to dest."""
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    if ref is None:
        for pkg in ("pipeline", "flows"):
            shutil.copytree(REPO / pkg, dest / pkg, ignore=shutil.ignore_patterns("__pycache__"))
    else:
        tar = subprocess.run(["git", "-C", str(REPO), "archive", ref, "pipeline", "flows"], capture_output=True, check=True)
        subprocess.run(["tar", "-x", "-C", str(dest)], input=tar.stdout, check=True)
    return dest


def engine_runs(bundle: Path, out: Path, credit: list[Path], engine: str, workers: int, env: dict, snap: Path,
                floor: float, floor_cpu: float) -> dict:
    """First run into a fresh OUT, the up-to-date rerun, the forced (cached) rerun through Prefect."""
    shutil.rmtree(out, ignore_errors=True)
    first = jiebang_run(bundle, out, credit, engine, workers, env, cwd=snap)
    # A rerun of the finished bundle: `jiebang run` sees OUT is up to date and skips the flow.
    rerun = jiebang_run(bundle, out, credit, engine, workers, env, cwd=snap)
    # The same through Prefect (--force): every read and review comes from the content cache.
    forced = jiebang_run(bundle, out, credit, engine, workers, env, extra=("--force",), cwd=snap)
    return {"first": first, "cached_rerun": rerun, "forced_cached_rerun": forced,
            "x_floor": round(first["wall_s"] / floor, 2), "x_floor_cpu": round(first["cpu_s"] / floor_cpu, 2),
            "stages": stage_report.stage_rows(first, floor_cpu),
            "rerun_speedup": round(first["wall_s"] / rerun["wall_s"], 1),
            "forced_rerun_speedup": round(first["wall_s"] / forced["wall_s"], 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--apps", type=int, default=16)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--engines", default="tesseract,cascade")
    ap.add_argument("--ocrmypdf", action="store_true", help="pip-install ocrmypdf into a temp venv if missing")
    ap.add_argument("--keep", type=Path, help="work folder to keep (default: temporary)")
    ap.add_argument("--bundle", type=Path, help="an existing generated folder (bundle/ + credit/) instead of generating")
    ap.add_argument("--json", type=Path, default=Path("bundle_throughput.json"))
    ap.add_argument("--baseline", help="a git ref whose code runs too, interleaved with the working tree's")
    args = ap.parse_args()

    tmp = (args.keep or Path(tempfile.mkdtemp(prefix="jiebang-bench-"))).resolve()
    tmp.mkdir(parents=True, exist_ok=True)
    results: dict = {"workers": args.workers, "cpus": os.cpu_count(), "load_at_start": os.getloadavg()}
    gen = (args.bundle or tmp / "gen").resolve()  # the runs start in the frozen code copy
    if not (gen / "bundle").is_dir():
        t = time.perf_counter()
        generate(gen, args.apps)
        results["generate_s"] = round(time.perf_counter() - t, 1)
    bundle = gen / "bundle"
    credit = sorted((gen / "credit").iterdir())
    images = page_images(bundle, tmp / "pages")
    results["scanned_pages"] = len(images)
    print(f"{len(images)} scanned pages in {bundle}", file=sys.stderr)

    floor, floor_cpu = tesseract_floor(images, args.workers)
    results["floor_s"], results["floor_cpu_s"] = round(floor, 2), round(floor_cpu, 2)
    print(f"tesseract floor: {floor:.1f} s wall, {floor_cpu:.1f} s CPU", file=sys.stderr)

    codes = {"candidate": freeze_code(tmp / "code", None)}  # edits during the benchmark must not change cache keys
    if args.baseline:
        codes = {"baseline": freeze_code(tmp / "code-base", args.baseline), **codes}
    results["runs"] = {}
    for engine in args.engines.split(","):
        for label, snap in codes.items():  # interleaved: baseline then candidate, per engine
            env = {**os.environ, "PREFECT_HOME": str(tmp / "prefect"), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
                   "OMP_THREAD_LIMIT": "1", "PYTHONPATH": str(snap)}
            warm = tmp / "warm"  # the first flow in a fresh PREFECT_HOME also creates the database, and each
            if not (tmp / f"warm-out-{label}").is_dir():  # code's first server start may note it: not timed
                warm.mkdir(exist_ok=True)
                jiebang_run(warm, tmp / f"warm-out-{label}", [], "tesseract", 1, env, cwd=snap)
            key = engine if label == "candidate" else f"{engine}@{label}"
            results["runs"][key] = r = engine_runs(bundle, tmp / f"out-{key}", credit, engine, args.workers, env, snap,
                                                   floor, floor_cpu)
            print(stage_report.format_table(key, r["first"], floor, floor_cpu), file=sys.stderr)
            print(f"   rerun {r['cached_rerun']['wall_s']} s ({r['rerun_speedup']}×); forced rerun through Prefect "
                  f"{r['forced_cached_rerun']['wall_s']} s ({r['forced_rerun_speedup']}×, "
                  f"{r['forced_cached_rerun']['cached_files']} files cached); load {os.getloadavg()[0]:.1f}",
                  file=sys.stderr)

    results["ocrmypdf_s"] = ocrmypdf_time(images, args.workers, tmp, args.ocrmypdf)
    if results["ocrmypdf_s"]:
        results["ocrmypdf_x_floor"] = round(results["ocrmypdf_s"] / floor, 2)
    results["load_at_end"] = os.getloadavg()
    args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    print(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
