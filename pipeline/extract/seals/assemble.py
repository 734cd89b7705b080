"""From per-page seal candidates to the application's `Seal`s and `SealPlace`s.

- `join_straddles`: edge slices on consecutive pages of one file, same edge, about the same place
  along it (a fan not squared up shifts each page's slice a little), same ink, are one 骑缝章; its
  slices laid side by side again give a disc whose text can be read.
- `match_reading`: whose seal is it — each candidate name is scored against the arc recogniser's
  own probabilities (`read.name_score`), not against its best guess: a seal's bold, condensed,
  faint characters are often misread one by one, yet the right name still explains them far
  better than any other. The best name must explain them well enough, clearly beat the runner-up,
  and agree on its trade name (字号), so the lease page's lessor — a real seal of another unit,
  often of the same trade — is never credited to a unit. Other parties named on the pages
  (`names_on_pages`) compete too. The probabilities are those the page worker's reading kept
  (`SealCandidate.frames`); only the stitched 骑缝章 discs are read here. `match_unit` matches read
  text alone (rapidfuzz) when the recogniser's output is not at hand.
- `associate_places`: lines that ask for a seal (申报单位（盖章）…) and the seal stamped there.
Pure functions apart from `save_crop` (and reading the stitched 骑缝章 discs, and crops without
stored frames, in `seals_from_candidates`).
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import cv2
import numpy as np
from rapidfuzz import fuzz

from pipeline.extract.seals.detect import SealCandidate, detect_seals
from pipeline.extract.seals.geometry import settings
from pipeline.facts import Seal, SealPlace
from pipeline.model import Page
from pipeline.ocr.base import RasterPage

PerPage = tuple[str, int, list[SealCandidate]]
"""(file, page number, that page's candidates) as the reader collects them."""


# --------------------------------------------------------------------------- 骑缝章


def _slice_y_mm(c: SealCandidate) -> float:
    """Where along its edge a slice's circle is centred (mm): the height on a left/right edge, the
    x on a top/bottom one."""
    if c.edge in ("top", "bottom"):
        return c.center[0] * c.page_size_mm[0]
    return c.center[1] * c.page_size_mm[1]


def _next_page(a: SealCandidate, b: SealCandidate, order: dict) -> bool:
    """b is on the page right after a: same file and page + 1, or the next file of one folder."""
    if a.file == b.file:
        return b.page == a.page + 1
    pa, pb = Path(a.file).parent, Path(b.file).parent
    return str(pa) not in ("", ".") and pa == pb and order[(b.file, b.page)] == order[(a.file, a.page)] + 1


def _chains(edges: list[SealCandidate], tol_mm: float, order: dict) -> list[list[SealCandidate]]:
    """Greedy chains of slices on consecutive pages with matching edge, place along it and ink;
    the nearest continues a chain. `tol_mm` allows the shift of a fan that was not squared up."""
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


def _along(p: SealCandidate) -> tuple[np.ndarray, float, float, float]:
    """A slice as if on a right/left edge: (crop, circle centre along the edge as a page fraction,
    crop start along the edge as a fraction, page length along the edge in mm); top/bottom slices
    transposed."""
    if p.edge in ("top", "bottom"):
        return np.ascontiguousarray(p.crop.transpose(1, 0, 2)), p.center[0], p.bbox[0], p.page_size_mm[0]
    return p.crop, p.center[1], p.bbox[1], p.page_size_mm[1]


def stitch_slices(parts: list[SealCandidate]) -> np.ndarray | None:
    """Lay the slices' crops side by side again (page order = left to right on a right edge,
    right to left on a left edge; top/bottom edges as left/right of the transposed page), aligned
    on the place of their fitted circles' centres along the edge (the tops of the slices differ: a
    middle slice reaches the rim's top, an outer one does not; a shifted fan moves them all)."""
    crops = [p for p in parts if p.crop is not None and p.crop.size]
    if not crops:
        return None
    edge = crops[0].edge
    if edge in ("left", "top"):
        crops = crops[::-1]
    flat = [_along(p) for p in crops]
    # crop pixels per mm (pages of one booklet share a dpi), then each crop's centre row
    c0, _, b0, len0 = flat[0]
    end0 = crops[0].bbox[2] if edge in ("top", "bottom") else crops[0].bbox[3]
    ppm = c0.shape[0] / max((end0 - b0) * len0, 1e-6)
    above = [int(round((centre - start) * length * ppm)) for _, centre, start, length in flat]
    top = max(above)
    offsets = [top - a for a in above]
    height = max(o + c.shape[0] for o, (c, *_) in zip(offsets, flat))
    width = sum(c.shape[1] for c, *_ in flat)
    canvas = np.full((height, width, 3), 255, np.uint8)
    x = 0
    for dy, (c, *_) in zip(offsets, flat):
        h, w = c.shape[:2]
        canvas[dy:dy + h, x:x + w] = c
        x += w
    return canvas.transpose(1, 0, 2).copy() if edge in ("top", "bottom") else canvas


ReadCrops = Callable[[list[np.ndarray]], list]
"""Reads seal crops into `read.SealReading`s (default: `read.read_seal` one by one, here)."""


def _read_here(crops: list[np.ndarray]) -> list:
    from pipeline.extract.seals.read import read_seal

    return [read_seal(c) for c in crops]


def join_straddles(per_page: Sequence[PerPage], *, read_text: bool = True,
                   read: ReadCrops | None = None) -> list[tuple[Seal, np.ndarray | None]]:
    """One `Seal(kind="straddle")` per chain of edge slices, with the stitched crop.

    A lone slice (its neighbours missing or unsealed) is still reported, with lower confidence:
    a reviewer should see it. The seal's page/bbox are those of its first slice."""
    return [(seal, crop) for seal, crop, _ in _join_straddles(per_page, read_text=read_text, read=read)]


def _join_straddles(per_page: Sequence[PerPage], *, read_text: bool = True,
                    read: ReadCrops | None = None) -> list[tuple[Seal, np.ndarray | None, object]]:
    """As `join_straddles`, with each joined seal's reading (None for a lone slice). The stitched
    discs are read together, by `read` (the review hands them to a page worker)."""
    cfg = settings()
    edges = [c for _, _, cands in per_page for c in cands if c.kind == "edge"]
    order = {(f, n): k for k, (f, n, _) in enumerate(per_page)}
    chains = _chains(edges, cfg["straddle_y_tolerance_mm"], order)
    crops = [stitch_slices(ch) for ch in chains]
    todo = [i for i, (ch, crop) in enumerate(zip(chains, crops)) if read_text and crop is not None and len(ch) > 1]
    readings: dict[int, object] = dict(zip(todo, (read or _read_here)([crops[i] for i in todo]))) if todo else {}
    out: list[tuple[Seal, np.ndarray | None, object]] = []
    for i, (ch, crop) in enumerate(zip(chains, crops)):
        reading = readings.get(i)
        text, tconf = (reading.text, reading.confidence) if reading is not None else ("", 0.0)
        conf = min(1.0, 0.45 + 0.2 * len(ch)) * float(np.mean([c.confidence for c in ch])) / 0.75
        first = ch[0]
        out.append((Seal(file=first.file, page=first.page, bbox=_clip(first.bbox), kind="straddle",
                         text=text, confidence=round(min(1.0, conf), 3),
                         pages=tuple(c.page for c in ch),
                         files=tuple(c.file for c in ch) if len({c.file for c in ch}) > 1 else ()), crop, reading))
    return out


# --------------------------------------------------------------------------- attribution


def _core(name: str, generic: Iterable[str]) -> str:
    s = re.sub(r"[\s()（）·,，.。:：\-_/]", "", name)
    for w in sorted(generic, key=len, reverse=True):
        s = s.replace(w, "")
    return s


def _chars(name: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKC", name) if not c.isspace())


def trade_name_span(name: str) -> tuple[int, int]:
    """Where the trade name (字号) sits in `name` (after NFKC, spaces dropped): the first two
    characters after a leading place name (重庆市…), else the first two. A name is 行政区划 + 字号 +
    行业 + 组织形式 (or 字号 first, the place in brackets); the trade name is what tells two units
    of one trade apart (重庆金佛创新创业园运营有限公司 / 重庆缙云创新创业园运营有限公司)."""
    s = _chars(name)
    start = 0
    for p in sorted(settings()["name_prefixes"], key=len, reverse=True):
        if s.startswith(p) and len(s) > len(p) + 2:
            start = len(p)
            break
    return start, min(len(s), start + 2)


def match_unit(text: str, unit_names: Sequence[str]) -> tuple[str | None, float]:
    """(best unit name, score 0..100) for a seal's read text alone, or (None, best score) when no
    name is close enough or two names are too close to call. Used when the recogniser's frames
    are not at hand (`match_reading` is the better test)."""
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


def match_reading(reading, unit_names: Sequence[str], other_names: Sequence[str] = ()) -> tuple[str | None, float]:
    """Whose seal: the name among `unit_names` and `other_names` (other parties named in the
    booklet, e.g. the lessor) that best explains what the recogniser saw (`read.name_score` on a
    `read.SealReading`), when it explains it well enough overall, clearly better than the
    runner-up, and its trade name is not contradicted. Returns (name, score in nats ≤ 0) or
    (None, best score). Without the recogniser's output, falls back to the text (`match_unit`)."""
    from pipeline.extract.seals.frames import has_frames, name_score, unpacked

    if not has_frames(reading):
        text = getattr(reading, "text", "") or ""
        return match_unit(text, unit_names) if text else (None, 0.0)
    reading = unpacked(reading)
    cfg = settings()
    names: list[str] = []
    seen: set[str] = set()
    for n in [*unit_names, *other_names]:
        key = _chars(n)
        if key and key not in seen:
            seen.add(key)
            names.append(n)
    if not names:
        return None, 0.0
    scored = sorted(((name_score(reading, n), n) for n in names), reverse=True)
    best, name = scored[0]
    runner = scored[1][0] if len(scored) > 1 else -math.inf
    if best < -cfg["read_max_cost_per_char"] * len(_chars(name)) or best - runner < cfg["read_margin"]:
        return None, best
    if best - name_score(reading, name, wildcard=trade_name_span(name)) < -cfg["read_max_trade_name_cost"]:
        return None, best
    return name, best


_ORG = re.compile(r"[\u4e00-\u9fff（）()]{4,40}?(?:有限责任公司|股份有限公司|有限公司|公司|中心|研究院|研究所|"
                  r"学会|协会|商会|委员会|管理局|合作社|大学|学院|医院|事务所)")


def names_on_pages(pages: Sequence[Page], unit_names: Sequence[str] = ()) -> list[str]:
    """Organisation names written on the pages that are not one of `unit_names` — the lessor of a
    lease, the other party of an agreement. Their seals are real seals, but not the units'; as
    competitors in `match_reading` they keep such a seal from being credited to a unit with a
    similar name."""
    units = [_chars(u) for u in unit_names if u]
    out: dict[str, None] = {}
    for page in pages:
        for line in page.lines:
            for m in _ORG.finditer(_chars(line.text)):
                n = m.group(0)
                if len(n) >= 6 and not any(_same_party(n, u) for u in units):
                    out.setdefault(n)
    return list(out)


def _same_party(a: str, b: str) -> bool:
    """`a` is `b` as written or misread elsewhere on the pages (not another unit of the same
    trade: 重庆金佛创新创业园… is not 重庆缙云创新创业园…, though most of the name agrees)."""
    if a in b or b in a:
        return True
    r = fuzz.ratio(a, b)
    if r >= 90 or r < 75:
        return r >= 90
    (i, j), (k, l) = trade_name_span(a), trade_name_span(b)
    return any(x == y for x, y in zip(a[i:j], b[k:l]))


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
                          crop_dir: str | Path | None = None, other_names: Sequence[str] = (),
                          read: ReadCrops | None = None) -> list[Seal]:
    """Final seals of an application: round/oval candidates as they are, edge slices joined into
    straddles, each matched to `unit_names` (`match_reading`; a seal that matches one of
    `other_names` names that party), crops saved in `crop_dir` when given.
    Candidates should be read (`read.read_candidates`): they carry what the
    recogniser saw (`frames`), and the names are scored on that. Crops are read (by `read`, default
    here) only where there is nothing stored: the stitched 骑缝章 discs, and candidates without
    frames (a candidate without frames or crop is matched on its text)."""
    from pipeline.extract.seals.frames import SealReading

    items: list[tuple[Seal, np.ndarray | None, object]] = []
    for _, _, cands in per_page:
        for c in cands:
            if c.kind == "edge":
                continue
            stored = SealReading(c.text, c.text_confidence, frames=c.frames) if c.frames is not None else None
            items.append((Seal(file=c.file, page=c.page, bbox=_clip(c.bbox), kind=c.kind, text=c.text,
                               confidence=c.confidence, pages=(c.page,)), c.crop, stored))
    items += _join_straddles(per_page, read=read)
    items.sort(key=lambda it: (it[0].file, it[0].page, it[0].bbox[1], it[0].bbox[0]))
    if unit_names or other_names:  # nothing stored (seal finds from before frames were kept): read
        todo = [k for k, (_, crop, reading) in enumerate(items) if reading is None and crop is not None and crop.size]
        if todo:
            got = (read or _read_here)([items[k][1] for k in todo])
            for k, reading in zip(todo, got):
                items[k] = (items[k][0], items[k][1], reading)
    seals = []
    for k, (s, crop, reading) in enumerate(items):
        if reading is None:
            reading = SealReading(text=s.text)
        name, _ = match_reading(reading, unit_names, other_names)
        s = s.model_copy(update={"matched_unit": name})
        if crop_dir is not None and crop is not None and crop.size:
            fname = save_crop(crop, crop_dir, f"seal_{k + 1:02d}_{Path(s.file).stem}_p{s.page}")
            s = s.model_copy(update={"crop": fname})
        seals.append(s)
    return seals


def find_seals(pages: Iterable[RasterPage], unit_names: Sequence[str] = (),
               crop_dir: str | Path | None = None) -> list[Seal]:
    """Detect, read, join and attribute the seals of a sequence of page images."""
    from pipeline.extract.seals.read import read_candidates

    per_page = [(p.file, p.number, read_candidates(detect_seals(p))) for p in pages]
    return seals_from_candidates(per_page, unit_names, crop_dir)
