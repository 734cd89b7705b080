"""Pages → rows of cells, by geometry, with the way back to each line's box and confidence.

One model for every source: OCR engines give one Line per text run, the PDF text layer gives text
rects, DOCX tables give one Line per table row with cells joined by ' | '. Cells are clustered into
rows by vertical overlap and ordered left to right, so a label and its value are found whether they
share a line, sit in two table cells, or the value is on the next line.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache
from statistics import median
from typing import Sequence

from pipeline.grid import cell_groups, column_cuts, rule_between
from pipeline.model import BBox, Document, Line, Page, Ruling

from pipeline.extract.config import labels
from pipeline.extract.layout_cells import Cell, is_speck, join_cells  # noqa: F401  (the names other modules import from here)
from pipeline.extract.row_bands import cluster_rows
from pipeline.extract.ruled_rows import merge_ruled_rows

CELL_SEP = " | "
_WS = re.compile(r"\s+")
_SPLIT_SPACES = re.compile(r"\s{3,}")


_LONE_SQUARE = re.compile(r"(?<=\d)²")
"""A figure's ² whose m OCR lost (面积达到3600²): NFKC would fold it into the number (36002)."""


def norm(text: str) -> str:
    """NFKC (full-width → ASCII, ： → :), no whitespace, 〇-like circles unified, a bracket OCR gave
    as a look-alike mended where its partner is a round bracket (晴川云计算《重庆)有限公司)."""
    t = unicodedata.normalize("NFKC", _LONE_SQUARE.sub("m²", text or ""))
    t = t.replace("○", "〇").replace("◯", "〇").replace("Ｏ", "O")
    if "(" in t or ")" in t:
        opening, closing = _bracket_lookalikes()
        t = closing.sub(r"(\1)", opening.sub(r"(\1)", t))
    return _WS.sub("", t)


@lru_cache(maxsize=1)
def _bracket_lookalikes() -> tuple[re.Pattern, re.Pattern]:
    """(look-alike opening … ')', '(' … look-alike closing), a short run between (labels.yaml)."""
    cfg = labels()["bracket_lookalikes"]
    op, cl = re.escape(cfg["open"]), re.escape(cfg["close"])
    inner = rf"([^(){op}{cl}]{{1,{int(cfg['inside'])}}})"
    return re.compile(rf"[{op}]{inner}\)"), re.compile(rf"\({inner}[{cl}]")


@dataclass(frozen=True)
class PageLayout:
    file: str
    number: int
    source: str
    rows: tuple[tuple[Cell, ...], ...]

    @property
    def text(self) -> str:
        return "\n".join("".join(c.text for c in row) for row in self.rows)


def _width(text: str) -> float:
    return max(sum(0.55 if ord(ch) < 0x2E80 else 1.0 for ch in text), 0.5)


def _split_bbox(bbox: BBox, parts: list[str]) -> list[BBox]:
    """Share a line's box among its cells by text width (DOCX rows have no geometry per cell)."""
    x0, y0, x1, y1 = bbox
    total = sum(_width(p) for p in parts) or 1
    out, x = [], x0
    for p in parts:
        w = (x1 - x0) * _width(p) / total
        out.append((x, y0, x + w, y1))
        x += w
    return out


_SCRIPT_GAP = re.compile(r"(?<=[0-9A-Za-z])\s+(?=[^\x00-\x7f])|(?<=[^\x00-\x7f])\s+(?=[0-9A-Za-z])")
_GLUED_CODE = re.compile(r"(?<=[^\x00-\x7f])(?=[0-9A-Z]{17,19}(?![0-9A-Za-z]))|(?<=[0-9A-Z]{17})(?<![0-9A-Z]{20})(?=[^\x00-\x7f])")
"""Around a code-shaped run (17–19 capitals/digits, a USCC as OCR reads it) glued to Chinese."""


def _ocr_parts(text: str) -> list[str]:
    parts = [p for p in _SCRIPT_GAP.split(text.strip()) if p]
    out = []
    for p in parts:
        out += [q for q in _GLUED_CODE.split(p) if q] if sum(ch.isdigit() for ch in p) >= 6 else [p]
    return out


