"""The light RapidOCR path (pipeline/ocr/rapid_light.py: det_light, cls_light, rec_light) against
RapidOCR 3.10.0 itself (JIEBANG_RAPIDOCR=library), on real pages of bundles.

For every OCR page of each bundle the cascade reads the page; each detection it asks for (blocks and
gap regions with `region=True` and the page's dpi, whole pages through rapid_page) is run by both
paths and compared; every `--whole`-th page is also detected whole (`detect_and_read`) upright and
turned 180°. Prints per kind: calls, identical (boxes equal, texts, scores and upside-down verdicts
equal), close (boxes within 1e-3 px, rest equal), different.

    PYTHONPATH=$PWD .venv/bin/python benchmarks/rapid_light_identity.py sample_docs/demo/bundle /work/dev/f2-1521/bundle
"""
from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.ocr import rapid, rapid_page  # noqa: E402
from pipeline.ocr.base import RasterPage  # noqa: E402


def both(fn, *args, **kwargs):
    """(light result, library result) of one call."""
    os.environ.pop("JIEBANG_RAPIDOCR", None)
    new = fn(*args, **kwargs)
    os.environ["JIEBANG_RAPIDOCR"] = "library"
    try:
        old = fn(*args, **kwargs)
    finally:
        os.environ.pop("JIEBANG_RAPIDOCR", None)
    return new, old


def verdict(new, old) -> str:
    (ni, nu), (oi, ou) = new, old
    if nu != ou or len(ni) != len(oi) or any(a[1:] != b[1:] for a, b in zip(ni, oi)):
        return "different"
    if all(np.array_equal(a[0], b[0]) for a, b in zip(ni, oi)):
        return "identical"
    if all(np.allclose(a[0], b[0], atol=1e-3, rtol=0) for a, b in zip(ni, oi)):
        return "close"
    return "different"


def raster_pages(bundle: Path):
    from pipeline.reading.plan import load_raster, plan_document
    from pipeline.readers.sniff import sniff

    for path in sorted(p for p in bundle.rglob("*") if p.is_file()):
        rel = str(path.relative_to(bundle))
        try:
            kind = sniff(path)
            plans, _notes, _total = plan_document(path, rel, kind, 200)
        except Exception as exc:  # noqa: BLE001  (an unreadable file is the pipeline's business, not this check's)
            print(f"  skip {rel}: {type(exc).__name__}", file=sys.stderr)
            continue
        for p in plans:
            if p.page is None and p.raster_ref:
                raster = load_raster(path, rel, p.raster_ref, p.number)
                if raster is not None:
                    yield rel, raster


def main() -> None:
    from pipeline.ocr.cascade import CascadeEngine

    ap = argparse.ArgumentParser()
    ap.add_argument("bundles", nargs="+", type=Path)
    ap.add_argument("--whole", type=int, default=6, help="detect every N-th page whole, upright and turned (0: none)")
    ap.add_argument("--max-pages", type=int, default=0, help="pages per bundle (0: all)")
    args = ap.parse_args()
    total: Counter = Counter()
    for bundle in args.bundles:
        counts: Counter = Counter()
        diffs: list[str] = []

        def record(kind: str, where: str, pair) -> tuple:
            v = verdict(*pair)
            counts[(kind, v)] += 1
            if v == "different":
                diffs.append(f"{kind} {where}")
            return pair[0]

        for n, (rel, raster) in enumerate(raster_pages(bundle)):
            if args.max_pages and n >= args.max_pages:
                break
            where = f"{rel} p{raster.number}"
            eng = CascadeEngine(
                detect=lambda g, region=False, dpi=None, w=where: record("region", w, both(rapid.detect_and_read, g, region=region, dpi=dpi)),
                detect_page=lambda g, w=where: record("page_bands", w, both(rapid_page.detect_and_read_page, g)))
            eng.read(RasterPage(raster.file, raster.number, raster.image, dpi=raster.dpi))
            if args.whole and n % args.whole == 0:
                grey = rapid.ocr_grey(raster.image)
                record("whole", where, both(rapid.detect_and_read, grey))
                record("whole_180", where, both(rapid.detect_and_read, np.ascontiguousarray(grey[::-1, ::-1])))
        print(bundle)
        for (kind, v), c in sorted(counts.items()):
            print(f"  {kind:11s} {v:10s} {c}")
            total[(kind, v)] += c
        for d in diffs[:20]:
            print("  DIFF", d)
    print("total", {f"{k}/{v}": c for (k, v), c in sorted(total.items())})
    print("rapidocr imported by the light path only if 'library' ran:", "rapidocr.main" in sys.modules)


if __name__ == "__main__":
    main()
