"""Seal detection benchmark on a generated bundle with truth.json (pipeline.samples.generator).

    .venv/bin/python benchmarks/seal_detection.py OUT_DIR      (OUT_DIR holds bundle/ and truth.json)

Prints page-level precision/recall of "this page carries a seal", seal-to-unit attribution over
the true seals that were found, and seconds per page for detection alone and for reading.
Pages are rasterised as the readers do: scans at their own dpi, text-layer PDF pages at 100 dpi.
DOCX submissions are skipped (their seals are embedded pictures, not pages) and counted apart.
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from pipeline.extract.seals import detect_seals, read_seal_text, seals_from_candidates
from pipeline.readers import images, pdf


def rasters(bundle: Path, sub: dict):
    fmt = sub["format"]
    if fmt in ("tiff", "jpeg_folder"):
        for p in sub["pages"]:
            yield p, images.raster(bundle / p["file"], p["file"], p["page"] - 1)
    elif fmt in ("image_pdf", "text_pdf"):
        rel = sub["files"][0]
        doc, _ = pdf.open_pdf(bundle / rel, rel)
        for p in sub["pages"]:
            dpi = pdf.RENDER_DPI if fmt == "image_pdf" else pdf.SEAL_RENDER_DPI
            yield p, pdf.raster(doc, p["page"] - 1, rel, dpi=dpi)


def units_of(sub: dict) -> list[str]:
    e = sub["expected"]
    names = []
    if isinstance(e.get("applicant"), dict):
        names.append(e["applicant"]["name"])
    names += [m["name"] for m in e.get("consortium", [])]
    if e.get("authority"):
        names.append(e["authority"])
    return names


def overlap(a, b) -> bool:
    return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])


def main(out_dir: str) -> None:
    root = Path(out_dir)
    truth = json.loads((root / "truth.json").read_text(encoding="utf-8"))
    bundle = root / "bundle"
    tp = fp = fn = tn = 0
    det_time = read_time = 0.0
    n_pages = n_read = skipped = 0
    attributed = attributable = 0
    misses = []
    for sub in truth["submissions"]:
        if sub["format"] == "docx":
            skipped += len(sub["pages"])
            continue
        per_page = []
        for p, rp in rasters(bundle, sub):
            t = time.perf_counter()
            cands = detect_seals(rp)
            det_time += time.perf_counter() - t
            n_pages += 1
            t = time.perf_counter()
            for c in cands:
                if c.kind != "edge":
                    c.text, c.text_confidence = read_seal_text(c.crop)
                    n_read += 1
            read_time += time.perf_counter() - t
            got, want = bool(cands), p["has_seal"]
            tp += got and want
            fp += got and not want
            fn += want and not got
            tn += not got and not want
            if got != want:
                misses.append((p["file"], p["page"], "FP" if got else "FN", [(c.kind, c.confidence) for c in cands]))
            per_page.append((p["file"], p["page"], cands))
        seals = seals_from_candidates(per_page, units_of(sub))
        for ts in sub["expected"]["seals"]:
            if ts["kind"] == "straddle":
                hit = [s for s in seals if s.kind == "straddle" and s.file == ts["file"] and ts["page"] in s.pages]
            else:
                hit = [s for s in seals if s.file == ts["file"] and s.page == ts["page"] and overlap(s.bbox, ts["bbox"])]
            if not hit:
                continue
            attributable += 1
            attributed += any(s.matched_unit == ts["unit"] for s in hit)
    prec = tp / max(tp + fp, 1)
    rec = tp / max(tp + fn, 1)
    print(f"pages {n_pages} (docx pages skipped: {skipped}); sealed pages {tp + fn}, unsealed {tn + fp}")
    print(f"page-level precision {prec:.3f}  recall {rec:.3f}  (TP {tp} FP {fp} FN {fn} TN {tn})")
    print(f"attribution {attributed}/{attributable} = {attributed / max(attributable, 1):.3f} of true seals found")
    print(f"detection {det_time / max(n_pages, 1):.3f} s/page; reading {read_time / max(n_read, 1):.3f} s/seal "
          f"({n_read} seals read)")
    for m in misses:
        print("  miss:", *m)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
