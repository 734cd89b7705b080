"""Table cells from ruled lines: where a line of OCR words crosses the vertical rules of a table,
and its words cut there, one group per cell.

OCR reads a ruled row as one run across its columns (1孵化开源项目≥40, 不少于0.12万人), and its word
boxes may straddle a rule. The rules on the image (`Page.rulings`) say where the cells are; these
pure functions split the words there, so a value, its unit and its indicator land in their own
cells whatever the OCR engine made of the gaps. Used at reading (the cascade re-reads per cell)
and at extraction (pipeline.extract.layout builds cells from the groups).
"""
from __future__ import annotations

from typing import Sequence

from pipeline.model import Line, Ruling, Word

BAND_COVER = 0.6
"""A vertical rule cuts a line when it spans at least this share of the line's height."""
MIN_SIDE_CHARS = 1.0
"""A word is cut at a rule only when at least this many character widths of it lie on each side;
otherwise the rule is the word box's slack (RapidOCR's cell crops reach to the rule) and the
whole word goes to the side holding most of it."""


def column_cuts(rulings: Sequence[Ruling], box: tuple[float, float, float, float]) -> list[float]:
    """x of the vertical rules that cross the line box (a share BAND_COVER of its height) strictly
    inside its horizontal extent, left to right."""
    x0, y0, x1, y1 = box
    h = max(y1 - y0, 1e-9)
    xs = [r.at for r in rulings if r.axis == "v" and x0 < r.at < x1
          and min(y1, r.end) - max(y0, r.start) >= BAND_COVER * h]
    return sorted(set(xs))


def rule_between(rulings: Sequence[Ruling], axis: str, lo: float, hi: float, span: tuple[float, float],
                 tol: float = 0.0) -> bool:
    """A rule of `axis` lies between `lo` and `hi` (± tol) and covers a share BAND_COVER of `span`
    along it: two cells on either side of it are two cells, however close OCR put their text
    (a vertical rule between x = lo and hi over the rows' band, or a horizontal one between two rows)."""
    a, b = span
    need = BAND_COVER * max(b - a, 1e-9)
    return any(r.axis == axis and lo - tol <= r.at <= hi + tol and min(b, r.end) - max(a, r.start) >= need
               for r in rulings)


def char_width(text: str) -> float:
    """Width of a text in full-width character units (Latin and digits about half)."""
    return max(sum(0.55 if ord(ch) < 0x2E80 else 1.0 for ch in text), 0.5)


def _cut_word(w: Word, cuts: Sequence[float], doubt: float | None = None) -> list[Word]:
    """The word cut at the rules inside its box, text shared by character width (an estimate:
    the pieces' confidence drops to `doubt` when given, so the cascade re-reads their cells)."""
    x0, y0, x1, y1 = w.bbox
    unit = (x1 - x0) / char_width(w.text)
    inner = [x for x in cuts if x - x0 >= MIN_SIDE_CHARS * unit and x1 - x >= MIN_SIDE_CHARS * unit]
    if not inner or len(w.text) < 2:
        return [w]
    out, start, left = [], 0, x0
    widths = [char_width(ch) * unit for ch in w.text]
    edges = [x0]
    for wd in widths:
        edges.append(edges[-1] + wd)
    for x in inner:
        # the character boundary nearest the rule; a space within two characters of it is the
        # boundary itself (RapidOCR's reading of a crop over two cells: 1 重庆云帆…)
        k = min(range(start + 1, len(w.text)), key=lambda i: abs(edges[i] - x), default=None)
        spaces = [i for i in range(start + 1, len(w.text)) if w.text[i - 1].isspace() or w.text[i].isspace()]
        near = [i for i in spaces if k is not None and abs(i - k) <= 2]
        if near:
            k = min(near, key=lambda i: abs(i - k))
        elif k is not None and not _script_change(w.text, k):
            # a cell's padding is blank, so the share by width misplaces the cut by a character or
            # two where a short cell stands before a long one (3每 | 年举办…: the 序号 centred in its
            # column): within two of it, the end of a run of figures before Chinese is the boundary
            turns = [i for i in range(k - 2, k + 3) if start < i < len(w.text) and _script_change(w.text, i)
                     and w.text[start:i].strip().isascii()]
            if turns:
                k = min(turns, key=lambda i: abs(edges[i] - x))
        if k is None or k <= start:
            continue
        k = _run_end(w.text, start, _past_specks(w.text, start, k))
        out.append(Word(text=w.text[start:k], bbox=(left, y0, x, y1), confidence=w.confidence))
        start, left = k, x
    out.append(Word(text=w.text[start:], bbox=(left, y0, x1, y1), confidence=w.confidence))
    conf = w.confidence if doubt is None else min(w.confidence, doubt)
    return [p.model_copy(update={"text": p.text.strip(), "confidence": conf}) for p in out
            if p.text.strip() and p.text.strip(SPECKS)]


