"""A 统一社会信用代码 OCR split over two cells of one table row: 17 characters in one cell, the
missing one alone in a neighbouring cell (9150…E9E6 | 6注册资金; 。1 | 91500119MAPMY0BX8). The parts
are put together only when the 18 characters pass both check digits, so nothing is guessed."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Sequence

from pipeline import uscc
from pipeline.extract.config import labels
from pipeline.extract.layout import Cell

CODE17 = re.compile(r"(?<![0-9A-Za-z])[0-9A-Za-z]{17}(?![0-9A-Za-z])")
_ALNUM = re.compile(r"[0-9A-Za-z]+")


def _lone_chars(cell: Cell) -> list[str]:
    """Characters a cell may hold of a neighbour's code: its only 1–2 letters or digits, or the one
    it starts with before other text (6注册资金)."""
    runs = _ALNUM.findall(cell.text)
    out = [r[-1] for r in runs if len(r) <= 2]
    m = re.match(r"[0-9A-Za-z](?![0-9A-Za-z])", cell.text)
    if m:
        out.append(m.group())
    return [c.upper() for c in out]


def completed(code17: str, cell: Cell, row: Sequence[Cell]) -> tuple[str, Cell] | None:
    """(the 18-character code, the cell its missing character was in), the character taken from the
    cell next to `cell` on either side; None when no such character makes a valid code."""
    if len(code17) != 17 or cell not in row:
        return None
    k = row.index(cell)
    for other in (row[k + 1] if k + 1 < len(row) else None, row[k - 1] if k > 0 else None):
        if other is None:
            continue
        for ch in _lone_chars(other):
            for code in (code17 + ch, ch + code17):
                if uscc.is_valid(code):
                    return code, other
    return None


_LONG = re.compile(r"(?<![0-9A-Za-z])[0-9A-Za-z]{19,36}(?![0-9A-Za-z])")


def overlong(text: str) -> str | None:
    """The code in a run of 19–36 letters and digits (a narrow scanned code column: the cell's wrapped
    second line joined to the first, and a clipped glyph of the first line's end read after it,
    1250010499075380 / 11 + 0 → 1250010499075380110; or the line under the cell read into it before
    the code, 91500152MA5501 + 91500152MATRJ9CP3T, dev seed 1421 #005): the one 18-character window that
    passes both check characters with only certain repairs (O→0 …); None when none or several do."""
    hits = []
    for m in _LONG.finditer(text):
        run = m.group()
        hits += [w for w in (run[i:i + 18] for i in range(len(run) - 17)) if uscc.repair(w, max_ambiguous=0)]
    return hits[0].upper() if len(hits) == 1 else None


def _specks() -> str:
    """The marks a scan's specks come back as (labels.yaml target_table.value_specks)."""
    return labels()["target_table"]["value_specks"]


@lru_cache(maxsize=1)
def _specked() -> re.Pattern:
    return re.compile(r"(?<![0-9A-Za-z])[0-9A-Za-z](?:[0-9A-Za-z]|[%s]{1,2}(?=[0-9A-Za-z])){17,19}(?![0-9A-Za-z])"
                      % re.escape(_specks()))


def despecked_code(text: str) -> str | None:
    """The code a speck or two on the scan interrupts (5250010496641-3161K: a dot read as -; a wrapped
    cell's two lines joined over the specks after the first, 5250011050854824。。5R): the
    18 letters and digits of the run, only when they pass both check characters as they stand."""
    for m in _specked().finditer(text):
        code = "".join(_ALNUM.findall(m.group())).upper()
        if len(code) == 18 and m.group() != code and uscc.is_valid(code):
            return code
    return None


def glyph_code(text: str) -> str | None:
    """The code whose first or last character OCR read as a look-alike glyph that is no letter or digit
    (12500118933190037」 for …037J: the wrapped last line of a narrow code column, dev seed 1493 #003),
    labels.yaml code_glyphs: only when the 18 characters then pass both check characters."""
    glyphs = labels().get("code_glyphs") or {}
    if not glyphs:
        return None
    g = "".join(map(re.escape, glyphs))
    for m in re.finditer(rf"(?<![0-9A-Za-z])(?:[{g}][0-9A-Za-z]{{17}}|[0-9A-Za-z]{{17}}[{g}])(?![0-9A-Za-z])", text):
        code = "".join(glyphs.get(ch, ch) for ch in m.group()).upper()
        if uscc.is_valid(code):
            return code
    return None


def wrapped_code(row: Sequence[Cell], nxt: Sequence[Cell]) -> tuple[tuple[Cell, ...], tuple[Cell, ...]] | None:
    """A code cell whose end wrapped onto the line below (91500116MA4T7DUH / 4T), that line read as a
    row of its own: (the row with the code whole, the line without its piece) when the 18 characters
    pass both check characters; else None."""
    for k, c in enumerate(row):
        head = c.text.strip().strip(_specks())  # specks after the head: 5250011050854824。。 / 5R (dev seed 935 #003)
        if not re.fullmatch(r"[0-9A-Za-z]{12,17}", head):
            continue
        for j, d in enumerate(nxt):
            tail = d.text.strip().strip(_specks())
            over = min(c.bbox[2], d.bbox[2]) - max(c.bbox[0], d.bbox[0])
            code = (head + tail).upper()
            if over > 0 and re.fullmatch(r"[0-9A-Za-z]{1,6}", tail) and len(code) == 18 and uscc.is_valid(code):
                box = (min(c.bbox[0], d.bbox[0]), c.bbox[1], max(c.bbox[2], d.bbox[2]), d.bbox[3])
                whole = Cell(code, c.raw + d.raw, c.file, c.page, box, min(c.confidence, d.confidence), c.source, c.origin)
                return tuple(row[:k]) + (whole,) + tuple(row[k + 1:]), tuple(nxt[:j]) + tuple(nxt[j + 1:])
    return None
