"""From per-page seal candidates to the application's `Seal`s and `SealPlace`s.

- `join_straddles`: edge slices on consecutive pages of one file, same edge, same height, same
  ink, are one 骑缝章; its slices laid side by side again give a disc whose text can be read.
- `attribute`: whose seal is it — rapidfuzz of the read text against the unit names, after the
  words every Chongqing company shares (重庆, 有限公司, 科技…) are removed, with a margin over
  the runner-up so a partial read never picks between two similar names by chance.
- `associate_places`: lines that ask for a seal (申报单位（盖章）…) and the seal stamped there.
Pure functions apart from `save_crop`.
"""
from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import cv2
import numpy as np
from rapidfuzz import fuzz

from pipeline.extract.seals.detect import SealCandidate, detect_seals, settings
from pipeline.facts import Seal, SealPlace
from pipeline.model import Page
from pipeline.ocr.base import RasterPage

PerPage = tuple[str, int, list[SealCandidate]]
"""(file, page number, that page's candidates) as the reader collects them."""


# --------------------------------------------------------------------------- 骑缝章


def _slice_y_mm(c: SealCandidate) -> float:
    return c.center[1] * c.page_size_mm[1]


def _next_page(a: SealCandidate, b: SealCandidate, order: dict) -> bool:
    """b is on the page right after a: same file and page + 1, or the next file of one folder."""
    if a.file == b.file:
        return b.page == a.page + 1
    pa, pb = Path(a.file).parent, Path(b.file).parent
    return str(pa) not in ("", ".") and pa == pb and order[(b.file, b.page)] == order[(a.file, a.page)] + 1


def _chains(edges: list[SealCandidate], tol_mm: float, order: dict) -> list[list[SealCandidate]]:
    """Greedy chains of slices on consecutive pages with matching edge, height and ink."""
    edges = sorted(edges, key=lambda c: (order[(c.file, c.page)], c.center[1]))
    chains: list[list[SealCandidate]] = []
    for c in edges:
        best = None
        for ch in chains:
            last = ch[-1]
            if (last.edge == c.edge and _next_page(last, c, order)
                    and abs(_slice_y_mm(last) - _slice_y_mm(c)) <= tol_mm
                    and min(abs(last.hue - c.hue), 180 - abs(last.hue - c.hue)) <= 10):
                d = abs(_slice_y_mm(last) - _slice_y_mm(c))
                if best is None or d < best[0]:
                    best = (d, ch)
        if best:
            best[1].append(c)
        else:
            chains.append([c])
    return chains


def stitch_slices(parts: list[SealCandidate]) -> np.ndarray | None:
    """Lay the slices' crops side by side again (page order = left to right on a right edge,
    right to left on a left edge), aligned by their height on the page."""
    crops = [p for p in parts if p.crop is not None and p.crop.size]
    if not crops:
        return None
    if crops[0].edge == "left":
        crops = crops[::-1]
    # page pixels per page fraction (pages of one file share a size)
    tops = [p.bbox[1] * p.page_size_mm[1] for p in crops]
    ppm = crops[0].crop.shape[0] / max((crops[0].bbox[3] - crops[0].bbox[1]) * crops[0].page_size_mm[1], 1e-6)
    y0 = min(tops)
    height = max(int(round((t - y0) * ppm)) + p.crop.shape[0] for t, p in zip(tops, crops))
    width = sum(p.crop.shape[1] for p in crops)
    canvas = np.full((height, width, 3), 255, np.uint8)
    x = 0
    for t, p in zip(tops, crops):
        dy = int(round((t - y0) * ppm))
        h, w = p.crop.shape[:2]
        canvas[dy:dy + h, x:x + w] = p.crop[: height - dy]
        x += w
    return canvas