SPECKS = "·.,:;、'\"`°*_-~。，；：・"
"""Marks a scan's specks come back as (the same as labels.yaml target_table.value_specks: this module sits
below the extractors and is used at reading too, so it does not read their data). A speck far left of a figure widens its word's box (·2000 boxed
from the unit's cell to the value's), so the share by width cuts the figures (人·20 | 00, dev seed
937 #10: 2000 read 0): a cut inside figures that only specks precede goes after the specks, and a
piece of specks alone is dropped."""


_CODE_RUN = (10, 19)
"""A run of letters and figures this long is a code (a USCC, 17–18 as OCR reads it): one cell's."""


def _run_end(text: str, start: int, k: int) -> int:
    """The cut `k` moved to the nearer end of the code-shaped run it falls inside (`_CODE_RUN`): a
    code's letters and figures are narrower than the share by width takes them to be (a third of a
    Chinese character's width, not half), so a rule after a code cut it 91500108MARP69 | 2U4 应用单位
    (dev seed 1522 #10 lost the member's code)."""
    if not (0 < k < len(text) and text[k - 1].isascii() and text[k - 1].isalnum()
            and text[k].isascii() and text[k].isalnum()):
        return k
    a, b = k, k
    while a > start and text[a - 1].isascii() and text[a - 1].isalnum():
        a -= 1
    while b < len(text) and text[b].isascii() and text[b].isalnum():
        b += 1
    if not (_CODE_RUN[0] <= b - a <= _CODE_RUN[1]):
        return k
    return b if (b - k <= k - a and b < len(text)) or a == start else a


def _past_specks(text: str, start: int, k: int) -> int:
    """The cut `k` moved to the end of the specks that open text[start:] when only figures lie between
    them and the cut and a figure follows it (one number is not cut in two)."""
    i = start
    while i < k and text[i] in SPECKS:
        i += 1
    if start < i < k and text[i:k].isdigit() and k < len(text) and text[k].isdigit():
        return i
    return k


def _script_change(text: str, i: int) -> bool:
    """Chinese on one side of position i of `text`, a figure or Latin letter on the other."""
    a, b = text[i - 1], text[i]
    return a.isascii() and a.isalnum() and _is_cjk(b) or _is_cjk(a) and b.isascii() and b.isalnum()


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def column_of(box: tuple[float, float, float, float], cuts: Sequence[float]) -> int:
    """Index of the column (between cuts) holding most of the box."""
    x0, _, x1, _ = box
    edges = [float("-inf"), *cuts, float("inf")]
    return max(range(len(edges) - 1), key=lambda i: min(x1, edges[i + 1]) - max(x0, edges[i]))


def cell_groups(words: Sequence[Word], cuts: Sequence[float], doubt: float | None = None) -> list[list[Word]]:
    """The words, cut at the rules they straddle, grouped by the column they stand in (left to
    right, empty columns left out). Without cuts: one group."""
    ws = sorted(words, key=lambda w: w.bbox[0])
    if not cuts:
        return [list(ws)] if ws else []
    groups: dict[int, list[Word]] = {}
    for w in ws:
        for piece in _cut_word(w, cuts, doubt):
            groups.setdefault(column_of(piece.bbox, cuts), []).append(piece)
    return [groups[k] for k in sorted(groups)]


def cut_line(line: Line, rulings: Sequence[Ruling], doubt: float | None = None) -> tuple[Line, list[float]]:
    """The line with its words cut at the vertical rules it crosses (text unchanged; a cut word's
    pieces at confidence `doubt`), and the rules' x (page fractions)."""
    cuts = column_cuts(rulings, line.bbox) if line.words else []
    if not cuts:
        return line, []
    words = tuple(p for g in cell_groups(line.words, cuts, doubt) for p in g)
    return (line.model_copy(update={"words": words}) if len(words) != len(line.words) else line), cuts
