"""Seal detection benchmark on a generated bundle with truth.json (pipeline.samples.generator), or on
a folder of labelled real images.

    .venv/bin/python benchmarks/seal_detection.py OUT_DIR [-v] [--reread]    (OUT_DIR holds bundle/ and truth.json)
    .venv/bin/python benchmarks/seal_detection.py --images DIR              (DIR holds labels.tsv and img/)
    .venv/bin/python benchmarks/seal_detection.py --straddles N [--seed S] [--grey]  (N random 骑缝章 fans)

`--straddles`: N booklets fanned and stamped across the edge as the generator does not (it stamps
the right edge of portrait pages, squared up): a random edge (left/right; top/bottom on landscape
pages), 2–9 pages (slices from half discs to 4 mm slivers), a seal of 38–45 mm, the fan shifted
along the edge by up to ±8 mm a page, scanned with skew, at 150–300 dpi. Prints slice-page recall
and the share of seals joined over exactly their pages (`join_straddles`, text not read). `--grey`:
the pages are stored without colour (an "auto colour" copier's grey pages): found by shape alone,
beside the scanner's dark ground at the skewed pages' edges.

`--images`: labels.tsv has one image a line — file, whole official seals expected, 骑缝章 slices
visible, source, licence, note (tab-separated, # comments). Each image is read as the pipeline reads
an image file (`readers.images.raster`: its dpi when plausible, else estimated) and the detector's
whole seals are counted. Prints one row per image, the share of images with the right count and the
false seals on negatives (images labelled 0). Slices are printed beside, not scored. The real images
are kept in the repository: `--images benchmarks/real_seals` (sources and licences in its README).

Prints
- page-level precision/recall of "this page carries a seal" (a page whose true seals all lie off
  the page — the generator can place one below a long form — counts as unsealed, and is listed);
- straddle (骑缝章) recall: slice pages found, and seals joined over all their pages;
- attribution over the true seals that were found: a unit's seal must name that unit; a seal of a
  party that is not a unit (the lessor on the lease page) must name none of the units. Split by
  the generator's ink fade (0.35 = faint), and "where legible": the generator lays a name out in
  equal angle steps, so on an oval the characters near its ends — where the trade name (字号)
  starts — crowd into each other; seals whose trade-name glyphs are spaced less than 0.6 of their
  size apart (overlapping by almost half) are counted apart (`crowding`);
- seconds per page for detection alone, and per seal for reading.
Pages are rasterised as the readers do: scans at their own dpi, text-layer PDF pages at 100 dpi.
DOCX submissions are skipped (their seals are embedded pictures, not pages) and counted apart.
Attribution here gets the unit names from the truth and no other party's name (the full run also
uses names read off the pages, e.g. the lessor's: `seals.names_on_pages`). Names are scored on what
the reading kept (`SealCandidate.frames`), as the review does; `--reread` reads every crop again
for it instead (the review before frames were kept: the figures must not change).
"""
from __future__ import annotations

import json
import random
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

from pipeline.extract.seals import detect_seals, read_seal, seals_from_candidates
from pipeline.readers import images, pdf


LEGIBLE_CROWDING = 0.6


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


def on_page(ts: dict) -> bool:
    b = ts["bbox"]
    return b[0] < 1 and b[1] < 1 and b[2] > 0 and b[3] > 0 and b[2] > b[0] and b[3] > b[1]


def crowding(shape: str, w_mm: float, h_mm: float, text: str) -> float:
    """How far apart the centres of the trade name's (字号) characters are drawn, over the glyph
    size, as pipeline.samples.seal_art lays the name out (equal angle steps: on an oval the
    characters near its ends crowd together). Below ~0.6 the glyphs overlap by half: not legible."""
    import math

    from pipeline.extract.seals import trade_name_span

    n = len(text)
    if n < 2:
        return 1.0
    if shape == "oval":
        rim = 1.2 * min(w_mm, h_mm) / 30.0
        char = h_mm * 0.17
        rx, ry = w_mm / 2 - 2 * rim - 0.55 * char, h_mm / 2 - 2 * rim - 0.55 * char
        span = min(200.0, 16.0 * n + 20.0)
    else:
        d = w_mm
        rim = d * 1.2 / 42.0
        char = d * 0.15 if n <= 14 else d * 0.15 * 14 / n
        rx = ry = d / 2 - 2 * rim - 0.55 * char
        span = min(250.0, 18.0 * n + 20.0)
    step = span / (n - 1)

    def at(i):
        t = math.radians(-span / 2 + i * step)
        return rx * math.sin(t), -ry * math.cos(t)

    i, j = trade_name_span(text)
    gaps = [math.dist(at(k), at(k + 1)) for k in range(max(0, i - 1), min(n - 1, j))]
    return min(gaps) / char if gaps else 1.0


