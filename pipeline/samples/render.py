"""Raster rendering of page layouts and the scanner's look (paper, skew, blur, noise, JPEG).

Seals come from `pipeline.samples.seal_art`; this module only places them where the layout says.
"""
from __future__ import annotations

import io
import math
import random
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from pipeline.samples import seal_art
from pipeline.samples.typeset import A4_H, A4_W, PT, PageLayout, SealMark

FONTS = {
    "serif": {"body": ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
              "title": ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc", 2)},
    "sans": {"body": ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
             "title": ("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", 2)},
    "wqy": {"body": ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
            "title": ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0)},
}
SEAL_INKS = [(200, 30, 35), (215, 40, 45), (185, 25, 40), (225, 60, 50)]


@lru_cache(maxsize=128)
def font(family: str, role: str, px: int) -> ImageFont.FreeTypeFont:
    path, index = FONTS[family][role]
    return ImageFont.truetype(path, px, index=index)


def page_size_px(dpi: int) -> tuple[int, int]:
    return round(A4_W / 25.4 * dpi), round(A4_H / 25.4 * dpi)


def render_clean(layout: PageLayout, dpi: int, family: str) -> Image.Image:
    """White page with text, rules, logo and signature; no seals yet, no scan effects."""
    k = dpi / 25.4
    img = Image.new("RGB", page_size_px(dpi), (255, 255, 255))
    d = ImageDraw.Draw(img)
    for op in layout.ops:
        a = op.args
        if op.kind == "text":
            px = max(6, round(a["size"] * PT * k))
            anchor = {"l": "lt", "c": "mt", "r": "rt"}[a["anchor"]]
            d.text((a["x"] * k, a["y"] * k), a["text"], font=font(family, a["font"], px), fill=a["color"],
                   anchor=anchor)
        elif op.kind == "line":
            d.line((a["x0"] * k, a["y0"] * k, a["x1"] * k, a["y1"] * k), fill=a["color"],
                   width=max(1, round(a["width"] * k)))
        elif op.kind == "logo":
            seal_art.draw_red_logo(img, (round(a["cx"] * k), round(a["cy"] * k)), round(a["size"] * k),
                                   text=a["text"])
        elif op.kind == "signature":
            _signature(d, a, k)
    return img


def _signature(d: ImageDraw.ImageDraw, a: dict, k: float) -> None:
    """A handwritten-looking scribble in blue-black ink."""
    rng = random.Random(a["seed"])
    x, y, w, h = a["x"] * k, a["y"] * k, a["w"] * k, a["h"] * k
    pts = []
    n = 40
    f1, f2 = rng.uniform(2, 4), rng.uniform(5, 9)
    for i in range(n):
        t = i / (n - 1)
        pts.append((x + t * w + math.sin(t * f2 * math.pi) * w * 0.04,
                    y + h / 2 + math.sin(t * f1 * math.pi + rng.uniform(-0.2, 0.2)) * h * 0.4))
    d.line(pts, fill=(35, 40, 95), width=max(1, round(0.45 * k)), joint="curve")


def stamp_seal(img: Image.Image, s: SealMark, dpi: int) -> None:
    k = dpi / 25.4
    rng = random.Random(s.ink_seed)
    ink = rng.choice(SEAL_INKS)
    fade = rng.choice([0.0, 0.1, 0.2, 0.35])
    c = (round(s.cx * k), round(s.cy * k))
    if s.shape == "oval":
        seal_art.draw_oval_seal(img, c, (round(s.w * k), round(s.h * k)), s.unit, rng=rng, ink=ink,
                                sub_text=s.sub_text, fade=fade, rotation=s.rotation)
    else:
        seal_art.draw_round_seal(img, c, round(s.w * k), s.unit, rng=rng, ink=ink, sub_text=s.sub_text,
                                 fade=fade, rotation=s.rotation)


def straddle_diameter_mm() -> float:
    return 40.0


def stamp_straddle(pages: list[Image.Image], y_mm: float, dpi: int, unit: str, seed: int) -> None:
    k = dpi / 25.4
    rng = random.Random(seed)
    seal_art.straddle_slices(pages, round(y_mm * k), round(straddle_diameter_mm() * k), unit, rng=rng,
                             ink=rng.choice(SEAL_INKS), fade=rng.choice([0.0, 0.15]))