def join_straddles(per_page: Sequence[PerPage], *, read_text: bool = True) -> list[tuple[Seal, np.ndarray | None]]:
    """One `Seal(kind="straddle")` per chain of edge slices, with the stitched crop.

    A lone slice (its neighbours missing or unsealed) is still reported, with lower confidence:
    a reviewer should see it. The seal's page/bbox are those of its first slice."""
    cfg = settings()
    edges = [c for _, _, cands in per_page for c in cands if c.kind == "edge"]
    out: list[tuple[Seal, np.ndarray | None]] = []
    order = {(f, n): k for k, (f, n, _) in enumerate(per_page)}
    for ch in _chains(edges, cfg["straddle_y_tolerance_mm"], order):
        crop = stitch_slices(ch)
        text, tconf = "", 0.0
        if read_text and crop is not None and len(ch) > 1:
            from pipeline.extract.seals.read import read_seal_text

            text, tconf = read_seal_text(crop)
        conf = min(1.0, 0.45 + 0.2 * len(ch)) * float(np.mean([c.confidence for c in ch])) / 0.75
        first = ch[0]
        out.append((Seal(file=first.file, page=first.page, bbox=_clip(first.bbox), kind="straddle",
                         text=text, confidence=round(min(1.0, conf), 3),
                         pages=tuple(c.page for c in ch),
                         files=tuple(c.file for c in ch) if len({c.file for c in ch}) > 1 else ()), crop))
    return out


# --------------------------------------------------------------------------- attribution


def _core(name: str, generic: Iterable[str]) -> str:
    s = re.sub(r"[\s()（）·,，.。:：\-_/]", "", name)
    for w in sorted(generic, key=len, reverse=True):
        s = s.replace(w, "")
    return s


def match_unit(text: str, unit_names: Sequence[str]) -> tuple[str | None, float]:
    """(best unit name, score 0..100) for a seal's read text, or (None, best score) when no
    name is close enough or two names are too close to call."""
    cfg = settings()
    generic = cfg["generic_words"]
    t = _core(text, generic)
    unit_names = list(dict.fromkeys(unit_names))  # the applicant is often also a consortium member
    if len(t) < 2 or not unit_names:
        return None, 0.0
    scored = []
    for name in unit_names:
        n = _core(name, generic)
        if not n:
            continue
        score = max(fuzz.partial_ratio(t, n) * (0.85 + 0.15 * min(1.0, len(t) / max(len(n), 1))),
                    fuzz.ratio(t, n))
        scored.append((score, name))
    if not scored:
        return None, 0.0
    scored.sort(reverse=True)
    best, name = scored[0]
    runner = scored[1][0] if len(scored) > 1 else 0.0
    if best >= cfg["attribute_min_score"] and best - runner >= cfg["attribute_margin"]:
        return name, best
    return None, best


def attribute(seals: Sequence[Seal], unit_names: Sequence[str]) -> list[Seal]:
    """The seals with `matched_unit` set where the read text matches one unit name."""
    out = []
    for s in seals:
        name, _ = match_unit(s.text, unit_names) if s.text else (None, 0.0)
        out.append(s.model_copy(update={"matched_unit": name}))
    return out


# --------------------------------------------------------------------------- places that ask for a seal


def _page_mm(page: Page) -> tuple[float, float]:
    return page.width / page.dpi * 25.4, page.height / page.dpi * 25.4


def _rect_distance_mm(a, b, wmm: float, hmm: float) -> float:
    dx = max(a[0] - b[2], b[0] - a[2], 0.0) * wmm
    dy = max(a[1] - b[3], b[1] - a[3], 0.0) * hmm
    return math.hypot(dx, dy)


