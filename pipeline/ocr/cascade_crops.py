"""Where the cascade cuts a page for RapidOCR: table cells of a line, line crops with their rules
erased, blocks of overlapping (mis-segmented) lines, and ink no Tesseract line covers. Pixel geometry
only; what to re-read is decided in pipeline/ocr/cascade_choice.py."""
from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from pipeline.grid import column_cuts
from pipeline.model import Line, Ruling, Word
from pipeline.ocr.preprocess import remove_rules


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


def reach_outer_rules(cells: list[tuple[float, float, float, float]], line: Line, rulings: Sequence[Ruling],
                      width: int, height: int, reach: float) -> list[tuple[float, float, float, float]]:
    """A ruled row's outer cells stretched to the rules that close them, when one lies within `reach`
    line heights of the text: Tesseract drops a character at a cell's edge together with its box
    (联合体牵头方、开 wrapped before the table's border, read without 开), and the cell's crop must
    hold it. Rows with no rule beyond their text keep their cells."""
    if not cells:
        return cells
    x0, y0, x1, y1 = line.bbox
    lh = (y1 - y0) * height / width  # a line height, in page-width fractions
    right = column_cuts(rulings, (x1, y0, x1 + reach * lh, y1))
    left = column_cuts(rulings, (x0 - reach * lh, y0, x0, y1))
    out = [list(c) for c in cells]
    inset = 0.1 * (y1 - y0) * height
    if right:
        out[-1][2] = max(out[-1][2], right[0] * width - inset)
    if left:
        out[0][0] = min(out[0][0], left[-1] * width + inset)
    return [tuple(c) for c in out]


def reach_outer_ink(cells: list[tuple[float, float, float, float]], line: Line, grey: np.ndarray,
                    reach: float) -> list[tuple[float, float, float, float]]:
    """An unruled row's last cell stretched over ink right after the line's end (within one line
    height of it, running on no further than `reach` line heights): a glyph Tesseract dropped with its
    box at the end of a row (三百 read 三 in a target table whose red rules the red channel does not
    show), which the cell's crop must hold to be read again. Rows with nothing beside them keep their cells."""
    if not cells:
        return cells
    height, width = grey.shape[:2]
    y0, y1 = int(line.bbox[1] * height), int(line.bbox[3] * height) + 1
    lh = max(y1 - y0, 1)
    start = int(line.bbox[2] * width) + 1
    strip = grey[y0:y1, start:min(width, start + int(reach * lh))] < 128
    if not strip.size:
        return cells
    inked = (strip.sum(axis=0) > 0) & (strip.mean(axis=0) < 0.8)  # rules aside
    cols = np.flatnonzero(inked)
    if not cols.size or cols[0] > lh:
        return cells
    end = cols[0]
    for c in cols[1:]:  # the run of ink, gaps under half a line height
        if c - end > 0.5 * lh:
            break
        end = c
    out = [list(c) for c in cells]
    out[-1][2] = max(out[-1][2], start + end + 0.3 * lh)
    return [tuple(c) for c in out]


def ink_beside_words(grey: np.ndarray, box: tuple[float, float, float, float], words: Sequence[Word],
                     line: Line, min_ink: float) -> bool:
    """A glyph's worth of ink in the cell (pixel `box`) left of its first word or right of its last,
    within the line's height: Tesseract dropped a character with its box (开源人才培训 read 源人才培训
    at 0.92, so the cell was not re-read). A glyph's worth is `min_ink` of the dark pixels per
    character inside the words' own boxes (font and resolution free); columns inked over most of the
    height (a rule) do not count."""
    height, width = grey.shape[:2]
    y0, y1 = int(line.bbox[1] * height), int(line.bbox[3] * height) + 1
    lh = max(y1 - y0, 1)
    xs = sorted((wd.bbox[0] * width, wd.bbox[2] * width) for wd in words)
    chars = sum(len(wd.text) for wd in words)
    inside = sum(int((grey[y0:y1, int(a):int(b) + 1] < 128).sum()) for a, b in xs)
    if not chars or not inside:
        return False
    need = min_ink * inside / chars
    margin = 0.15 * lh
    for a, b in ((box[0], xs[0][0] - margin), (xs[-1][1] + margin, box[2])):
        if b - a < 0.5 * lh:
            continue
        strip = grey[y0:y1, int(max(0, a)):int(min(width, b))] < 128
        if not strip.size:
            continue
        strip = strip[:, strip.mean(axis=0) < 0.8]  # rules
        if strip.sum() >= need:
            return True
    return False