def line_cells(line: Line, page: Page, origin: int = -1) -> list[Cell]:
    """A line as one or more cells: split on ' | ' (DOCX rows); at the vertical rules it
    crosses on a scanned ruled table (Page.rulings; words cut there, pipeline.grid); per word box for RapidOCR lines
    (its boxes are text runs or re-read table cells); on wide word gaps for Tesseract runs that
    cross table columns; on runs of 3+ spaces (text layers). Inside an OCR run, a space between
    Chinese and Latin/digits also separates cells (1 重庆……公司 9150…… 牵头方), and so does a code
    read glued to Chinese on either side (2重庆……公司91500120MA4Q5KPC7代码贡献单位)."""
    def mk(text: str, bbox: BBox, conf: float) -> list[Cell]:
        parts = _ocr_parts(text) if page.source == "ocr" else [text.strip()]
        boxes = _split_bbox(bbox, parts) if len(parts) > 1 else [bbox]
        return [Cell(norm(p), p, page.file, page.number, b, conf, page.source, origin) for p, b in zip(parts, boxes)]

    if "|" in line.text and (page.table or CELL_SEP in line.text):
        parts = [p.strip() for p in line.text.split("|")]
        return [c for p, b in zip(parts, _split_bbox(line.bbox, parts)) if p for c in mk(p, b, line.confidence)]
    cuts = column_cuts(page.rulings, line.bbox) if page.rulings and line.words else []
    if cuts:
        # a ruled table row: cells from the rules on the image, not from the OCR run (which reads
        # across them: 1孵化开源项目≥40 | 个)
        # (a cell's height is the line's: a code centred in a cell beside a wrapped label stays in
        # the label's row)
        return [c for g in map(_reading_order, cell_groups(line.words, cuts))
                for c in mk("".join(w.text for w in g), _in_line(_union(g), line), _mean_conf(g))]
    if line.engine == "rapidocr" and len(line.words) >= 2:
        return [c for w in line.words for c in mk(w.text, w.bbox, w.confidence)]
    if len(line.words) >= 2:
        heights = [w.bbox[3] - w.bbox[1] for w in line.words]
        gap_limit = 2.5 * median(heights)
        groups: list[list] = [[line.words[0]]]
        for prev, w in zip(line.words, line.words[1:]):
            if w.bbox[0] - prev.bbox[2] > gap_limit:
                groups.append([w])
            else:
                groups[-1].append(w)
        if len(groups) > 1:
            return [c for g in groups for c in mk("".join(w.text for w in g), _union(g), _mean_conf(g))]
    parts = [p for p in _SPLIT_SPACES.split(line.text.strip()) if p]
    if len(parts) > 1:
        return [c for p, b in zip(parts, _split_bbox(line.bbox, parts)) for c in mk(p, b, line.confidence)]
    return mk(line.text, line.bbox, line.confidence) if line.text.strip() else []


def _reading_order(words: list) -> list:
    """One cell's words top line first, each line left to right: RapidOCR's line over a narrow table
    row holds a wrapped name's two lines as words, and in x order the second came first (限公司 at
    0.169 before 慧眼信创科技（重庆）有 at 0.170: 限公司慧眼信创科技(重庆)有, a member lost, seed 1204 #005)."""
    if len(words) < 2:
        return words
    h = median(w.bbox[3] - w.bbox[1] for w in words)
    bands: list[float] = []
    key = {}
    for w in sorted(words, key=lambda w: w.bbox[1] + w.bbox[3]):
        mid = (w.bbox[1] + w.bbox[3]) / 2
        if not bands or mid - bands[-1] > 0.6 * h:
            bands.append(mid)
        key[id(w)] = (len(bands), w.bbox[0])
    return sorted(words, key=lambda w: key[id(w)])


def _union(words) -> BBox:
    return (min(w.bbox[0] for w in words), min(w.bbox[1] for w in words),
            max(w.bbox[2] for w in words), max(w.bbox[3] for w in words))


