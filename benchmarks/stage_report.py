"""The per-stage table of one `jiebang run` against the raw-Tesseract floor of the same benchmark run.

Stages come from run.json `stage_seconds` ({stage: {wall, cpu, n}}; pipeline/ocr/stagetime.py):
page-worker stages are summed over the workers (busy seconds), so they are set against the floor's
CPU (also summed over its processes), and so is each stage's CPU. What no stage holds is split by
process with run.json `process_cpu_s` (flows/bundle.py): the embedded Prefect server (its start-up,
then serving the run), the flow process outside its stages (Prefect's task machinery, result
persistence, planning reads), the page workers outside theirs (start-up imports, pickling pages);
"other" is the rest of the whole tree (after the record: pool and server shutdown, interpreter exit).
"""
from __future__ import annotations

ORDER = ("startup", "models", "intake", "read", "blank_test", "orientation", "ocr_prep", "ocr_tesseract",
         "ocr_cascade", "ocr_rapidocr",
         "ocr_rapidocr_blocks", "ocr_rapidocr_gaps", "ocr_rapidocr_pages", "seals", "extraction", "seals_review", "checks", "sheets", "summary")
GROUPS = {
    "start-up": ("startup", "models"),
    "intake": ("intake",),
    "reading/rendering": ("read", "blank_test"),
    "orientation": ("orientation",),
    "OCR tesseract (+prep)": ("ocr_prep", "ocr_tesseract"),
    "OCR cascade choice": ("ocr_cascade",),
    "OCR rapidocr line crops": ("ocr_rapidocr",),
    "OCR rapidocr blocks": ("ocr_rapidocr_blocks",),
    "OCR rapidocr gap regions": ("ocr_rapidocr_gaps",),
    "OCR rapidocr whole pages": ("ocr_rapidocr_pages",),
    "seals (pages)": ("seals",),
    "extraction": ("extraction",),
    "seals (review)": ("seals_review",),
    "checks": ("checks",),
    "sheets": ("sheets", "summary"),
}


WORKER_STAGES = frozenset({"models", "read", "blank_test", "orientation", "ocr_prep", "ocr_tesseract", "ocr_cascade",
                           "ocr_rapidocr", "ocr_rapidocr_blocks", "ocr_rapidocr_gaps", "ocr_rapidocr_pages", "seals"})
"""Stages timed in the page workers when a run has a page pool (workers > 1); the rest run in the flow process."""


def unstaged_rows(run: dict, stages: dict) -> list[tuple[str, float]]:
    """(label, CPU s) of what no stage holds, by process; the last row is what no process sample holds."""
    proc = (run.get("process_cpu_s") or {}) if run.get("cpu_s") is not None else {}
    rows: list[tuple[str, float]] = []
    if "prefect_server" in proc:
        rows += [("Prefect server: start-up", proc["prefect_server_boot"]),
                 ("Prefect server: serving", proc["prefect_server"] - proc["prefect_server_boot"])]
    if "page_workers" in proc:
        worker = sum(v["cpu"] for k, v in stages.items() if k in WORKER_STAGES)
        rows.append(("page workers, unstaged", proc["page_workers"] - worker))
        flow = sum(v["cpu"] for k, v in stages.items() if k not in WORKER_STAGES)
    else:
        flow = sum(v["cpu"] for v in stages.values())
    if "flow" in proc:
        rows.append(("flow process, unstaged", proc["flow"] - flow))
    if run.get("cpu_s") is not None:
        rows.append(("other (unstaged)" if not rows else "other (after the record)",
                     run["cpu_s"] - sum(v["cpu"] for v in stages.values()) - sum(c for _, c in rows)))
    return rows


