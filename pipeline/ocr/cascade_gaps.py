"""What a gap region's RapidOCR reading adds to the lines already read beside it.

A gap region is ink no Tesseract line covered (often a line's first or last characters Tesseract
dropped with its box: 甲方 before （牵头单位）…). The region is read with padding, so its reading
reaches into the line beside it (甲方（牵） next to 方（牵头单位）：…), and kept as its own line it
became a second row cell that cut the line in two. Where the two readings overlap in text as well
as on the page, the gap's new characters are joined onto the line; a reading lying mostly inside a
line already read is that line again and is dropped.
"""
from __future__ import annotations

import unicodedata

from pipeline.model import Line, Word

# The overlap must be at least this many characters, and may leave at most `slack` characters of
# either reading outside it at the joint (a bracket the padded crop closed on its own: 甲方（牵）).
MIN_OVERLAP = 2
SLACK = 2


def _area(box) -> float:
    return max(box[2] - box[0], 1e-9) * max(box[3] - box[1], 1e-9)


def _inter(a, b) -> float:
    return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))


def read_already(line: Line, lines: list[Line], most: float = 0.5) -> bool:
    """A gap region's read that lies mostly inside a line already read: the padded crop took in that
    line's end and read it again (申报单位 重庆北辰……研究院 + 辰信息技术产业研究院), which the row would
    glue on as a doubled name."""
    return any(_inter(line.bbox, ln.bbox) >= most * _area(line.bbox) for ln in lines)


def same_ink(line: Line, lines: list[Line], most: float = 0.5) -> bool:
    """`line` and one of `lines` cover the same ink: their boxes overlap over `most` of the smaller."""
    return any(_inter(line.bbox, ln.bbox) >= most * min(_area(line.bbox), _area(ln.bbox)) for ln in lines)


def _same_row(a: Line, b: Line) -> bool:
    over = min(a.bbox[3], b.bbox[3]) - max(a.bbox[1], b.bbox[1])
    return over >= 0.5 * min(a.bbox[3] - a.bbox[1], b.bbox[3] - b.bbox[1])


def _comparable(text: str) -> str:
    """Full-width and ASCII forms alike (the engines differ: （ against (), where that keeps the length."""
    t = unicodedata.normalize("NFKC", text)
    return t if len(t) == len(text) else text


def _joint(head: str, tail: str) -> tuple[int, int] | None:
    """(i, j): head[:i] + tail[j:] reads the two texts once, where head's end and tail's start are the
    same characters read twice (甲方（牵） + 方（牵头单位） → i=1, j=0); None when they share none."""
    head, tail = _comparable(head), _comparable(tail)
    for k in range(min(len(head), len(tail)), MIN_OVERLAP - 1, -1):
        for i in range(max(0, len(head) - k - SLACK), len(head) - k + 1):
            for j in range(0, min(SLACK, len(tail) - k) + 1):
                if head[i:i + k] == tail[j:j + k]:
                    return i, j
    return None


def _joined(left: Line, right: Line, keep_left: bool) -> Line | None:
    """One line from two readings overlapping at left's end and right's start; the line already read
    (`keep_left` says which) keeps its words, the other gives only its new characters."""
    at = _joint(left.text, right.text)
    if at is None:
        return None
    i, j = at
    if keep_left:
        new, old = right.text[j + len(left.text) - i:], left
        if not new:
            return left
        x0 = max(left.bbox[2], right.bbox[0])
        extra = Word(text=new, bbox=(x0, right.bbox[1], max(x0, right.bbox[2]), right.bbox[3]), confidence=right.confidence)
        words = tuple(old.words) + (extra,)
    else:
        new, old = left.text[:i], right
        if not new:
            return right
        x1 = min(right.bbox[0], left.bbox[2])
        extra = Word(text=new, bbox=(left.bbox[0], left.bbox[1], max(left.bbox[0], x1), left.bbox[3]), confidence=left.confidence)
        words = (extra,) + tuple(old.words)
    text = old.text + new if keep_left else new + old.text
    box = (min(left.bbox[0], right.bbox[0]), min(left.bbox[1], right.bbox[1]),
           max(left.bbox[2], right.bbox[2]), max(left.bbox[3], right.bbox[3]))
    conf = (old.confidence * len(old.text) + extra.confidence * len(new)) / max(1, len(old.text) + len(new))
    return old.model_copy(update={"text": text, "bbox": box, "words": words, "confidence": conf})