def straddle_strip_mm(n_pages: int, dpi: int) -> float:
    """Width (mm) of each page's slice, as seal_art cuts it (square side = diameter + 8 px)."""
    k = dpi / 25.4
    side_px = round(straddle_diameter_mm() * k) + 8
    return side_px / n_pages / k


# ---------------------------------------------------------------- the scanner


@dataclass
class ScanLook:
    dpi: int
    skew: float  # degrees, counter-clockwise
    rotation: int  # 0 or 180 (page fed upside down)
    paper: tuple[int, int, int]
    blur: float
    noise: float
    jpeg_quality: int
    grey: bool = False
    seed: int = 0
    gutter: float = 0.0
    """Darkening at the bound (left) edge: a booklet does not lie flat on the glass."""
    specks: int = 0
    """Toner specks and dust."""


def pick_look(rng: random.Random, dpi: int, rotation: int = 0) -> ScanLook:
    paper = rng.choice([(246, 244, 236), (240, 238, 232), (248, 242, 222), (236, 236, 236), (250, 247, 235)])
    return ScanLook(dpi=dpi, skew=round(rng.uniform(-2.0, 2.0), 2), rotation=rotation, paper=paper,
                    blur=round(rng.uniform(0.5, 1.1) * dpi / 300, 2), noise=round(rng.uniform(4.0, 9.0), 1),
                    jpeg_quality=rng.choice([55, 60, 65]), seed=rng.getrandbits(32),
                    gutter=rng.choice([0.0, 0.0, 0.12, 0.22]), specks=rng.choice([0, 20, 60]))


def scan(img: Image.Image, look: ScanLook) -> Image.Image:
    """Paper tone with uneven illumination, skew, optics blur and sensor noise (JPEG is the writer's)."""
    g = np.random.default_rng(look.seed)
    w, h = img.size
    arr = np.asarray(img, dtype=np.float32) / 255.0
    # uneven paper: low-frequency shading, slightly darker towards one edge
    coarse = g.random((6, 5)).astype(np.float32)
    shade = np.asarray(Image.fromarray((coarse * 255).astype(np.uint8)).resize((w, h), Image.BICUBIC),
                       dtype=np.float32) / 255.0
    ramp = np.linspace(0.0, 1.0, w, dtype=np.float32)[None, :] * g.uniform(-0.04, 0.04)
    tone = (np.asarray(look.paper, dtype=np.float32) / 255.0)[None, None, :]
    light = (0.97 + 0.05 * (shade - 0.5) + ramp)[..., None]
    if look.gutter:
        x = np.arange(w, dtype=np.float32)[None, :, None] / w
        light = light * (1.0 - look.gutter * np.exp(-x / 0.025))
    arr = arr * tone * light
    for _ in range(look.specks):
        cx, cy, r = g.integers(0, w), g.integers(0, h), g.uniform(0.6, 2.2) * look.dpi / 300
        y0, y1, x0, x1 = max(0, int(cy - r)), min(h, int(cy + r) + 1), max(0, int(cx - r)), min(w, int(cx + r) + 1)
        arr[y0:y1, x0:x1] *= g.uniform(0.2, 0.6)
    # toner is never pure black
    arr = np.maximum(arr, 0.08)
    out = Image.fromarray(np.clip(arr * 255, 0, 255).astype(np.uint8), "RGB")
    if look.skew:
        out = out.rotate(look.skew, resample=Image.BICUBIC, fillcolor=(70, 70, 72))
    # sensor noise, then the optics' blur softens it (as in a real scan: grainy, not speckled)
    arr = np.asarray(out, dtype=np.float32)
    arr += g.normal(0.0, look.noise, size=(h, w, 1)).astype(np.float32)
    if look.grey:
        arr = arr.mean(axis=2, keepdims=True).repeat(3, axis=2)
    out = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "RGB")
    if look.blur:
        out = out.filter(ImageFilter.GaussianBlur(look.blur))
    if look.rotation == 180:
        out = out.rotate(180)
    return out


def jpeg_bytes(img: Image.Image, look: ScanLook) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=look.jpeg_quality, dpi=(look.dpi, look.dpi), optimize=True)
    return buf.getvalue()
