"""From per-page seal candidates to the application's `Seal`s and `SealPlace`s.

- 骑缝章 slices are joined in `straddles` (re-exported here).
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
from collections.abc import Iterable, Sequence
from pathlib import Path

import cv2
import numpy as np
from rapidfuzz import fuzz

from pipeline.extract.seals.detect import detect_seals
from pipeline.extract.seals.geometry import settings
from pipeline.extract.seals.straddles import (
    PerPage,
    ReadCrops,
    clip_bbox,
    join_with_readings,
    read_here,
)
from pipeline.facts import Seal, SealPlace
from pipeline.model import Page
from pipeline.ocr.base import RasterPage

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


def _span_bbox(line, start: int, end: int):
    """The box of line.text[start:end]: the union of its words' boxes when the words spell the line,
    else that share of the line's box (a merged line holds two signature blocks side by side). A word
    reaching past the span gives only its share (by characters): a recogniser that read 甲方（盖章）：
    乙方（盖章）： as one word gave both labels the whole line's box (seed 805 #011)."""
    if start <= 0 and end >= len(line.text):
        return line.bbox
    if line.words:
        boxes, at = [], 0
        for w in line.words:
            k = line.text.find(w.text, at) if w.text else -1
            if k < 0:
                boxes = []
                break
            if k < end and k + len(w.text) > start:
                boxes.append(_share(w.bbox, len(w.text), max(start - k, 0), min(end - k, len(w.text))))
            at = k + len(w.text)
        if boxes:
            return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
    return _share(line.bbox, len(line.text), start, end)


def _share(bbox, n: int, start: int, end: int):
    """Characters [start, end) of a run of `n` set across `bbox`, as that share of its width."""
    n = max(n, 1)
    x0, y0, x1, y1 = bbox
    return (x0 + (x1 - x0) * start / n, y0, x0 + (x1 - x0) * end / n, y1)


def party_names(pages: Sequence[Page]) -> dict[tuple[str, int], dict[str, str]]:
    """(file, page) → {party word → name}: who 甲方/乙方… are, from lines that declare them
    (甲方（牵头单位）：…, 出租方（甲方）：…), on that page or the nearest page before it (a JPEG
    folder's pages are files of their own). A signature block says only 乙方（盖章）; the declaration names the unit."""
    cfg = settings()
    decl, place = re.compile(cfg["party_pattern"]), re.compile(cfg["place_pattern"])
    out: dict[tuple[str, int], dict[str, str]] = {}
    cur: dict[str, str] = {}
    for page in sorted(pages, key=lambda p: (p.file, p.number)):
        for line in page.lines:
            if place.search(line.text):
                continue
            for m in decl.finditer(line.text):
                name = re.sub(r"[（(][^）)]*$", "", m.group("name")).strip("：:，,。；; ")
                if len(name) >= 4:
                    cur[m.group("party")] = name
        out[(page.file, page.number)] = dict(cur)
    return out


