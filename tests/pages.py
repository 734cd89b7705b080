"""Render Chinese form pages in tests (no stored blobs): label:value lines, a ruled table, a red seal."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"

FORM_LINES = [
    "申报单位名称：重庆山城数字科技有限公司",
    "统一社会信用代码：91500000MA5UA3W18Q",
    "单位性质：企业",
    "法定代表人：王建国",
    "租赁期限：2025年1月1日至2028年12月31日",
    "申报日期：2026年7月20日",
]
TABLE = [
    ["序号", "指标名称", "单位", "目标值"],
    ["1", "入驻企业数量", "家", "45"],
    ["2", "孵化场地面积", "平方米", "5200"],
    ["3", "带动就业人数", "人", "380"],
]


def font(px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(FONT, px)


@dataclass
class FormPage:
    dpi: int = 300
    lines: list[str] = field(default_factory=lambda: list(FORM_LINES))
    table: list[list[str]] | None = None
    seal_over: int | None = None
    """Index of a line to stamp a red seal over."""

    def render(self) -> Image.Image:
        s = self.dpi / 300
        w, h = int(2480 * s), int(3508 * s)
        img = Image.new("RGB", (w, h), "white")
        d = ImageDraw.Draw(img)
        fpx = int(44 * s)
        d.text((int(700 * s), int(250 * s)), "创新创业社区申报书", font=font(int(70 * s)), fill="black")
        y = int(500 * s)
        self.line_boxes = []
        for text in self.lines:
            d.text((int(250 * s), y), text, font=font(fpx), fill="black")
            self.line_boxes.append((int(250 * s), y))
            y += int(110 * s)
        if self.table:
            y += int(60 * s)
            col_w = [int(c * s) for c in (250, 700, 350, 450)]
            row_h = int(100 * s)
            x0 = int(250 * s)
            for r, row in enumerate(self.table):
                x = x0
                for c, cell in enumerate(row):
                    d.rectangle([x, y, x + col_w[c], y + row_h], outline="black", width=max(2, int(4 * s)))
                    d.text((x + int(25 * s), y + int(25 * s)), cell, font=font(fpx), fill="black")
                    x += col_w[c]
                y += row_h
        if self.seal_over is not None:
            cx, cy = self.line_boxes[self.seal_over]
            red_seal(img, (cx + int(500 * s), cy + int(20 * s)), int(472 * s), "重庆山城数字科技有限公司")
        return img



def blank_a4(scale: float) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    """A white A4 page whose drawing coordinates are 300-dpi pixels times `scale` (DPI / 300)."""
    img = Image.new("RGB", (int(2480 * scale), int(3508 * scale)), "white")
    return img, ImageDraw.Draw(img)


def text_at(d: ImageDraw.ImageDraw, x: float, y: float, s: str, scale: float, px: int = 44) -> None:
    """Black text at 300-dpi coordinates (x, y) and size px, drawn at `scale`."""
    d.text((int(x * scale), int(y * scale)), s, font=font(int(px * scale)), fill="black")


def ruled_table(d: ImageDraw.ImageDraw, x0: float, y0: float, widths, h: float, rows, scale: float) -> None:
    """A ruled table at 300-dpi coordinates: rows of cells of the given widths and height h, 44-px text."""
    y = y0
    for row in rows:
        x = x0
        for w, cell in zip(widths, row):
            d.rectangle([int(x * scale), int(y * scale), int((x + w) * scale), int((y + h) * scale)],
                        outline="black", width=3)
            text_at(d, x + 20, y + (h - 44) / 2, cell, scale)
            x += w
        y += h


def red_seal(img: Image.Image, center: tuple[int, int], diameter: int, text: str) -> None:
    """A plain round seal multiplied over the page: ring, star, name on the upper arc."""
    layer = Image.new("RGB", img.size, "white")
    d = ImageDraw.Draw(layer)
    ink = (205, 30, 35)
    cx, cy = center
    r = diameter // 2
    rim = max(3, diameter // 35)
    d.ellipse([cx - r, cy - r, cx + r, cy + r], outline=ink, width=rim)
    star_r = diameter * 0.15
    pts = []
    for k in range(10):
        rr = star_r if k % 2 == 0 else star_r * 0.38
        a = -math.pi / 2 + k * math.pi / 5
        pts.append((cx + rr * math.cos(a), cy + rr * math.sin(a)))
    d.polygon(pts, fill=ink)
    fpx = max(12, int(diameter * 0.12))
    f = font(fpx)
    n = len(text)
    for k, ch in enumerate(text):
        a = math.radians(-210 + 240 * (k + 0.5) / n)
        x = cx + (r - rim - fpx * 0.8) * math.cos(a)
        y = cy + (r - rim - fpx * 0.8) * math.sin(a)
        glyph = Image.new("L", (fpx * 2, fpx * 2), 0)
        ImageDraw.Draw(glyph).text((fpx // 2, fpx // 2), ch, font=f, fill=255)
        glyph = glyph.rotate(-math.degrees(a) - 90, resample=Image.BICUBIC)
        layer.paste(Image.new("RGB", glyph.size, ink), (int(x - fpx), int(y - fpx)), glyph)
    arr = np.asarray(img).astype(np.uint16) * np.asarray(layer).astype(np.uint16) // 255
    img.paste(Image.fromarray(arr.astype(np.uint8)))


def scan(img: Image.Image, *, angle: float = 0.0, seed: int = 1, jpeg_quality: int | None = None) -> Image.Image:
    """Make a render look scanned: grey paper, slight rotation, blur and noise."""
    rng = np.random.default_rng(seed)
    out = img.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor="white") if angle else img
    out = out.filter(ImageFilter.GaussianBlur(0.8))
    arr = np.asarray(out).astype(np.float32) * np.array([0.94, 0.93, 0.90])
    arr += rng.normal(0, 7, arr.shape)
    out = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    if jpeg_quality:
        import io

        buf = io.BytesIO()
        out.save(buf, "JPEG", quality=jpeg_quality)
        out = Image.open(io.BytesIO(buf.getvalue())).convert("RGB")
        out.info = {}  # JPEG details would leak into a later TIFF save
    return out