def stage_rows(run: dict, floor_cpu: float) -> list[dict]:
    """One row per stage group: busy wall s, CPU s, CPU as % of the floor's CPU; then the unstaged rows."""
    st = run.get("stage_seconds") or {}
    rows, seen = [], set()
    for label, keys in GROUPS.items():
        wall = sum(st.get(k, {}).get("wall", 0.0) for k in keys)
        cpu = sum(st.get(k, {}).get("cpu", 0.0) for k in keys)
        n = sum(st.get(k, {}).get("n", 0) for k in keys)
        seen.update(keys)
        rows.append({"stage": label, "wall_s": round(wall, 2), "cpu_s": round(cpu, 2), "n": n,
                     "cpu_pct_floor": round(100 * cpu / floor_cpu, 1) if floor_cpu else None})
    for k in sorted(set(st) - seen):  # a stage added later still shows
        v = st[k]
        rows.append({"stage": k, "wall_s": round(v["wall"], 2), "cpu_s": round(v["cpu"], 2), "n": v["n"],
                     "cpu_pct_floor": round(100 * v["cpu"] / floor_cpu, 1) if floor_cpu else None})
    if st:
        for label, cpu in unstaged_rows(run, st):
            rows.append({"stage": label, "wall_s": None, "cpu_s": round(cpu, 2), "n": None,
                         "cpu_pct_floor": round(100 * cpu / floor_cpu, 1) if floor_cpu else None})
    return rows


def rapid_share(counts: dict) -> str:
    lines = counts.get("lines", 0)
    sent = counts.get("lines_to_rapid", 0)
    why = ", ".join(f"{k.removeprefix('lines_chosen_')} {v}" for k, v in sorted(counts.items())
                    if k.startswith("lines_chosen_"))
    extra = ", ".join(f"{k.removeprefix('rapid_')} {counts[k]}" for k in ("rapid_crops", "rapid_blocks",
                                                                          "rapid_gap_regions", "rapid_whole_pages")
                      if counts.get(k))
    share = f"{100 * sent / lines:.1f}%" if lines else "-"
    return f"lines to RapidOCR {sent}/{lines} ({share}; chosen for: {why or '-'}; {extra or 'no RapidOCR calls'})"


def format_table(title: str, run: dict, floor_wall: float, floor_cpu: float) -> str:
    out = [f"== {title}: wall {run['wall_s']} s = {run['wall_s'] / floor_wall:.2f}× floor wall; "
           f"CPU {run.get('cpu_s')} s = {run.get('cpu_s', 0) / floor_cpu:.2f}× floor CPU; peak RSS {run['peak_rss_mb']} MB"
           + (f" (PSS {run['peak_pss_mb']} MB)" if run.get("peak_pss_mb") else ""),
           f"   {'stage':24s} {'busy wall s':>11s} {'CPU s':>8s} {'CPU % floor':>11s} {'n':>5s}"]
    for r in stage_rows(run, floor_cpu):
        wall = "" if r["wall_s"] is None else f"{r['wall_s']:.2f}"
        pct = "" if r["cpu_pct_floor"] is None else f"{r['cpu_pct_floor']:.1f}"
        n = "" if r["n"] is None else str(r["n"])
        out.append(f"   {r['stage']:24s} {wall:>11s} {r['cpu_s']:>8.2f} {pct:>11s} {n:>5s}")
    if run.get("peak_by_process_mb"):
        out.append(f"   RSS at the peak by process (MB, summed per role): {run['peak_by_process_mb']}")
    if run.get("cpu_by_process_s"):
        out.append(f"   CPU by process (last sample, own threads): {run['cpu_by_process_s']}")
        server = run["cpu_by_process_s"].get("prefect-server")
        if server is not None and floor_cpu:
            out.append(f"   Prefect server CPU {server:.2f} s = {100 * server / floor_cpu:.1f} % of the floor's CPU")
    counts = run.get("stage_counts") or {}
    if counts:
        out.append("   " + rapid_share(counts))
        out.append(f"   pages OCR'd {counts.get('pages_ocr', 0)}, orientation (OSD) {counts.get('pages_osd', 0)}, "
                   f"rotated {counts.get('pages_rotated', 0)}")
    return "\n".join(out)