def crop(grey: np.ndarray, box: tuple[float, float, float, float], pad_y: float) -> np.ndarray:
    """The box (already as wide as wanted) with `pad_y` pixels of margin above and below."""
    h, w = grey.shape[:2]
    x0, y0 = int(max(0, box[0])), int(max(0, box[1] - pad_y))
    x1, y1 = int(min(w, box[2])), int(min(h, box[3] + pad_y))
    return grey[y0:y1, x0:x1]


def unreliable_blocks(lines: list[Line], chosen: list[int], min_overlap: float = 0.0) -> list[list[int]]:
    """Groups of line indices whose Tesseract boxes overlap another line's box (mis-segmented text,
    usually under a seal), grown to every line that overlaps the group; only groups holding a
    chosen line. A crop of such a box cuts through neighbouring lines, so these are re-read by
    RapidOCR detection over the block instead.

    Two boxes overlap when they share more than `min_overlap` of the shorter one's height (and any
    width): consecutive prose lines whose boxes touch by an ascender, a bracket or tight line
    spacing (~20 % of a line's height) were read well and are not a block (cascade.yaml block_overlap)."""
    def overlap(a, b):
        shared = min(a[3], b[3]) - max(a[1], b[1])
        return min(a[2], b[2]) > max(a[0], b[0]) and shared > 0 and shared > min_overlap * min(a[3] - a[1], b[3] - b[1])

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


def erase_crop_rules(img: np.ndarray, fill: float = 0.8, residue_darkest: int = 190, residue_paper: int = 250,
                     residue_share: float = 0.5) -> np.ndarray:
    """White out table rules in a line crop: columns/rows inked over `fill` of the crop's height/width.

    The crop has a margin above and below the glyphs (glyphs fill at most ~2/3 of its height), so
    no character stroke spans it; a cell border does, and RapidOCR would read it as 1 or |.
    Columns that are grey over `residue_share` of the height but nowhere darker than
    `residue_darkest` are a rule's faint remains (cascade.yaml `rule_residue`) and go too.
    """
    if img.size == 0:
        return img
    ink = img < 200  # thin rules come out light grey after blur and JPEG
    cols = ink.mean(axis=0) >= fill
    rows = ink.mean(axis=1) >= fill
    # A rule's faint edge (a skewed rule's fringe, 200–250 grey, never a glyph's dark stroke) is
    # what is left beside the erased columns: RapidOCR reads it as 1 (24 → 124).
    dark = img.min(axis=0) < residue_darkest
    near_dark = np.convolve(dark.astype(np.uint8), np.ones(5, np.uint8), mode="same")[:dark.size] > 0
    cols |= ~near_dark & ((img < residue_paper).mean(axis=0) >= residue_share)  # not a glyph's soft edge
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


def trim_blank_sides(img: np.ndarray, keep: int, ink_below: int = 200) -> np.ndarray:
    """The crop without the blank paper at its left and right beyond `keep` pixels of the outermost ink.

    The recogniser's cost grows with a crop's width (~7.5 ms per 100 px at its 48 px line height,
    no fixed cost per crop), and a cell crop reaches from rule to rule or over the gaps round its
    words (a row number 1 in a 260 px wide cell): blank columns are paid for and read as nothing.
    Every inked column stays (a glyph Tesseract dropped is what a cell reaches out for); `ink_below`
    is the erasure's own ink level (erase_crop_rules). An all-blank crop, or one holding only a speck
    under 0.6 `keep` (0.3 line heights) either way, is returned as it is.
    """
    if img.size == 0:
        return img
    ink = img < ink_below
    cols = np.flatnonzero(ink.any(axis=0))
    if not cols.size:
        return img
    rows = np.flatnonzero(ink.any(axis=1))
    if max(cols[-1] - cols[0], rows[-1] - rows[0]) + 1 < 0.6 * keep:
        # a speck (smaller than a glyph in both directions): cut down to it, the recogniser reads it as a
        # character (。 under a role cell read 8 at 0.57: seed 927 #011's role cell became doubtful)
        return img
    x0, x1 = max(0, int(cols[0]) - keep), min(img.shape[1], int(cols[-1]) + 1 + keep)
    return img if (x0, x1) == (0, img.shape[1]) else img[:, x0:x1]