def add_gap_line(gap: Line, lines: list[Line]) -> list[Line]:
    """`lines` with what `gap` adds: joined onto the line of its row whose box it overlaps where the
    texts overlap too, dropped when it lies mostly inside a line read already, else a line of its own."""
    for k, ln in enumerate(lines):
        if not _same_row(gap, ln) or gap.bbox[2] <= ln.bbox[0] or gap.bbox[0] >= ln.bbox[2]:
            continue
        if gap.bbox[0] < ln.bbox[0] and gap.bbox[2] < ln.bbox[2]:
            joined = _joined(gap, ln, keep_left=False)
        elif gap.bbox[2] > ln.bbox[2] and gap.bbox[0] > ln.bbox[0]:
            joined = _joined(ln, gap, keep_left=True)
        else:
            joined = None
        if joined is not None:
            return lines[:k] + [joined] + lines[k + 1:]
    fragment = len(gap.text.strip()) <= 2  # a glyph or two: a piece of a read glyph, not a text of its own
    if read_already(gap, lines) or (fragment and any(_same_row(gap, ln) and _x_inside(gap, ln) >= 0.5 for ln in lines)):
        return lines
    return lines + [gap]


def _x_inside(a: Line, b: Line) -> float:
    """The share of `a`'s width inside `b`'s: on one row, a gap reading mostly across a read line's box is
    that line's ink again (石 read from the radical of 码 whose Tesseract box began a little late: seed
    1202 #009's role cell became 代石码贡献方)."""
    return max(0.0, min(a.bbox[2], b.bbox[2]) - max(a.bbox[0], b.bbox[0])) / max(a.bbox[2] - a.bbox[0], 1e-9)


def _doubled(short, long) -> bool:
    """`short` is `long`'s ink read again: on its row, over half its width inside `long`'s box, and its
    text inside `long`'s (单 beside 单位名称, 1 over the first digit of 1250011734055728)."""
    a, b = short.bbox, long.bbox
    over = min(a[3], b[3]) - max(a[1], b[1])
    if over < 0.5 * min(a[3] - a[1], b[3] - b[1]):
        return False
    inside = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    return inside >= 0.5 * max(a[2] - a[0], 1e-9) and _comparable(short.text) in _comparable(long.text)


def drop_doubled_words(lines: list[Line]) -> list[Line]:
    """`lines` without the words a second detection read from another line's ink (a block re-read of
    a table with wrapped cells gave 1 | 1250011734055728 … 6T, joined 125001173405572816T: seed 929
    #009). Of two such words the shorter goes, of equal ones the less sure."""
    words = sorted(((k, j, w) for k, ln in enumerate(lines) for j, w in enumerate(ln.words)), key=lambda t: t[2].bbox[0])
    gone: set[tuple[int, int]] = set()
    for i, (k, j, w) in enumerate(words):
        for k2, j2, w2 in words[i + 1:]:
            if w2.bbox[0] >= w.bbox[2]:
                break  # sorted by left edge: no later word overlaps w
            if k2 == k or (k2, j2) in gone or (k, j) in gone:
                continue
            if len(w2.text) > len(w.text) or (len(w2.text) == len(w.text) and w2.confidence > w.confidence):
                short, long, at = w, w2, (k, j)
            else:
                short, long, at = w2, w, (k2, j2)
            if _doubled(short, long):
                gone.add(at)
    if not gone:
        return lines
    out = []
    for k, ln in enumerate(lines):
        keep = [w for j, w in enumerate(ln.words) if (k, j) not in gone]
        if len(keep) == len(ln.words):
            out.append(ln)
        elif keep:
            box = (min(w.bbox[0] for w in keep), min(w.bbox[1] for w in keep),
                   max(w.bbox[2] for w in keep), max(w.bbox[3] for w in keep))
            sep = "" if ln.text == "".join(w.text for w in ln.words) else " "
            conf = sum(w.confidence * len(w.text) for w in keep) / max(1, sum(len(w.text) for w in keep))
            out.append(ln.model_copy(update={"text": sep.join(w.text for w in keep), "words": tuple(keep),
                                             "bbox": box, "confidence": conf}))
    return out