def seal_marks(truth: dict) -> dict[tuple[str, int, str], tuple[float, float]]:
    """(file, page, unit) → (ink fade, trade-name crowding) the generator drew the seal with
    (render.stamp_seal), so attribution can be split by legibility. Empty when the plan cannot
    be rebuilt."""
    try:
        from pipeline.samples import render as R
        from pipeline.samples.generator import _where, plan_truth

        n_apps = sum(s["kind"] == "application" for s in truth["submissions"])
        plan = plan_truth(truth["seed"], n_apps)
        if plan.truth != truth:
            return {}
        out = {}
        for sub in plan.submissions:
            for i, page in enumerate(sub.pages):
                f, pg = _where(sub.entry, sub.fmt, i)
                for s in page.seals:
                    rng = random.Random(s.ink_seed)
                    rng.choice(R.SEAL_INKS)
                    out[(f, pg, s.unit)] = (rng.choice([0.0, 0.1, 0.2, 0.35]), crowding(s.shape, s.w, s.h, s.unit))
        return out
    except Exception:  # the split is a nicety; the figures above it do not depend on it
        return {}


def main(out_dir: str, verbose: bool = False, reread: bool = False) -> None:
    root = Path(out_dir)
    truth = json.loads((root / "truth.json").read_text(encoding="utf-8"))
    bundle = root / "bundle"
    marks = seal_marks(truth)
    tp = fp = fn = tn = 0
    det_time = read_time = 0.0
    n_pages = n_read = skipped = 0
    off_page = []
    attr: Counter = Counter()
    legibility: Counter = Counter()
    st_pages = st_pages_found = st_seals = st_joined = 0
    misses, wrong = [], []
    for sub in truth["submissions"]:
        if sub["format"] == "docx":
            skipped += len(sub["pages"])
            continue
        units = units_of(sub)
        per_page = []
        seals_true = [ts for ts in sub["expected"]["seals"] if on_page(ts)]
        off_page += [(ts["file"], ts["page"], ts["unit"]) for ts in sub["expected"]["seals"] if not on_page(ts)]
        for p, rp in rasters(bundle, sub):
            t = time.perf_counter()
            cands = detect_seals(rp)
            det_time += time.perf_counter() - t
            n_pages += 1
            t = time.perf_counter()
            for c in cands:
                if c.kind != "edge":
                    r = read_seal(c.crop)
                    c.text, c.text_confidence = r.text, r.confidence
                    c.frames = None if reread else r.frames
                    n_read += 1
            read_time += time.perf_counter() - t
            here = [ts for ts in seals_true if ts["file"] == p["file"] and ts["page"] == p["page"]]
            got, want = bool(cands), bool(here)
            tp += got and want
            fp += got and not want
            fn += want and not got
            tn += not got and not want
            if got != want:
                misses.append((p["file"], p["page"], "FP" if got else "FN", [(c.kind, c.confidence) for c in cands]))
            if any(ts["kind"] == "straddle" for ts in here):
                st_pages += 1
                st_pages_found += any(c.kind == "edge" for c in cands)
            per_page.append((p["file"], p["page"], cands))
        seals = seals_from_candidates(per_page, units)
        done_straddle = False
        for ts in seals_true:
            if ts["kind"] == "straddle":
                if done_straddle:  # the truth lists a straddle once per page it covers
                    continue
                done_straddle = True
                st_seals += 1
                want_pages = list(zip(ts["files"], ts["pages"]))
                hit = [s for s in seals if s.kind == "straddle"
                       and list(zip(s.files or [s.file] * len(s.pages), s.pages)) == want_pages]
                st_joined += bool(hit)
                if not hit:
                    hit = [s for s in seals if s.kind == "straddle" and s.file in ts["files"]]
            else:
                hit = [s for s in seals if s.file == ts["file"] and s.page == ts["page"] and overlap(s.bbox, ts["bbox"])]
            if not hit:
                continue
            party = "unit" if ts["unit"] in units else "other"
            want_name = ts["unit"] if party == "unit" else None
            ok = any(s.matched_unit == want_name for s in hit)
            if ts["kind"] == "straddle":
                fade, crowd = "straddle", 1.0
            else:
                fade, crowd = marks.get((ts["file"], ts["page"], ts["unit"]), ("?", 1.0))
            legible = crowd >= LEGIBLE_CROWDING
            attr[(party, fade, ok)] += 1
            legibility[(legible, ok)] += 1
            if not ok:
                wrong.append((ts["file"], ts["page"], ts["kind"], ts["unit"], f"fade {fade}", f"crowding {crowd:.2f}",
                              [(s.text, s.matched_unit) for s in hit]))
    prec = tp / max(tp + fp, 1)
    rec = tp / max(tp + fn, 1)
    print(f"pages {n_pages} (docx pages skipped: {skipped}); sealed pages {tp + fn}, unsealed {tn + fp}")
    if off_page:
        print(f"true seals lying wholly off their page (not counted): {off_page}")
    print(f"page-level precision {prec:.3f}  recall {rec:.3f}  (TP {tp} FP {fp} FN {fn} TN {tn})")
    print(f"straddle: slice pages found {st_pages_found}/{st_pages}; seals joined over all their pages "
          f"{st_joined}/{st_seals}")
    ok_all = sum(v for k, v in attr.items() if k[2])
    n_all = sum(attr.values())
    print(f"attribution {ok_all}/{n_all} = {ok_all / max(n_all, 1):.3f} of true seals found "
          "(unit seals → that unit; other parties' seals → no unit)")
    for party in ("unit", "other"):
        for fade in sorted({k[1] for k in attr if k[0] == party}, key=str):
            ok = attr[(party, fade, True)]
            n = ok + attr[(party, fade, False)]
            print(f"  {party:5} seals, fade {fade}: {ok}/{n}")
    ok_l, n_l = legibility[(True, True)], legibility[(True, True)] + legibility[(True, False)]
    ok_i, n_i = legibility[(False, True)], legibility[(False, True)] + legibility[(False, False)]
    print(f"attribution where legible (trade-name glyphs spaced >= {LEGIBLE_CROWDING} of their size): "
          f"{ok_l}/{n_l} = {ok_l / max(n_l, 1):.3f}; crowded trade names: {ok_i}/{n_i}")
    print(f"detection {det_time / max(n_pages, 1):.3f} s/page; reading {read_time / max(n_read, 1):.3f} s/seal "
          f"({n_read} seals read)")
    for m in misses:
        print("  miss:", *m)
    if verbose:
        for w in wrong:
            print("  attribution:", *w)


