"""Tesseract through its library in this process (pipeline/ocr/tess_api.py) against the CLI per page.

    python benchmarks/tesseract_api.py BUNDLE [BUNDLE ...] [--pages N]

Every page the pipeline would OCR in the bundles (folders of submissions), read by `TesseractEngine`
both ways in turn, interleaved: CPU seconds of each way (this process and its children: the CLI's
tesseract processes), and how many pages came out identical (lines, word boxes, confidences, the
rotation found, rulings). Issue 18: the CLI's process start and model load per page.
"""
from __future__ import annotations

import argparse
import os
import resource
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def cpu() -> float:
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def ocr_pages(bundles: list[Path], limit: int | None):
    """(file, page number, RasterPage) of every scanned page the pipeline would OCR."""
    import tempfile

    from pipeline.intake import open_bundle
    from pipeline.readers.sniff import sniff
    from pipeline.reading import MAX_PAGES, load_raster, plan_document

    n = 0
    for root in bundles:
        b = open_bundle(root, Path(tempfile.mkdtemp(prefix="jiebang-tess-api-")))
        for sub in b.submissions:
            for rel in sub.files:
                path = b.root / rel
                try:
                    plans, _notes, _total = plan_document(path, rel, sniff(path), MAX_PAGES)
                except Exception:
                    continue
                for p in plans:
                    if (p.page is not None and not p.seal_only) or p.seal_only or not p.raster_ref:
                        continue
                    raster = load_raster(path, rel, p.raster_ref, p.number)
                    if raster is None:
                        continue
                    yield rel, p.number, raster
                    n += 1
                    if limit and n >= limit:
                        return


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("bundles", nargs="+", type=Path)
    ap.add_argument("--pages", type=int, help="stop after this many pages")
    args = ap.parse_args()
    from pipeline.ocr.tesseract import TesseractEngine

    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    engine = TesseractEngine()
    spent = {"cli": 0.0, "api": 0.0}
    pages = same = 0
    for rel, number, raster in ocr_pages(args.bundles, args.pages):
        got = {}
        for way in ("cli", "api"):
            os.environ["JIEBANG_TESSERACT"] = way
            start = cpu()
            got[way] = engine.read(raster)
            spent[way] += cpu() - start
        pages += 1
        same += got["api"] == got["cli"]
        if got["api"] != got["cli"]:
            print(f"differs: {rel} p{number}", file=sys.stderr)
    print(f"{pages} pages, identical {same}; CPU s: CLI {spent['cli']:.2f}, library {spent['api']:.2f} "
          f"({spent['api'] / spent['cli']:.2f}×, {(spent['cli'] - spent['api']) / max(pages, 1):.3f} s a page less)")


if __name__ == "__main__":
    main()