def _in_line(box: BBox, line: Line) -> BBox:
    return (box[0], line.bbox[1], box[2], line.bbox[3])


def _mean_conf(words) -> float:
    """Character-weighted, specks aside (a rule's residue read 。” at 0.05 beside 孵化场地面积 in a cell:
    it holds no reading to doubt, dev seed 1360 #004), unless the cell is only specks."""
    read = [w for w in words if not is_speck(w.text)] or words
    n = sum(len(w.text) for w in read) or 1
    return sum(w.confidence * len(w.text) for w in read) / n


def page_layout(page: Page) -> PageLayout:
    """Cluster cells into rows: a cell joins a row when their vertical extents overlap by half
    (pipeline.extract.row_bands: a tall cell widens no row)."""
    cells = [c for k, line in enumerate(page.lines) for c in line_cells(line, page, k) if c.text]
    if page.source == "docx" or page.table:
        # DOCX: one Line per paragraph or table row, already in reading order.
        rows = []
        for line in page.lines:
            row = tuple(c for c in line_cells(line, page) if c.text)
            if row:
                rows.append(row)
        return PageLayout(page.file, page.number, page.source, tuple(rows))
    ordered = [merge_spaced(merge_fragments(sorted(r, key=lambda c: c.bbox[0]), page.rulings)) for r in cluster_rows(cells)]
    ordered = merge_ruled_rows(ordered, page.rulings)
    return PageLayout(page.file, page.number, page.source, tuple(merge_wrapped(ordered, page.rulings)))


FRAGMENT_GAP = 0.6
"""Runs closer than this many text heights are one cell (PDF text layers split a line into runs
per font change; table cells are at least two paddings apart)."""
MID_PUNCT = ("、", "，", ",")
PUNCT_BLANK = 0.7
"""A full-width 、 or ， has ink only in the left part of its square: a run after it (龙、| 路演等双创, a
wrapped header cell whose runs a text layer split at the glyph) starts this many text heights
further than its place. Marks that end a label (：) are not among them: label | value stay apart."""


def merge_fragments(row: list[Cell], rulings: Sequence[Ruling] = ()) -> tuple[Cell, ...]:
    """Join runs of different lines that touch, unless a table rule stands between them."""
    out: list[Cell] = []
    for c in row:
        if out:
            prev = out[-1]
            # max: a thin glyph (一) has a box far lower than the line's text height
            h = max(prev.bbox[3] - prev.bbox[1], c.bbox[3] - c.bbox[1])
            band = (min(prev.bbox[1], c.bbox[1]), max(prev.bbox[3], c.bbox[3]))
            gap = c.bbox[0] - prev.bbox[2]
            if prev.text.endswith(MID_PUNCT):
                gap -= PUNCT_BLANK * h  # the blank half of a full-width 、 or ， is outside its box
            if c.origin != prev.origin and gap < FRAGMENT_GAP * h and not (
                    rulings and rule_between(rulings, "v", prev.bbox[2], c.bbox[0], band, 0.3 * h)):
                out[-1] = replace(join_cells(c, prev), origin=c.origin) if _above(c, prev) else join_cells(prev, c)
                continue
        out.append(c)
    return tuple(out)


def _above(a: Cell, b: Cell) -> bool:
    """`a` is the line above `b` in one wrapped cell: one box over the other, `a`'s middle over `b`'s by
    more than half the lower line's height, and the narrower under (or over) the wider. Joined left to
    right, a narrow scanned table's second line that starts a hair further left came first (公司重庆九章……
    股份有限, 6Y91500119MALPEDUJ). Middles, not the shared height: a tall first-line box reaching into
    the short second line's (…促进 0.166–0.191 over 中心 0.182–0.200) is still the line above."""
    h = min(a.bbox[3] - a.bbox[1], b.bbox[3] - b.bbox[1])
    w = min(a.bbox[2] - a.bbox[0], b.bbox[2] - b.bbox[0])
    return _xoverlap(a, b) > 0.5 * w and (b.bbox[1] + b.bbox[3]) - (a.bbox[1] + a.bbox[3]) > h


