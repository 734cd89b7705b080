"""The page model of generated booklets and the typesetter that fills it, in millimetres (A4,
origin top-left): a page is a list of drawing operations, its seals and its logical blocks.

One page model feeds every output: the Pillow scan renderer, the reportlab text-layer PDF, DOCX
and the seal truth. Pure: no drawing happens here.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

from pipeline.samples import units as U

A4_W, A4_H = 210.0, 297.0
PT = 25.4 / 72  # mm per point
BLACK = (25, 25, 25)
RED_TEXT = (205, 30, 30)


@dataclass
class Op:
    kind: str  # text | line | seal | logo | signature
    args: dict


@dataclass
class SealMark:
    """A seal to stamp on this page. shape: round | oval; the straddle slice is added per booklet."""
    unit: str
    shape: str
    cx: float
    cy: float
    w: float  # mm
    h: float
    rotation: float
    sub_text: str = ""
    ink_seed: int = 0


TABLE_PAD = 1.8
"""Cell padding (mm) of ruled tables."""


@dataclass
class PageLayout:
    kind: str
    ops: list[Op] = field(default_factory=list)
    seals: list[SealMark] = field(default_factory=list)
    red_traps: list[str] = field(default_factory=list)
    native_docx: bool = True
    """False for a page that DOCX output embeds as a scanned image (it carries seals)."""
    blocks: list[tuple] = field(default_factory=list)
    """Logical content (heading/para/table) for DOCX output."""


def _ratio(ch: str) -> float:
    """Advance width as a fraction of the font size (generous: serif capitals and digits run wide)."""
    if ord(ch) >= 0x2E80:
        return 1.0
    return 0.64 if (ch.isupper() or ch.isdigit()) else 0.5


def wrap(text: str, size_pt: float, width: float) -> list[str]:
    lines, cur, w = [], "", 0.0
    s = size_pt * PT
    for ch in text:
        cw = s * _ratio(ch)
        if w + cw > width and cur:
            lines.append(cur)
            cur, w = "", 0.0
        cur += ch
        w += cw
    if cur:
        lines.append(cur)
    return lines


class Flow:
    """Top-to-bottom placement of headings, paragraphs, tables and signature blocks."""

    def __init__(self, page: PageLayout, rng: random.Random, left: float = 26.0, right: float = 26.0,
                 top: float = 28.0, body: float = 12.0):
        self.p, self.rng = page, rng
        self.x0, self.x1, self.y = left, A4_W - right, top
        self.body = body

    def text(self, x, y, size, text, color=BLACK, font="body", anchor="l"):
        self.p.ops.append(Op("text", dict(x=x, y=y, size=size, text=text, color=color, font=font, anchor=anchor)))

    def line(self, x0, y0, x1, y1, width=0.3, color=BLACK):
        self.p.ops.append(Op("line", dict(x0=x0, y0=y0, x1=x1, y1=y1, width=width, color=color)))

    def space(self, mm):
        self.y += mm

    def heading(self, text, size=16.0, color=BLACK, center=True, font="title"):
        for ln in wrap(text, size, self.x1 - self.x0):
            if center:
                self.text((self.x0 + self.x1) / 2, self.y, size, ln, color, font, "c")
            else:
                self.text(self.x0, self.y, size, ln, color, font)
            self.y += size * PT * 1.6
        self.p.blocks.append(("heading", text, color != BLACK))
        if color != BLACK and "red_heading" not in self.p.red_traps:
            self.p.red_traps.append("red_heading")

    def para(self, text, size=None, indent=True, gap=1.7):
        size = size or self.body
        body = ("\u3000\u3000" if indent else "") + text
        for ln in wrap(body, size, self.x1 - self.x0):
            self.text(self.x0, self.y, size, ln)
            self.y += size * PT * gap
        self.y += size * PT * 0.4
        self.p.blocks.append(("para", text))

    def column_edges(self, widths: list[float]) -> list[float]:
        """x (mm) of a table's rules; widths are fractions of the text width."""
        tw = self.x1 - self.x0
        xs = [self.x0]
        for f in widths:
            xs.append(xs[-1] + f * tw)
        return xs

    @staticmethod
    def _cells(row: list[str], xs: list[float], size: float) -> list[list[str]]:
        return [wrap(c, size, xs[i + 1] - xs[i] - 2 * TABLE_PAD) or [""] for i, c in enumerate(row)]

    @staticmethod
    def _height(cells: list[list[str]], size: float) -> float:
        return max(len(c) for c in cells) * size * PT * 1.45 + 2 * TABLE_PAD

    def row_height(self, row: list[str], widths: list[float], size: float) -> float:
        """Height (mm) `table` gives this row: its cells wrap to the column widths."""
        return self._height(self._cells(row, self.column_edges(widths), size), size)

    def table(self, rows: list[list[str]], widths: list[float], size=11.0, red=False, header=True):
        """Ruled table; widths are fractions of the text width. Cells wrap; rows grow."""
        xs = self.column_edges(widths)
        color = RED_TEXT if red else BLACK
        lw = 0.5 if red else 0.3
        pad = TABLE_PAD
        top = self.y
        ys = [top]
        for r, row in enumerate(rows):
            cells = self._cells(row, xs, size)
            hgt = self._height(cells, size)
            for i, lines in enumerate(cells):
                yy = ys[-1] + pad
                for ln in lines:
                    font = "title" if (header and r == 0) else "body"
                    self.text(xs[i] + pad, yy, size, ln, font=font)
                    yy += size * PT * 1.45
            ys.append(ys[-1] + hgt)
        for yy in ys:
            self.line(xs[0], yy, xs[-1], yy, lw, color)
        for xx in xs:
            self.line(xx, ys[0], xx, ys[-1], lw, color)
        self.y = ys[-1] + 5
        self.p.blocks.append(("table", rows, red))
        if red and "red_table_rules" not in self.p.red_traps:
            self.p.red_traps.append("red_table_rules")
        return xs, ys

    def seal(self, unit: U.UnitPlan, cx: float, cy: float, sub_text: str = ""):
        if not unit.sealed:
            return
        if unit.seal_shape == "oval":
            w, h, rot = 45.0, 30.0, self.rng.uniform(-10, 10)
        else:
            d = self.rng.choice([38.0, 40.0, 42.0])
            w = h = d
            rot = self.rng.uniform(-20, 20)
        self.p.seals.append(SealMark(unit.name, unit.seal_shape, cx, cy, w, h, rot, sub_text,
                                     self.rng.getrandbits(32)))

    def signature(self, x, y):
        self.p.ops.append(Op("signature", dict(x=x, y=y, w=24.0, h=9.0, seed=self.rng.getrandbits(32))))
