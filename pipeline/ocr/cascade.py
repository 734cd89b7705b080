"""The default OCR engine ("cascade"): Tesseract reads the page, RapidOCR re-reads what matters.

Why: Tesseract is ~4x faster but only ~80% of its lines are exactly right (table cells, text under
seals); RapidOCR reads ~100% of lines right at ~5 s/page (domain-notes §5). Re-reading chosen
line crops with RapidOCR's recogniser (no detection) gets RapidOCR's accuracy where it counts for
a fraction of its cost.

Which lines are re-read (cascade.yaml):
- low confidence: line mean < `line_confidence` or a word < `word_confidence`;
- key facts: label keywords (单位, 信用代码, 租赁, 日期 …), unit-name suffixes (公司, 研究院 …)
  or patterns (18-char codes, dates);
- table rows: lines Tesseract's word gaps split into ≥ `table_min_cells` cells (re-read per cell).
Chosen lines whose Tesseract boxes overlap other lines (mis-segmented, usually under a seal) are
re-read as a block by RapidOCR detection + recognition, since a crop would cut through the
neighbours; so is ink no Tesseract line covers (a dropped line). A page whose mean confidence
says Tesseract could not read it at all is read whole by RapidOCR.

Which reading wins, first rule that separates them:
1. an empty RapidOCR reading never wins; the Tesseract line is dropped as noise (seal residue,
   specks) when its confidence is also below `noise_confidence`;
2. USCC checksum: the reading whose 18-character code passes `pipeline.uscc.is_valid`;
3. known label: the reading whose label (before ：) is in the `labels` list;
4. confidence: RapidOCR when its score ≥ Tesseract's line confidence, else Tesseract.
Every output Line keeps `engine` = the engine whose reading it is; `CascadeEngine.decisions`
holds the last page's choices with the rule that made each.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Callable, Sequence

import cv2
import numpy as np
import yaml
from rapidfuzz.distance import Levenshtein

from pipeline import uscc
from pipeline.grid import cut_line
from pipeline.model import Line, Page, Word
from pipeline.ocr import rapid, stagetime
from pipeline.ocr.base import RasterPage, register
from pipeline.ocr.lookalikes import fix_lines
from pipeline.ocr.preprocess import remove_rules
from pipeline.ocr.punctuation import fix_punctuation
from pipeline.ocr.rulings import find_rulings
from pipeline.ocr.tesseract import TesseractEngine, join_words

CONFIG_PATH = Path(__file__).with_name("cascade.yaml")
ENGINE = "cascade"


@lru_cache(maxsize=1)
def settings() -> dict:
    return yaml.safe_load(CONFIG_PATH.read_text(encoding="utf-8"))


def nfkc(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


_CODE = re.compile(r"[0-9A-Z]{18}")


def uscc_ok(text: str) -> bool:
    """True when the text holds an 18-character code passing both USCC checks."""
    return any(uscc.is_valid(m) for m in _CODE.findall(nfkc(text).upper()))


def label_of(text: str) -> str:
    """The label before the first colon (NFKC turns ：into :), or ''."""
    t = nfkc(text)
    return t.split(":", 1)[0] if ":" in t else ""


def has_known_label(text: str, labels: frozenset[str]) -> bool:
    """The text's label (before ：) is a known one; without a colon, the text starts with one
    (RapidOCR sometimes drops the colon: 申报单位（盖章）重庆…, which is still the right label)."""
    if ":" in nfkc(text):
        return label_of(text) in labels
    t = nfkc(text)
    return any(t.startswith(lab) and len(t) > len(lab) for lab in labels)


def restore_colon(t_text: str, line: Line) -> Line:
    """RapidOCR's line without the ：that Tesseract saw after the same known label gets it back
    (the forms put ：after every label; RapidOCR drops it now and then)."""
    labels = known_labels()
    label = label_of(t_text)
    r = line.text
    if label not in labels or ":" in nfkc(r) or not nfkc(r).startswith(label):
        return line
    # position in r just after the label's characters (r may hold spaces the NFKC form lacks)
    seen, cut = "", None
    for k, ch in enumerate(r):
        seen += "".join(unicodedata.normalize("NFKC", ch).split())
        if seen == label:
            cut = k + 1
            break
    if cut is None:
        return line
    return line.model_copy(update={"text": r[:cut] + "：" + r[cut:]})


@lru_cache(maxsize=1)
def known_labels() -> frozenset[str]:
    return frozenset(nfkc(x) for x in settings()["labels"])


@dataclass
class Decision:
    index: int
    """Position of the line in the Tesseract output."""
    why: tuple[str, ...]
    """Why it was re-read: 'low_confidence', 'key_fact', 'table'."""
    tesseract: str
    tesseract_conf: float
    rapidocr: str
    rapidocr_conf: float
    winner: str
    rule: str
    """'empty', 'noise', 'uscc_checksum', 'known_label', 'confidence'."""


def choose(t_text: str, t_conf: float, r_text: str, r_conf: float) -> tuple[str, str]:
    """(winner engine, rule) for two readings of one line; see the module docstring."""
    return choose_block([(t_text, t_conf)], [(r_text, r_conf)] if r_text.strip() else [])


def choose_block(t_lines: list[tuple[str, float]], r_lines: list[tuple[str, float]]) -> tuple[str, str]:
    """(winner engine, rule) for two readings of a block of lines, same rules as for one line:
    empty, then the number of valid USCCs, then of known labels, then char-weighted confidence."""
    if not any(t.strip() for t, _ in r_lines):
        return "tesseract", "empty"
    t_ok, r_ok = (sum(uscc_ok(t) for t, _ in ls) for ls in (t_lines, r_lines))
    if t_ok != r_ok:
        return ("rapidocr" if r_ok > t_ok else "tesseract"), "uscc_checksum"
    labels = known_labels()
    t_lab, r_lab = (sum(has_known_label(t, labels) for t, _ in ls) for ls in (t_lines, r_lines))
    if t_lab != r_lab:
        return ("rapidocr" if r_lab > t_lab else "tesseract"), "known_label"
    return ("rapidocr" if mean_conf(r_lines) >= mean_conf(t_lines) else "tesseract"), "confidence"


def mean_conf(lines: list[tuple[str, float]]) -> float:
    chars = sum(len(t) for t, _ in lines)
    return sum(c * len(t) for t, c in lines) / chars if chars else 0.0


def why_reread(line: Line, cells: int, cfg: dict) -> tuple[str, ...]:
    why = []
    if line.confidence < cfg["line_confidence"] or any(w.confidence < cfg["word_confidence"] for w in line.words):
        why.append("low_confidence")
    kf = cfg["key_facts"]
    if kf.get("enabled", True):
        t = nfkc(line.text).upper()
        label = label_of(line.text)
        if (any(k in label for k in kf["label_keywords"]) or any(k in t for k in kf["unit_suffixes"])
                or any(re.search(p, t) for p in kf["patterns"])):
            why.append("key_fact")
        if cfg["reread_tables"] and cells >= cfg["table_min_cells"]:
            why.append("table")
    return tuple(why)


def has_rule(grey: np.ndarray, x0: float, x1: float, y0: float, y1: float) -> bool:
    """True when a vertical rule (a column dark over 90% of the line's height) lies in [x0, x1)."""
    strip = grey[int(max(0, y0)):int(y1) + 1, int(max(0, x0)):int(x1) + 1]
    return strip.size > 0 and bool(((strip < 200).mean(axis=0) >= 0.9).any())


def split_cells(line: Line, grey: np.ndarray, gap_heights: float, pad: float = 0.0,
                unruled_gap_heights: float = 2.0, cuts: Sequence[float] = ()) -> list[tuple[float, float, float, float]]:
    """Pixel boxes of the line's cells: its words split at gaps wider than `gap_heights` x line
    height that hold a vertical rule, or wider than `unruled_gap_heights` without one, and at
    the table rules found on the page (`cuts`, pixel x; words straddling one were cut there by
    pipeline.grid.cut_line): a cell then ends at its rule, so its crop holds that cell only.

    Running text has gaps of up to ~0.75 line heights (after 。，, and where Tesseract's word boxes
    are tight), so a wide gap alone does not make a table. Each cell is widened to the middle of
    the gaps around it and the outer cells by `pad`: Tesseract sometimes drops a character at a
    cell's edge, and its word box with it.
    """
    height, width = grey.shape[:2]
    words = sorted(line.words, key=lambda w: w.bbox[0]) or [Word(text=line.text, bbox=line.bbox, confidence=line.confidence)]
    h = (line.bbox[3] - line.bbox[1]) * height
    ly0, ly1 = line.bbox[1] * height, line.bbox[3] * height
    cells: list[list[float]] = []
    at_rule: dict[int, float] = {}  # cell index → x of the rule it starts at
    for w in words:
        x0, y0, x1, y1 = w.bbox[0] * width, w.bbox[1] * height, w.bbox[2] * width, w.bbox[3] * height
        gap = x0 - cells[-1][2] if cells else 0.0
        rule = next((x for x in cuts if cells and cells[-1][2] - 0.3 * h <= x <= x0 + 0.3 * h), None)
        joined = bool(cells) and rule is None and not (
            gap > unruled_gap_heights * h or (gap > gap_heights * h and has_rule(grey, cells[-1][2], x0, ly0, ly1)))
        if joined:
            c = cells[-1]
            c[0], c[1], c[2], c[3] = min(c[0], x0), min(c[1], y0), max(c[2], x1), max(c[3], y1)
        else:
            if rule is not None:
                at_rule[len(cells)] = rule
            cells.append([x0, y0, x1, y1])
    for k, (a, b) in enumerate(zip(cells, cells[1:])):
        mid = at_rule.get(k + 1, (a[2] + b[0]) / 2)
        # never an empty crop: a sliver of a word cut at a rule keeps a pixel of width
        a[2], b[0] = max(mid - 0.1 * h, a[0] + 1), min(mid + 0.1 * h, b[2] - 1)
    cells[0][0] -= pad
    cells[-1][2] += pad
    return [tuple(c) for c in cells]


def crop(grey: np.ndarray, box: tuple[float, float, float, float], pad_y: float) -> np.ndarray:
    """The box (already as wide as wanted) with `pad_y` pixels of margin above and below."""
    h, w = grey.shape[:2]
    x0, y0 = int(max(0, box[0])), int(max(0, box[1] - pad_y))
    x1, y1 = int(min(w, box[2])), int(min(h, box[3] + pad_y))
    return grey[y0:y1, x0:x1]


def unreliable_blocks(lines: list[Line], chosen: list[int]) -> list[list[int]]:
    """Groups of line indices whose Tesseract boxes overlap another line's box (mis-segmented text,
    usually under a seal), grown to every line that overlaps the group; only groups holding a
    chosen line. A crop of such a box cuts through neighbouring lines, so these are re-read by
    RapidOCR detection over the block instead."""
    def overlap(a, b):
        return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])

    n = len(lines)
    parent = list(range(n))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(n):
        for j in range(i + 1, n):
            if overlap(lines[i].bbox, lines[j].bbox):
                parent[find(i)] = find(j)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(i)
    want = set(chosen)
    return [g for g in groups.values() if len(g) > 1 and want & set(g)]


