"""A re-read crop that read the line next to it instead of its own.

A segment's crop is the height of its Tesseract line's box, and a skewed or loose box reaches into
the line above or below; RapidOCR then reads the neighbour's larger ink and splices it in for what
Tesseract read right (a wrapped header's （件） under 新增知识产权 read 新一知识产权: the doubled name
matched no indicator and the target was lost, dev seed 1420 #008). A reading that repeats a
neighbouring line's words inside the crop, and is far from Tesseract's own words there, is that
neighbour's ink: it is not spliced in.
"""
from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz.distance import Levenshtein

from pipeline.model import Line
from pipeline.ocr.cascade_splice import sorted_words
from pipeline.ocr.tesseract import join_words

MIN_CHARS = 3
"""Shorter readings are left alone: two characters repeat by chance."""
LIKE = 0.6
"""A reading at least this similar (normalised Levenshtein) to the neighbour's words repeats them…"""
MARGIN = 0.3
"""…when it is more similar to them than to Tesseract's own words of the segment by this much."""


def _neighbour_texts(box: tuple[float, float, float, float], own: int, lines: Sequence[Line], w: int, h: int) -> list[str]:
    """Per other line, its words inside the crop `box` (pixels): over half of a word's width within the
    crop's, and some of its height."""
    x0, y0, x1, y1 = box[0] / w, box[1] / h, box[2] / w, box[3] / h
    out = []
    for k, ln in enumerate(lines):
        if k == own:
            continue
        words = [wd for wd in ln.words if min(y1, wd.bbox[3]) > max(y0, wd.bbox[1])
                 and min(x1, wd.bbox[2]) - max(x0, wd.bbox[0]) > 0.5 * (wd.bbox[2] - wd.bbox[0])]
        if words:
            out.append(join_words([wd.text for wd in sorted(words, key=lambda wd: wd.bbox[0])]))
    return out


def echoes_neighbour(reading: str, own_text: str, box, own: int, lines: Sequence[Line], w: int, h: int) -> bool:
    """`reading` (of the crop `box`, pixels, of line `own`) repeats another line's words in the crop."""
    r = "".join(reading.split())
    if len(r) < MIN_CHARS:
        return False
    mine = Levenshtein.normalized_similarity(r, "".join(own_text.split()))
    return any(sim >= LIKE and sim > mine + MARGIN
               for t in _neighbour_texts(box, own, lines, w, h)
               for sim in [Levenshtein.normalized_similarity(r, "".join(t.split()))])


def drop_echoes(parts: list, segs: Sequence, own: int, lines: Sequence[Line], w: int, h: int) -> list:
    """The readings of line `own`'s read segments (`segs`, cascade_splice.Segment) with those that echo a
    neighbouring line made empty: the segment keeps Tesseract's words."""
    words = sorted_words(lines[own])
    return [("", 0.0) if echoes_neighbour(txt, join_words([x.text for x in words[sg.first:sg.last + 1]]), sg.box, own, lines, w, h)
            else (txt, score) for (txt, score), sg in zip(parts, segs)]