_CJK1 = re.compile(r"^[\u4e00-\u9fff]:?$")
SPACED_GAP = 8.0
"""Single characters further apart than this many text heights are not one spaced-out word."""


def merge_spaced(row: tuple[Cell, ...]) -> tuple[Cell, ...]:
    """A label set with spaces between its characters (单  位  名  称, justified table cells) reads as
    one cell per character: join runs of 3+ single Chinese characters standing close together, or of
    2 when a colon ends them (日  期：). Shorter runs stay apart (家 | 四: a unit and its value).
    OCR often glues the last spaced character to the value after it (单 | 位 | 性 | 质企业): when a
    cell starts one regular step after a run of 2+, its first character is the run's."""
    runs: list[list[Cell]] = []
    cells = list(row)
    k = 0
    while k < len(cells):
        c = cells[k]
        run = runs[-1] if runs else None
        prev = run[-1] if run else None
        if prev is not None and _CJK1.match(prev.text) and not prev.text.endswith(":"):
            h = max(prev.bbox[3] - prev.bbox[1], c.bbox[3] - c.bbox[1])
            close = c.bbox[0] - prev.bbox[2] < SPACED_GAP * h
            if _CJK1.match(c.text) and close:
                run.append(c)
                k += 1
                continue
            if close and len(run) >= 2 and all(_CJK1.match(x.text) for x in run) and _CJK.match(c.text):
                steps = [b.bbox[0] - a.bbox[0] for a, b in zip(run, run[1:])]
                step = sorted(steps)[len(steps) // 2]
                if abs(c.bbox[0] - prev.bbox[0] - step) < 0.35 * step:
                    head, tail = _split_first(c, prev.bbox[2] - prev.bbox[0])
                    run.append(head)
                    cells[k] = tail
                    runs.append([])
                    continue
        if run is not None and not run:
            run.append(c)
        else:
            runs.append([c])
        k += 1
    out: list[Cell] = []
    for run in runs:
        if len(run) >= 3 or (len(run) == 2 and run[-1].text.endswith(":")):
            joined = run[0]
            for c in run[1:]:
                joined = join_cells(joined, c)
            out.append(joined)
        else:
            out.extend(run)
    return tuple(out)


_CJK = re.compile(r"^[\u4e00-\u9fff]")


def _split_first(c: Cell, width: float) -> tuple[Cell, Cell]:
    """A cell as (its first character, the rest), boxes shared by `width` (the spaced characters')."""
    raw = c.raw.lstrip()
    x0, y0, x1, y1 = c.bbox
    cut = min(x0 + width, x1)
    head = Cell(c.text[0], raw[:1], c.file, c.page, (x0, y0, cut, y1), c.confidence, c.source, c.origin)
    tail = Cell(c.text[1:], raw[1:].lstrip(), c.file, c.page, (cut, y0, x1, y1), c.confidence, c.source, c.origin)
    return head, tail


def _xoverlap(a: Cell, b: Cell) -> float:
    return min(a.bbox[2], b.bbox[2]) - max(a.bbox[0], b.bbox[0])


RULE_SLACK = 0.3
"""A scan's line boxes reach this many text heights past the rule under a row (skew, a tall glyph,
the next row's 序号 read into a header's box): a rule that close to the gap still parts the rows."""


def merge_wrapped(rows: list[tuple[Cell, ...]], rulings: Sequence[Ruling] = ()) -> list[tuple[Cell, ...]]:
    """Join the second line of a wrapped table cell (a long unit name, 牵头单位、开源代码贡献单位) to
    its row: a row right under a table row (no table rule between them), with fewer cells, none in
    the first column, each under one cell of the row above (several runs under one cell are that cell's wrapped line, left to right).
    A wrapped line stays inside its cell: a run covering most of another cell of the row above is
    not one (the next row with its 序号 read into its name, 3年度创新创业活动 under 2 | 孵化场地面积; the
    sentence under a table under a row read as one run, 以上目标均不低于…). A rule just inside either
    row's box still parts them (a narrow table's header, its 序号 box reaching down to row 1)."""
    out: list[tuple[Cell, ...]] = []
    for row in rows:
        prev = out[-1] if out else None
        if prev and len(prev) >= 2 and len(row) < len(prev):
            h = median([c.bbox[3] - c.bbox[1] for c in prev + row])
            gap = min(c.bbox[1] for c in row) - max(c.bbox[3] for c in prev)
            homes = [max(range(len(prev)), key=lambda i: _xoverlap(prev[i], c)) for c in row]
            fits = all(_xoverlap(prev[i], c) > 0.5 * (c.bbox[2] - c.bbox[0]) for i, c in zip(homes, row))
            spills = any(_xoverlap(prev[j], c) > 0.5 * (prev[j].bbox[2] - prev[j].bbox[0])
                         for i, c in zip(homes, row) for j in range(len(prev)) if j != i)
            ruled = bool(rulings) and rule_between(rulings, "h", max(c.bbox[3] for c in prev), min(c.bbox[1] for c in row),
                                                   (min(c.bbox[0] for c in row), max(c.bbox[2] for c in row)), RULE_SLACK * h)
            # the first column holds the next row's 序号, unless the table's rules are read (one above
            # the row) and none parts them: then a line under it is its name's second line (…促进 / 中心)
            boxed = bool(rulings) and rule_between(rulings, "h", min(c.bbox[1] for c in prev) - h, min(c.bbox[1] for c in prev),
                                                   (min(c.bbox[0] for c in prev), max(c.bbox[2] for c in prev)), RULE_SLACK * h)
            first_ok = 0 not in homes or (boxed and not row[0].text[:1].isdigit())
            if gap < 0.9 * h and fits and first_ok and not spills and not ruled:
                merged = list(prev)
                for i, c in zip(homes, row):
                    merged[i] = join_cells(merged[i], c)
                out[-1] = tuple(merged)
                continue
        out.append(row)
    return out


def layouts(documents: Sequence[Document]) -> list[PageLayout]:
    return [page_layout(p) for d in documents for p in d.pages]


_TOC = re.compile(r"(?:[.…·‥．。]{3,}|…{2,}|-{4,})\s*[(（]?\d{0,3}[)）]?\s*$|[.…·‥]{6,}")


def is_toc(text: str) -> bool:
    """A 目录 line: a heading followed by leader dots and a page number (三、建设运营方案……5)."""
    return bool(_TOC.search(text))


def toc_pages(pages: Sequence[PageLayout]) -> frozenset[tuple[str, int]]:
    """(file, page) of the 目录 pages: a page titled 目录 (labels.yaml toc_titles) in its first rows.
    Its lines are headings even where the scan lost their leader dots (六、附件：场地租赁合同（产权证明）
    with no dots read took the site's tenure from the contents page: dev seed 1303 #010)."""
    titles = set(labels().get("toc_titles", []))
    return frozenset((p.file, p.number) for p in pages
                     if any("".join(c.text for c in row).replace(" ", "") in titles for row in p.rows[:3]))


@dataclass(frozen=True)
class Flow:
    """All cells of some pages as one string, with each character's cell, for regexes that must
    cross line breaks (a lease period wrapped over two lines)."""

    text: str
    starts: tuple[int, ...]
    cells: tuple[Cell, ...]

    def cells_between(self, start: int, end: int) -> list[Cell]:
        from bisect import bisect_right

        i = max(0, bisect_right(self.starts, start) - 1)
        j = max(0, bisect_right(self.starts, max(start, end - 1)) - 1)
        return list(self.cells[i:j + 1])


def flow(pages: Sequence[PageLayout]) -> Flow:
    parts, starts, cells, pos = [], [], [], 0
    for p in pages:
        for row in p.rows:
            for c in row:
                parts.append(c.text)
                starts.append(pos)
                cells.append(c)
                pos += len(c.text)
    return Flow("".join(parts), tuple(starts), tuple(cells))