def labelled_images(folder: str) -> None:
    from pipeline.extract.seals import detect_page

    root = Path(folder)
    rows = []
    for line in (root / "labels.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        f, seals, slices, *_ = line.split("\t")
        rows.append((f, int(seals), int(slices)))
    right = false_neg_seals = n_neg = 0
    t_all = 0.0
    print(f"{'image':34} {'px':>11} {'dpi':>4} {'want':>4} {'got':>4} {'slices want/got':>15}  ok")
    for f, want, want_slices in rows:
        r = images.raster(root / "img" / f, f, 0)
        t = time.perf_counter()
        found = detect_page(r)
        t_all += time.perf_counter() - t
        whole = [c for c in found.candidates if c.kind != "edge"]
        edges = [c for c in found.candidates if c.kind == "edge"]
        ok = len(whole) == want
        right += ok
        if want == 0:
            n_neg += 1
            false_neg_seals += len(whole)
        h, w = r.image.shape[:2]
        print(f"{f:34} {w:>5}x{h:<5} {r.dpi:>4} {want:>4} {len(whole):>4} {want_slices:>7}/{len(edges):<7}  "
              f"{'ok' if ok else 'WRONG'}{'' if found.colour == 'colour' else ' (' + found.colour + ')'}")
    n = len(rows)
    print(f"right count on {right}/{n} = {right / max(n, 1):.3f} of images; false seals on the {n_neg} negatives: "
          f"{false_neg_seals}; detection {t_all / max(n, 1):.3f} s/image")


def straddle_fans(n: int, seed: int, grey: bool = False) -> None:
    import io

    from PIL import Image, ImageDraw, ImageFilter

    from pipeline.extract.seals import join_straddles
    from pipeline.ocr.base import RasterPage
    from pipeline.samples import seal_art as sa

    rng = random.Random(seed)
    pages_found = pages_all = joined = 0
    misses = []
    t_det, n_det = 0.0, 0
    for k in range(n):
        dpi = rng.choice([150, 200, 300])
        edge = rng.choice(["left", "right", "top", "bottom"])
        count = rng.randint(2, 9)
        diameter = rng.uniform(38, 45)
        drift = [0.0]
        for _ in range(count - 1):
            drift.append(drift[-1] + rng.uniform(-8, 8))
        w, h = sa.mm_to_px(210, dpi), sa.mm_to_px(297, dpi)
        if edge in ("top", "bottom"):
            w, h = h, w
        pages = []
        for _ in range(count + 1):
            img = Image.new("RGB", (w, h), rng.choice([(248, 246, 238), (240, 238, 232), (236, 236, 236)]))
            d = ImageDraw.Draw(img)
            f = sa.cjk_font(int(dpi * 0.14))
            for i in range(int(h / (dpi * 0.3)) - 4):
                d.text((int(w * 0.1), int(dpi * 0.6) + i * int(dpi * 0.3)), "申报单位承诺所提交的材料真实有效，如有不实愿承担责任。",
                       font=f, fill=(25, 25, 25))
            pages.append(img)
        along = (w if edge in ("top", "bottom") else h) * rng.uniform(0.3, 0.7)
        sa.straddle_slices(pages[1:], int(along), sa.mm_to_px(diameter, dpi), "重庆市星辰软件科技有限公司",
                           rng=rng, edge=edge, offsets=[sa.mm_to_px(o, dpi) for o in drift], fade=rng.choice([0.0, 0.15]))
        per_page = []
        for i, img in enumerate(pages):
            if grey:
                img = img.convert("L").convert("RGB")
            img = img.rotate(rng.uniform(-1.5, 1.5), resample=Image.BICUBIC, fillcolor=(70, 70, 72))
            img = img.filter(ImageFilter.GaussianBlur(0.7 * dpi / 300))
            buf = io.BytesIO()
            img.save(buf, "JPEG", quality=60)
            arr = np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("RGB"))
            t = time.perf_counter()
            cands = detect_seals(RasterPage(file=f"fan{k}.pdf", number=i + 1, image=arr, dpi=dpi))
            t_det += time.perf_counter() - t
            n_det += 1
            per_page.append((f"fan{k}.pdf", i + 1, cands))
            if i:
                pages_all += 1
                pages_found += any(c.kind == "edge" and c.edge == edge for c in cands)
        seals = join_straddles(per_page, read_text=False)
        ok = [s for s, _ in seals if s.kind == "straddle" and s.pages == tuple(range(2, count + 2))]
        joined += bool(ok) and len(seals) == 1
        if not (ok and len(seals) == 1):
            misses.append((k, edge, count, dpi, round(diameter), [round(x) for x in drift],
                           [(s.kind, s.pages) for s, _ in seals]))
    print(f"straddle fans {n} (seed {seed}{', grey' if grey else ''}): slice pages found {pages_found}/{pages_all} = "
          f"{pages_found / max(pages_all, 1):.3f}; seals joined over exactly their pages {joined}/{n} = "
          f"{joined / max(n, 1):.3f}; detection {t_det / max(n_det, 1):.3f} s/page")
    for m in misses:
        print("  miss:", *m)


if __name__ == "__main__":
    if {"-h", "--help"} & set(sys.argv[1:]):
        print(__doc__)
        sys.exit(0)
    if "--straddles" in sys.argv[1:]:
        seed = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else 1
        straddle_fans(int(sys.argv[sys.argv.index("--straddles") + 1]), seed, grey="--grey" in sys.argv[1:])
        sys.exit(0)
    if "--images" in sys.argv[1:]:
        labelled_images(sys.argv[sys.argv.index("--images") + 1])
        sys.exit(0)
    args = [a for a in sys.argv[1:] if a not in ("-v", "--reread")]
    if len(args) != 1:
        sys.exit(__doc__)
    main(args[0], verbose="-v" in sys.argv[1:], reread="--reread" in sys.argv[1:])