def associate_places(pages: Sequence[Page], seals: Sequence[Seal]) -> list[SealPlace]:
    """Every line asking for a seal, linked to the nearest seal on its page (overlapping or within
    ~1.3 seal diameters). A 联合体各方（盖章） line takes every seal near it, one place each.
    `seal_index` indexes `seals`."""
    cfg = settings()
    pat = re.compile(cfg["place_pattern"])
    places: list[SealPlace] = []
    used: set[int] = set()
    for page in pages:
        wmm, hmm = _page_mm(page)
        on_page = [(i, s) for i, s in enumerate(seals)
                   if s.file == page.file and s.page == page.number and s.kind != "straddle"]
        for line in page.lines:
            m = pat.search(line.text)
            if not m:
                continue
            label = line.text[: m.end()].strip()
            rest = line.text[m.end():].lstrip("：: ").strip()
            unit = rest if len(rest) >= 4 and not re.search(r"[（(]", rest) else None
            near = []
            for i, s in on_page:
                dia = max((s.bbox[2] - s.bbox[0]) * wmm, (s.bbox[3] - s.bbox[1]) * hmm, 1.0)
                d = _rect_distance_mm(s.bbox, line.bbox, wmm, hmm)
                if d <= cfg["place_max_distance_seals"] * dia:
                    near.append((d, i))
            near.sort()
            free = [i for _, i in near if i not in used]
            many = "联合体" in label or "各方" in label
            chosen = free if many else free[:1]
            if not chosen:
                places.append(SealPlace(label=label, file=page.file, page=page.number, bbox=line.bbox, unit=unit))
            for i in chosen:
                used.add(i)
                places.append(SealPlace(label=label, file=page.file, page=page.number, bbox=line.bbox,
                                        unit=unit if not many else seals[i].matched_unit, seal_index=i))
    return places


# --------------------------------------------------------------------------- crops and the whole run


def save_crop(crop: np.ndarray, out_dir: str | Path, name: str) -> str:
    """Write an RGB crop as PNG in `out_dir`; returns the file name (relative to out_dir)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^\w.-]+", "_", name).strip("_") or "seal"
    fname = safe if safe.endswith(".png") else safe + ".png"
    ok, buf = cv2.imencode(".png", cv2.cvtColor(crop, cv2.COLOR_RGB2BGR))
    if not ok:
        raise ValueError(f"cannot encode crop {name}")
    (out / fname).write_bytes(buf.tobytes())
    return fname


def _clip(b) -> tuple[float, float, float, float]:
    return tuple(float(min(1.0, max(0.0, v))) for v in b)  # type: ignore[return-value]


def seals_from_candidates(per_page: Sequence[PerPage], unit_names: Sequence[str] = (),
                          crop_dir: str | Path | None = None) -> list[Seal]:
    """Final seals of an application: round/oval candidates as they are, edge slices joined into
    straddles, texts matched to `unit_names`, crops saved in `crop_dir` when given.
    Candidates should come from `detect_seals(page, read_text=True)`."""
    items: list[tuple[Seal, np.ndarray | None]] = []
    for _, _, cands in per_page:
        for c in cands:
            if c.kind == "edge":
                continue
            items.append((Seal(file=c.file, page=c.page, bbox=_clip(c.bbox), kind=c.kind, text=c.text,
                               confidence=c.confidence, pages=(c.page,)), c.crop))
    items += join_straddles(per_page)
    items.sort(key=lambda it: (it[0].file, it[0].page, it[0].bbox[1], it[0].bbox[0]))
    seals = attribute([s for s, _ in items], unit_names)
    if crop_dir is not None:
        done = []
        for k, (s, (_, crop)) in enumerate(zip(seals, items)):
            if crop is not None and crop.size:
                fname = save_crop(crop, crop_dir, f"seal_{k + 1:02d}_{Path(s.file).stem}_p{s.page}")
                s = s.model_copy(update={"crop": fname})
            done.append(s)
        seals = done
    return seals


def find_seals(pages: Iterable[RasterPage], unit_names: Sequence[str] = (),
               crop_dir: str | Path | None = None) -> list[Seal]:
    """Detect, read, join and attribute the seals of a sequence of page images."""
    per_page = [(p.file, p.number, detect_seals(p, read_text=True)) for p in pages]
    return seals_from_candidates(per_page, unit_names, crop_dir)
