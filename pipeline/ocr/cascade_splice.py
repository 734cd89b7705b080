"""The parts of a chosen line the cascade re-reads (windows round uncertain words, table cells) and
how RapidOCR's readings of those crops are spliced back into Tesseract's line."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from pipeline.model import Line, Word
from pipeline.ocr.cascade_choice import mean_conf
from pipeline.ocr.punctuation import fix_punctuation
from pipeline.ocr.tesseract import join_words


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


@lru_cache(maxsize=8)
def _value_cell_pattern(pattern: str) -> re.Pattern | None:
    return re.compile(pattern) if pattern else None


def segments_to_read(line: Line, cells: list[tuple[float, float, float, float]], w: int, h: int, cfg: dict,
                     key: bool = True, table: bool = False,
                     dropped: Callable[[tuple[float, float, float, float], list[Word]], bool] | None = None) -> list[Segment]:
    """What to crop from a chosen line (cascade.yaml `windows`, `table_cells`):
    - a table row (≥ table_min_cells cells, or `table`: a line across a ruled table's rule): every
      cell, or only cells holding an uncertain word, a value (`table_value_cells`) or ink beside
      their words that no word covers (`dropped`: a glyph Tesseract dropped with its box);
    - otherwise windows round the uncertain words, or the whole line when windows are off or
      would cover most of it."""
    words = sorted_words(line)
    win = cfg["windows"]
    threshold = win["word_confidence" if key else "plain_word_confidence"] if win.get("enabled", True) else 2.0
    # (2.0: every word uncertain, i.e. whole lines and every cell)
    if table or len(cells) >= cfg["table_min_cells"]:
        value_cell = _value_cell_pattern(cfg.get("table_value_cells") or "")
        owner = [min(range(len(cells)), key=lambda c: _distance((wd.bbox[0] + wd.bbox[2]) / 2 * w, cells[c]))
                 for wd in words]
        segs = []
        for c, box in enumerate(cells):
            idx = [k for k, o in enumerate(owner) if o == c]
            if not idx:
                continue
            uncertain = any(words[k].confidence < threshold for k in idx)
            value = bool(value_cell) and bool(value_cell.search("".join(words[k].text for k in idx)))
            read = cfg["table_cells"] == "all" or uncertain or value
            if not read and dropped is not None:  # ink in the cell that no word covers: a glyph Tesseract dropped
                read = dropped(box, [words[k] for k in idx])
            segs.append(Segment(idx[0], idx[-1], box, cell=True, read=read))
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
            box = (min(x.bbox[0] for x in run), min(x.bbox[1] for x in run),
                   max(x.bbox[2] for x in run), max(x.bbox[3] for x in run))
            if seg.cell:
                new_words.extend(Word(text=t, bbox=b, confidence=float(score))
                                 for t, b in cell_words(txt, join_words([x.text for x in run]), box, _frac(seg.box, w, h)))
            else:
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
    # pieces are fixed on their own: a cell's reading may be more words than one piece (三百 → 三 | 百
    # by cell_words), and pairing them with the words' list lost the line's last characters
    pieces = [(t, cell_start) for t, (_, cell_start) in zip(fix_punctuation([t for t, _ in pieces]), pieces)]
    text = ""
    for piece, cell_start in pieces:
        text = (text + " " + piece) if text and cell_start else join_words([text, piece]) if text else piece
    chars = sum(len(wd.text) for wd in new_words) or 1
    conf = sum(wd.confidence * len(wd.text) for wd in new_words) / chars
    engine = "rapidocr" if not kept else "tesseract+rapidocr" if kept < len(words) else "tesseract"
    if engine == "tesseract":
        return line
    return Line(text=text, bbox=line.bbox, confidence=float(conf), words=tuple(new_words), engine=engine)


def cell_words(reading: str, tess: str, tess_box, cell_box) -> list[tuple[str, tuple]]:
    """RapidOCR's reading of a cell crop as words with boxes. The crop may span columns Tesseract
    saw as empty (a rule-to-rule cell over an empty code column; a unit Tesseract dropped), and the
    layout later cuts words at the table's rules by their box: where Tesseract's text is the reading
    or its start, that part keeps Tesseract's box and the rest lies after it in the crop; otherwise
    the reading spans the crop (Tesseract's box of a first glyph can swallow a 序号 it did not read:
    3每年举办… is cut where its digits end, pipeline.grid)."""
    t = "".join(tess.split())
    r = "".join(reading.split())
    if not t or not r.startswith(t):
        return [(reading, cell_box)]
    x0, y0, x1, y1 = tess_box
    out = [(t, tess_box)]
    if len(r) > len(t):
        out.append((r[len(t):], (x1, y0, cell_box[2], y1)))
    return out


def _frac(box, w, h):
    return (max(0.0, min(1.0, box[0] / w)), max(0.0, min(1.0, box[1] / h)),
            max(0.0, min(1.0, box[2] / w)), max(0.0, min(1.0, box[3] / h)))