def erase_crop_rules(img: np.ndarray, fill: float = 0.8) -> np.ndarray:
    """White out table rules in a line crop: columns/rows inked over `fill` of the crop's height/width.

    The crop has a margin above and below the glyphs (glyphs fill at most ~2/3 of its height), so
    no character stroke spans it; a cell border does, and RapidOCR would read it as 1 or |.
    """
    ink = img < 200  # thin rules come out light grey after blur and JPEG
    cols = ink.mean(axis=0) >= fill
    rows = ink.mean(axis=1) >= fill
    if not cols.any() and not rows.any():
        return img
    out = img.copy()
    for mask, axis in ((cols, 1), (rows, 0)):
        idx = np.flatnonzero(mask)
        for k in (-1, 0, 1):
            j = np.clip(idx + k, 0, mask.size - 1)
            if axis == 1:
                out[:, j] = 255
            else:
                out[j, :] = 255
    return out


def uncovered_regions(grey: np.ndarray, dpi: int, lines: list[Line], min_chars: float) -> list[tuple[int, int, int, int]]:
    """Pixel boxes of ink no Tesseract line covers (rules erased), at ~50 dpi, as text-sized blobs."""
    h, w = grey.shape
    scale = min(1.0, 50.0 / max(dpi, 1))
    small = cv2.resize(grey, (max(1, int(w * scale)), max(1, int(h * scale))), interpolation=cv2.INTER_AREA)
    small = remove_rules(small, max(1, int(dpi * scale)))
    ink = (small < 200).astype(np.uint8)  # strokes average out to grey at 50 dpi
    heights = [(ln.bbox[3] - ln.bbox[1]) * h * scale for ln in lines]
    ch = max(float(np.median(heights)) if heights else 4.0 * dpi * scale / 50, 3.0)  # ~4 px: 12 pt at 50 dpi
    for ln in lines:
        x0, y0, x1, y1 = ln.bbox
        pad = ch * 0.3
        ink[int(max(0, y0 * h * scale - pad)):int(y1 * h * scale + pad) + 1,
            int(max(0, x0 * w * scale - pad)):int(x1 * w * scale + pad) + 1] = 0
    k = max(1, int(round(ch * 1.2)))  # bridges the space after a full-width colon
    merged = cv2.dilate(ink, cv2.getStructuringElement(cv2.MORPH_RECT, (2 * k + 1, max(1, k // 4) * 2 + 1)))
    n, _, stats, _ = cv2.connectedComponentsWithStats(merged, connectivity=8)
    out = []
    for i in range(1, n):
        x, y, bw, bh, _ = stats[i]
        inked = int(ink[y:y + bh, x:x + bw].sum())
        if bh < 0.5 * ch or bw < min_chars * ch or inked < min_chars * ch * ch * 0.08:
            continue
        out.append((int(x / scale), int(y / scale), int(min(w, (x + bw) / scale)), int(min(h, (y + bh) / scale))))
    return out


@dataclass(frozen=True)
class Segment:
    """A run of a Tesseract line's words (indices into the x-sorted words, inclusive) to re-read,
    with its pixel box; `cell` when the run is a table cell (cells are joined with a space)."""
    first: int
    last: int
    box: tuple[float, float, float, float]
    cell: bool = False
    read: bool = True
    """False for a table cell kept as Tesseract read it (listed so the row keeps its cell spacing)."""
    context: tuple[str, str] = ("", "")
    """Tesseract's text of the confident words the crop also holds left and right of the run: the
    crop's reading is aligned to them and only what lies between replaces the run (a cut between
    Tesseract's loose word boxes may clip or repeat a neighbouring character)."""


def sorted_words(line: Line) -> list[Word]:
    return sorted(line.words, key=lambda wd: wd.bbox[0]) or [Word(text=line.text, bbox=line.bbox, confidence=line.confidence)]


def word_windows(words: list[Word], threshold: float, neighbours: int) -> list[tuple[int, int]]:
    """Runs of words below `threshold`, each widened by `neighbours` words on both sides, merged
    when they touch. Tesseract's misreading often sits next to the word it doubts (金开大道丁段:
    丁 at 0.91 beside 段 at 0.61), hence the neighbours."""
    runs: list[list[int]] = []
    for k, wd in enumerate(words):
        if wd.confidence >= threshold:
            continue
        a, b = max(0, k - neighbours), min(len(words) - 1, k + neighbours)
        if runs and a <= runs[-1][1] + 1:
            runs[-1][1] = max(runs[-1][1], b)
        else:
            runs.append([a, b])
    return [(a, b) for a, b in runs]


def window_box(words: list[Word], a: int, b: int, line: Line, w: int, h: int, widen: float) -> tuple[float, float, float, float]:
    """Pixel box of words a..b: from the middle of the gap before word a to the middle of the gap
    after word b (cuts fall between characters); at a line end, `widen` pixels beyond the line
    (Tesseract drops edge characters, and their boxes with them)."""
    x0 = (line.bbox[0] * w - widen) if a == 0 else (words[a - 1].bbox[2] + words[a].bbox[0]) / 2 * w
    x1 = (line.bbox[2] * w + widen) if b == len(words) - 1 else (words[b].bbox[2] + words[b + 1].bbox[0]) / 2 * w
    return (x0, line.bbox[1] * h, x1, line.bbox[3] * h)


def segments_to_read(line: Line, cells: list[tuple[float, float, float, float]], w: int, h: int, cfg: dict,
                     key: bool = True, table: bool = False) -> list[Segment]:
    """What to crop from a chosen line (cascade.yaml `windows`, `table_cells`):
    - a table row (≥ table_min_cells cells, or `table`: a line across a ruled table's rule): every
      cell, or only cells holding an uncertain word;
    - otherwise windows round the uncertain words, or the whole line when windows are off or
      would cover most of it."""
    words = sorted_words(line)
    win = cfg["windows"]
    threshold = win["word_confidence" if key else "plain_word_confidence"] if win.get("enabled", True) else 2.0
    # (2.0: every word uncertain, i.e. whole lines and every cell)
    if table or len(cells) >= cfg["table_min_cells"]:
        owner = [min(range(len(cells)), key=lambda c: _distance((wd.bbox[0] + wd.bbox[2]) / 2 * w, cells[c]))
                 for wd in words]
        segs = []
        for c, box in enumerate(cells):
            idx = [k for k, o in enumerate(owner) if o == c]
            if not idx:
                continue
            uncertain = any(words[k].confidence < threshold for k in idx)
            segs.append(Segment(idx[0], idx[-1], box, cell=True, read=cfg["table_cells"] == "all" or uncertain))
        return segs if any(sg.read for sg in segs) else []
    widen = cfg["line_widen"] * (line.bbox[3] - line.bbox[1]) * h
    runs = word_windows(words, threshold, int(win["neighbours"]))
    if not runs:
        return []
    last = len(words) - 1
    crops = [(max(0, a - 1), min(last, b + 1)) for a, b in runs]
    boxes = [window_box(words, ca, cb, line, w, h, widen) for ca, cb in crops]
    line_w = (line.bbox[2] - line.bbox[0]) * w + 2 * widen
    if sum(bx[2] - bx[0] for bx in boxes) > win["whole_line_fraction"] * line_w:
        return [Segment(0, last, window_box(words, 0, last, line, w, h, widen))]
    return [Segment(a, b, bx, context=(join_words([x.text for x in words[ca:a]]), join_words([x.text for x in words[b + 1:cb + 1]])))
            for (a, b), (ca, cb), bx in zip(runs, crops, boxes)]


def between_context(reading: str, left: str, middle: str, right: str) -> str:
    """The part of `reading` (RapidOCR's text of a crop holding left + middle + right) that stands
    for `middle`, found by aligning it to Tesseract's text of the crop (Levenshtein opcodes).
    Characters RapidOCR inserts at either boundary are given to the middle (the uncertain part)."""
    if not left and not right:
        return reading
    src = left + middle + right
    consumed: dict[int, int] = {len(src): len(reading)}
    inserted: dict[int, int] = {}
    for op in Levenshtein.opcodes(src, reading):
        if op.tag == "insert":
            inserted.setdefault(op.src_start, op.dest_start)
            continue
        for k in range(op.src_start, op.src_end):
            step = k - op.src_start
            j = op.dest_start + (step if op.tag == "equal" else min(step, op.dest_end - op.dest_start) if op.tag == "replace" else 0)
            consumed.setdefault(k, j)
    i_l, i_r = len(left), len(src) - len(right)
    j_l, j_r = inserted.get(i_l, consumed[i_l]), consumed[i_r]
    # ...unless they repeat the neighbour: half a neighbouring glyph let into the crop, read again.
    if left and reading[j_l:consumed[i_l]] and left.endswith(reading[j_l:consumed[i_l]]):
        j_l = consumed[i_l]
    if right and i_r in inserted and right.startswith(reading[inserted[i_r]:j_r]):
        j_r = inserted[i_r]
    return reading[j_l:j_r] if j_r > j_l else ""


def _distance(x: float, box: tuple[float, float, float, float]) -> float:
    return 0.0 if box[0] <= x <= box[2] else min(abs(x - box[0]), abs(x - box[2]))


def covers_line(segs: list[Segment], line: Line) -> bool:
    return sum(s.last - s.first + 1 for s in segs) >= len(sorted_words(line))


def splice(line: Line, segs: list[Segment], parts, w: int, h: int, only_surer: bool = False) -> Line:
    """The line with each read segment's words replaced by RapidOCR's reading of its crop (`parts`,
    in the order of the read segments; a segment RapidOCR read as nothing keeps Tesseract's words,
    and so does one RapidOCR scored below Tesseract's own words when `only_surer`).
    Engine 'rapidocr' when every word was replaced, 'tesseract+rapidocr' when Tesseract's remain,
    'tesseract' when none was."""
    words = sorted_words(line)
    parts = iter(parts)
    by_first = {sg.first: (sg, next(parts) if sg.read else ("", 0.0)) for sg in segs}
    pieces: list[tuple[str, bool]] = []  # (text, starts a table cell)
    new_words: list[Word] = []
    kept = 0
    k = 0
    while k < len(words):
        seg, (txt, score) = by_first.get(k, (None, ("", 0.0)))
        txt = txt.strip()
        if seg is not None and txt and any(seg.context):
            middle = join_words([x.text for x in words[seg.first:seg.last + 1]])
            txt = between_context(txt, seg.context[0], middle, seg.context[1])
        if seg is not None and txt and only_surer:
            run = words[seg.first:seg.last + 1]
            if score < mean_conf([(x.text, x.confidence) for x in run]):
                txt = ""
        if seg is not None and txt:
            run = words[seg.first:seg.last + 1]
            box = _frac(seg.box, w, h) if seg.cell else (min(x.bbox[0] for x in run), min(x.bbox[1] for x in run),
                                                         max(x.bbox[2] for x in run), max(x.bbox[3] for x in run))
            new_words.append(Word(text=txt, bbox=box, confidence=float(score)))
            pieces.append((txt, seg.cell))
            k = seg.last + 1
            continue
        cell_start = k in by_first and by_first[k][0].cell
        new_words.append(words[k])
        pieces.append((words[k].text, cell_start))
        kept += 1
        k += 1
    # The same punctuation rules as Tesseract's own words: RapidOCR also gives : for ：at times.
    fixed = fix_punctuation([wd.text for wd in new_words])
    new_words = [wd.model_copy(update={"text": t}) if t != wd.text else wd for wd, t in zip(new_words, fixed)]
    pieces = [(t, cell_start) for t, (_, cell_start) in zip(fixed, pieces)]
    text = ""
    for piece, cell_start in pieces:
        text = (text + " " + piece) if text and cell_start else join_words([text, piece]) if text else piece
    chars = sum(len(wd.text) for wd in new_words) or 1
    conf = sum(wd.confidence * len(wd.text) for wd in new_words) / chars
    engine = "rapidocr" if not kept else "tesseract+rapidocr" if kept < len(words) else "tesseract"
    if engine == "tesseract":
        return line
    return Line(text=text, bbox=line.bbox, confidence=float(conf), words=tuple(new_words), engine=engine)


@dataclass
class CascadeEngine:
    """Tesseract first, RapidOCR on the crops that matter. Options override cascade.yaml keys."""

    line_confidence: float | None = None
    full_page_confidence: float | None = None
    key_facts: bool | None = None
    fill_gaps: bool | None = None
    tables: bool | None = None
    windows: bool | None = None
    """False: re-read whole lines and every cell of a table row (the first cascade, for comparison)."""
    table_cells: str | None = None
    tesseract: TesseractEngine = field(default_factory=TesseractEngine)
    recognise: Callable[[list[np.ndarray]], list[tuple[str, float]]] = rapid.read_crops
    """Recognition on crops; replaceable so tests can count the crops."""
    detect: Callable[[np.ndarray], tuple[list, bool]] = rapid.detect_and_read
    name: str = ENGINE
    decisions: list[Decision] = field(default_factory=list)
    page_dpi: int | None = None
    gap_regions: list[tuple[int, int, int, int]] = field(default_factory=list)

    def config(self) -> dict:
        cfg = dict(settings())
        if self.line_confidence is not None:
            cfg["line_confidence"] = self.line_confidence
        if self.full_page_confidence is not None:
            cfg["full_page_confidence"] = self.full_page_confidence
        if self.key_facts is not None:
            cfg["key_facts"] = dict(cfg["key_facts"], enabled=self.key_facts)
        if self.fill_gaps is not None:
            cfg["fill_gaps"] = self.fill_gaps
        if self.tables is not None:
            cfg["reread_tables"] = self.tables
        if self.windows is not None:
            cfg["windows"] = dict(cfg["windows"], enabled=self.windows)
            if not self.windows:
                cfg["table_cells"] = "all"
        if self.table_cells is not None:
            cfg["table_cells"] = self.table_cells
        return cfg

    def read(self, page: RasterPage) -> Page:
        cfg = self.config()
        self.page_dpi = page.dpi
        # The grey Tesseract saw (levelled red channel, same deskew) before the rule erasure: line
        # boxes are in its frame, and RapidOCR reads through rules (crops erase their own).
        with stagetime.stage("ocr_tesseract"):
            lines, rotation, rgb, grey = self.tesseract.read_page_lines(page)
        h, w = grey.shape[:2]
        self.decisions, self.gap_regions = [], []
        rulings = find_rulings(grey, page.dpi)
        # a word cut at a rule was shared out by character width, a guess: its cells are re-read
        doubt = cfg["windows"]["word_confidence"] - 0.01
        cut = [cut_line(ln, rulings, doubt) for ln in lines]
        lines = [ln for ln, _ in cut]
        cells = [split_cells(ln, grey, cfg["cell_gap_heights"], cfg["margin"] * (ln.bbox[3] - ln.bbox[1]) * h,
                             cfg["unruled_gap_heights"], [x * w for x in xs]) for ln, xs in cut]
        # a line across a table rule is a table row however few its cells: read cell by cell, so no
        # crop reaches over a rule (1 | 重庆云帆… read as one window lost its cell boundary)
        ruled = {i for i, (_, xs) in enumerate(cut) if xs and len(cells[i]) >= 2}
        chosen = [(i, why_reread(ln, cfg["table_min_cells"] if i in ruled else len(cells[i]), cfg))
                  for i, ln in enumerate(lines)]
        chosen = [(i, why) for i, why in chosen if why]
        stagetime.count("lines_chosen", len(chosen))
        for _, why in chosen:
            for reason in why:
                stagetime.count(f"lines_chosen_{reason}")
        if len(lines) >= 3 and mean_conf([(ln.text, ln.confidence) for ln in lines]) < cfg["full_page_confidence"]:
            out = self._whole_page(rgb, w, h)
        else:
            out = self._reread(grey, lines, cells, chosen, cfg, ruled)
            if cfg["fill_gaps"]:
                out = self._fill_gaps(grey, page.dpi, out, cfg)
        out = fix_lines(rapid.reading_order(out))
        return Page(file=page.file, number=page.number, width=w, height=h, dpi=page.dpi, source="ocr",
                    engine=ENGINE, rotation=(page.rotation + rotation) % 360, lines=tuple(out), rulings=rulings)

    def _reread(self, grey, lines, cells, chosen, cfg, ruled: set[int] = frozenset()) -> list[Line]:
        """`ruled`: lines across a table rule, read cell by cell like table rows."""
        h, w = grey.shape[:2]
        out: list[Line | None] = list(lines)
        blocks = unreliable_blocks(lines, [i for i, _ in chosen if len(cells[i]) < cfg["table_min_cells"] and i not in ruled])
        in_block = {i for b in blocks for i in b}
        extra = [ln for b in blocks for ln in self._reread_block(grey, lines, b, dict(chosen), cfg, out)]
        plans: dict[int, list[Segment]] = {}
        crops, owners = [], []
        for i, why in chosen:
            if i in in_block:
                continue
            plans[i] = segments_to_read(lines[i], cells[i], w, h, cfg, key=bool({"key_fact", "table"} & set(why)),
                                        table=i in ruled)
            pad = cfg["margin"] * (lines[i].bbox[3] - lines[i].bbox[1]) * h
            plans[i] = [sg if crop(grey, sg.box, pad).size else replace(sg, read=False) for sg in plans[i]]
            for seg in (sg for sg in plans[i] if sg.read):
                crops.append(erase_crop_rules(crop(grey, seg.box, pad)))
                owners.append(i)
        stagetime.count("rapid_crops", len(crops))
        stagetime.count("lines_to_rapid", len(set(owners)) + len(in_block))
        with stagetime.stage("ocr_rapidocr"):
            readings = self.recognise(crops) if crops else []
        per_line: dict[int, list[tuple[str, float]]] = {}
        for i, r in zip(owners, readings):
            per_line.setdefault(i, []).append(r)
        for i, why in chosen:
            if i in in_block or not plans.get(i):
                continue
            t = lines[i]
            segs = [sg for sg in plans[i] if sg.read]
            parts = per_line.get(i, [])
            whole = covers_line(segs, t)
            if not any(txt.strip() for txt, _ in parts):
                winner, rule = "tesseract", "empty"
                if whole and t.confidence < cfg["noise_confidence"]:
                    winner, rule = "none", "noise"
                self.decisions.append(Decision(i, why, t.text, t.confidence, "", 0.0, winner, rule))
                if winner == "none":
                    out[i] = None
                continue
            cand = splice(t, plans[i], parts, w, h)
            winner, rule = choose(t.text, t.confidence, cand.text, cand.confidence)
            if rule == "confidence":  # decided crop by crop: a crop RapidOCR is less sure of keeps Tesseract's words
                cand = splice(t, plans[i], parts, w, h, only_surer=True)
                winner = "rapidocr" if cand.engine != "tesseract" else "tesseract"
            self.decisions.append(Decision(i, why, t.text, t.confidence, cand.text, cand.confidence, winner, rule))
            if winner == "rapidocr":
                out[i] = restore_colon(t.text, cand)
        return [ln for ln in out if ln is not None] + extra

    def _reread_block(self, grey, lines, block, why, cfg, out) -> list[Line]:
        """RapidOCR detection + recognition over a block of lines whose Tesseract boxes overlap;
        the block's readings are compared as a whole (`choose_block`)."""
        h, w = grey.shape[:2]
        x0 = min(lines[i].bbox[0] for i in block) * w
        y0 = min(lines[i].bbox[1] for i in block) * h
        x1 = max(lines[i].bbox[2] for i in block) * w
        y1 = max(lines[i].bbox[3] for i in block) * h
        pad = cfg["margin"] * float(np.median([(lines[i].bbox[3] - lines[i].bbox[1]) * h for i in block]))
        ox, oy = int(max(0, x0 - 2 * pad)), int(max(0, y0 - pad))
        sub = grey[oy:int(min(h, y1 + pad)), ox:int(min(w, x1 + 2 * pad))]
        stagetime.count("rapid_blocks")
        with stagetime.stage("ocr_rapidocr"):
            items, _ = self.detect(sub, region=True, dpi=self.page_dpi)
        shifted = [(q + np.array([ox, oy], dtype=np.float32), t, s) for q, t, s in items]
        r_lines = rapid.boxes_to_lines(shifted, w, h)
        t_pairs = [(lines[i].text, lines[i].confidence) for i in block]
        r_pairs = [(ln.text, ln.confidence) for ln in r_lines]
        winner, rule = choose_block(t_pairs, r_pairs)
        r_text = "\n".join(t for t, _ in r_pairs)
        for i in block:
            self.decisions.append(Decision(i, why.get(i, ("overlap",)) + ("block",), lines[i].text, lines[i].confidence,
                                           r_text, mean_conf(r_pairs), winner, rule))
        if winner != "rapidocr":
            return []
        for i in block:
            out[i] = None
        return r_lines

    def _fill_gaps(self, grey, dpi, lines, cfg) -> list[Line]:
        h, w = grey.shape[:2]
        regions = uncovered_regions(grey, dpi, lines, cfg["min_region_chars"])
        self.gap_regions = regions
        out = list(lines)
        for x0, y0, x1, y1 in regions:
            pad = int(0.1 * dpi)
            ox, oy = max(0, x0 - pad), max(0, y0 - pad)
            sub = grey[oy:min(h, y1 + pad), ox:min(w, x1 + pad)]
            stagetime.count("rapid_gap_regions")
            with stagetime.stage("ocr_rapidocr"):
                items, _ = self.detect(sub, region=True, dpi=dpi)
            shifted = [(q + np.array([ox, oy], dtype=np.float32), t, s) for q, t, s in items]
            out.extend(rapid.boxes_to_lines(shifted, w, h))
        return out

    def _whole_page(self, rgb, w, h) -> list[Line]:
        """RapidOCR as the rapidocr engine reads a page: on the upright page, not deskewed (the
        detector copes with skew; measured, it missed a line of a deskewed prose page)."""
        stagetime.count("rapid_whole_pages")
        with stagetime.stage("ocr_rapidocr"):
            items, _ = self.detect(rapid.ocr_grey(rgb))
        self.decisions.append(Decision(-1, ("whole_page",), "", 0.0, "", 0.0, "rapidocr", "full_page_confidence"))
        return rapid.boxes_to_lines(items, w, h)


def _frac(box, w, h):
    return (max(0.0, min(1.0, box[0] / w)), max(0.0, min(1.0, box[1] / h)),
            max(0.0, min(1.0, box[2] / w)), max(0.0, min(1.0, box[3] / h)))


@register(ENGINE)
def make_cascade(**options) -> CascadeEngine:
    return CascadeEngine(**options)