def associate_places(pages: Sequence[Page], seals: Sequence[Seal]) -> list[SealPlace]:
    """Every label asking for a seal (several on one merged line are apart), linked to a seal on its
    page within ~1.3 seal diameters, nearest pairs first over the whole page (so a bare label does
    not take the seal of the block below it). A 联合体各方（盖章） line takes every seal near it,
    one place each. The unit asked is the name after the label, or the party (乙方) the pages
    declare (`party_names`). `seal_index` indexes `seals`.
    A party's label whose brackets the seal's ink garbled (出租人（盖章）： under the lessor's seal on a grey
    scan read 出租人盖章物联科支有, `bare_place_pattern`) is a place only for the seal on it: else the
    seal went to the lessee's 承租人（盖章） beside it, the applicant's place, and an applicant that had not
    sealed passed seal.present (dev seed 1491 #006, DOCX). Holding no seal it asks for none (no `fail` rests on it)."""
    cfg = settings()
    pat, bare = re.compile(cfg["place_pattern"]), re.compile(cfg["bare_place_pattern"])
    parties = party_names(pages)
    places: list[SealPlace] = []
    for page in pages:
        wmm, hmm = _page_mm(page)
        on_page = [(i, s) for i, s in enumerate(seals)
                   if s.file == page.file and s.page == page.number and s.kind != "straddle"]
        declared = parties.get((page.file, page.number), {})
        labels = []
        for line in page.lines:
            ms = list(pat.finditer(line.text)) or list(bare.finditer(line.text))
            weak = bool(ms) and not pat.search(line.text)
            for k, m in enumerate(ms):
                start = ms[k - 1].end() if k else 0
                stop = ms[k + 1].start() if k + 1 < len(ms) else len(line.text)
                label = line.text[(m.start() if k else 0): m.end()].strip()
                rest = line.text[m.end(): stop].lstrip("：: ").strip()
                unit = rest if len(rest) >= 4 and not re.search(r"[（(]", rest) and not weak else None
                if unit is None:
                    unit = next((n for w, n in declared.items() if w in label), None)
                labels.append((label, _span_bbox(line, start, stop), unit, weak))
        pairs = []
        for j, (_, bbox, _, _) in enumerate(labels):
            for i, s in on_page:
                dia = max((s.bbox[2] - s.bbox[0]) * wmm, (s.bbox[3] - s.bbox[1]) * hmm, 1.0)
                d = _rect_distance_mm(s.bbox, bbox, wmm, hmm)
                if d <= cfg["place_max_distance_seals"] * dia:
                    pairs.append((d, j, i))
        chosen: dict[int, list[int]] = {}
        used: set[int] = set()
        for _, j, i in sorted(pairs):
            many = "联合体" in labels[j][0] or "各方" in labels[j][0]
            if i in used or (chosen.get(j) and not many):
                continue
            used.add(i)
            chosen.setdefault(j, []).append(i)
        for j, (label, bbox, unit, weak) in enumerate(labels):
            many = "联合体" in label or "各方" in label
            if not chosen.get(j):
                if weak:
                    continue  # a bracketless label only keeps its seal from the place beside it
                places.append(SealPlace(label=label, file=page.file, page=page.number, bbox=bbox, unit=unit))
            for i in sorted(chosen.get(j, [])):
                places.append(SealPlace(label=label, file=page.file, page=page.number, bbox=bbox,
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


def seals_from_candidates(per_page: Sequence[PerPage], unit_names: Sequence[str] = (),
                          crop_dir: str | Path | None = None, other_names: Sequence[str] = (),
                          read: ReadCrops | None = None) -> list[Seal]:
    """Final seals of an application: round/oval candidates as they are (not an invoice's printed
    监制章: `printed_mark`), edge slices joined into straddles, each matched to `unit_names` (`match_reading`; a seal that matches one of
    `other_names` names that party), crops saved in `crop_dir` when given.
    Candidates should be read (`read.read_candidates`): they carry what the
    recogniser saw (`frames`), and the names are scored on that. Crops are read (by `read`, default
    here) only where there is nothing stored: the stitched 骑缝章 discs, and candidates without
    frames (a candidate without frames or crop is matched on its text)."""
    from pipeline.extract.seals.frames import SealReading

    items: list[tuple[Seal, np.ndarray | None, object]] = []
    for _, _, cands in per_page:
        for c in cands:
            if c.kind == "edge" or printed_mark(c):
                continue  # a slice is joined below; an invoice's printed 监制章 is no party's seal
            stored = SealReading(c.text, c.text_confidence, frames=c.frames) if c.frames is not None else None
            items.append((Seal(file=c.file, page=c.page, bbox=clip_bbox(c.bbox), kind=c.kind, text=c.text,
                               confidence=c.confidence, pages=(c.page,)), c.crop, stored))
    items += join_with_readings(per_page, read=read)
    items.sort(key=lambda it: (it[0].file, it[0].page, it[0].bbox[1], it[0].bbox[0]))
    if unit_names or other_names:  # nothing stored (seal finds from before frames were kept): read
        todo = [k for k, (_, crop, reading) in enumerate(items) if reading is None and crop is not None and crop.size]
        if todo:
            got = (read or read_here)([items[k][1] for k in todo])
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


def printed_mark(c) -> bool:
    """The candidate is the 监制章 printed in an invoice's title — by its shape (`SealCandidate.printed`)
    or its read text (`printed_words`) — the tax office's mark on the form, stamped by no party. It is
    left out of the application's seals, so neither its text nor its place can give it to a unit."""
    return bool(getattr(c, "printed", False)) or any(w in (c.text or "") for w in settings()["printed_words"])


def find_seals(pages: Iterable[RasterPage], unit_names: Sequence[str] = (),
               crop_dir: str | Path | None = None) -> list[Seal]:
    """Detect, read, join and attribute the seals of a sequence of page images."""
    from pipeline.extract.seals.read import read_candidates

    per_page = [(p.file, p.number, read_candidates(detect_seals(p))) for p in pages]
    return seals_from_candidates(per_page, unit_names, crop_dir)
