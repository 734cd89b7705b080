"""Drawing of official seals (公章) and red look-alikes on page images, for sample bundles and tests.

Why: the seal detector (pipeline.extract.seals) must be measured on pages whose truth is known,
so these functions draw realistic seals — a 38–45 mm ring with a five-pointed star, the unit name
on the upper arc 自左而右 with each character turned along the arc, optional horizontal text under
the star, uneven ink — and the red things that are *not* seals (headings, rules, logos).

Conventions (all functions):
- `img` is a PIL RGB image, modified in place; every drawing returns its pixel box
  `(x0, y0, x1, y1)` clipped to the image (None when nothing landed on the page), so a
  generator can write truth.
- Ink is *multiplied* over the page (`page * ink`), like real seal ink over toner: black text
  under a seal stays black, white paper turns red.
- Randomness comes only from the `rng` argument (`random.Random`), so output is deterministic.
- Sizes are in pixels; use `mm_to_px(mm, dpi)` (a 42 mm seal at 300 dpi is 496 px).
"""
from __future__ import annotations

import math
import random
from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

RED = (200, 30, 35)
"""Typical seal-ink red. Variants for tests: ORANGE_RED, DARK_RED; BLUE for a non-seal stamp."""
ORANGE_RED = (235, 85, 40)
DARK_RED = (140, 20, 30)
BLUE = (30, 60, 170)

FONT_CANDIDATES = (
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc", 2),  # index 2 = SC face
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", 2),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
)

Box = tuple[int, int, int, int]


def mm_to_px(mm: float, dpi: int) -> int:
    """Millimetres to pixels at `dpi` (mm * dpi / 25.4), rounded."""
    return int(round(mm * dpi / 25.4))


@lru_cache(maxsize=64)
def cjk_font(px: int, serif: bool = True) -> ImageFont.FreeTypeFont:
    """A Simplified-Chinese bold font at `px` pixels (Noto CJK SC face, else WenQuanYi Zen Hei)."""
    candidates = FONT_CANDIDATES if serif else FONT_CANDIDATES[1:]
    for path, index in candidates:
        try:
            return ImageFont.truetype(path, max(4, int(px)), index=index)
        except OSError:
            continue
    raise FileNotFoundError("no CJK font found (install fonts-noto-cjk or fonts-wqy-zenhei)")


# --------------------------------------------------------------------------- ink helpers


def _np_rng(rng: random.Random) -> np.random.Generator:
    return np.random.default_rng(rng.getrandbits(64))


def _blotch(shape: tuple[int, int], rng: random.Random, fade: float, cell: int) -> np.ndarray:
    """Uneven ink density in 0..1: smooth low-frequency noise, darker and lighter patches,
    with gaps where the stamp did not touch (more and larger with `fade`)."""
    h, w = shape
    g = _np_rng(rng)
    gh, gw = max(2, h // cell + 2), max(2, w // cell + 2)
    coarse = g.random((gh, gw)).astype(np.float32)
    field = np.asarray(Image.fromarray((coarse * 255).astype(np.uint8)).resize((w, h), Image.BICUBIC),
                       dtype=np.float32) / 255.0
    fine = g.random((max(2, h // 3), max(2, w // 3))).astype(np.float32)
    fine = np.asarray(Image.fromarray((fine * 255).astype(np.uint8)).resize((w, h), Image.BILINEAR),
                      dtype=np.float32) / 255.0
    density = 0.75 + 0.35 * (field - 0.5) + 0.15 * (fine - 0.5)
    gap_level = 0.12 + 0.45 * fade
    density = np.where(field < gap_level, density * (field / gap_level) ** 2, density)
    density *= (1.0 - 0.6 * fade)
    return np.clip(density, 0.0, 1.0)


def multiply_ink(img: Image.Image, coverage: np.ndarray, origin: tuple[int, int],
                 ink: tuple[int, int, int]) -> Box | None:
    """Multiply `ink` over `img` where `coverage` (float 0..1, HxW) is >0, placed with its top-left
    at `origin` (may hang off the page; the part outside is dropped). Returns the touched box."""
    x, y = origin
    h, w = coverage.shape
    x0, y0 = max(0, x), max(0, y)
    x1, y1 = min(img.width, x + w), min(img.height, y + h)
    if x1 <= x0 or y1 <= y0:
        return None
    cov = coverage[y0 - y:y1 - y, x0 - x:x1 - x][..., None].astype(np.float32)
    region = np.asarray(img.crop((x0, y0, x1, y1)), dtype=np.float32)
    factor = 1.0 - cov * (1.0 - np.asarray(ink, dtype=np.float32) / 255.0)
    out = np.clip(region * factor, 0, 255).astype(np.uint8)
    img.paste(Image.fromarray(out, "RGB"), (x0, y0))
    ys, xs = np.nonzero(coverage[y0 - y:y1 - y, x0 - x:x1 - x] > 0.05)
    if len(xs) == 0:
        return None
    return (x0 + int(xs.min()), y0 + int(ys.min()), x0 + int(xs.max()) + 1, y0 + int(ys.max()) + 1)


def _star_points(cx: float, cy: float, r_outer: float, rot_deg: float) -> list[tuple[float, float]]:
    r_inner = r_outer * 0.382
    pts = []
    for i in range(10):
        a = math.radians(rot_deg - 90 + i * 36)
        r = r_outer if i % 2 == 0 else r_inner
        pts.append((cx + r * math.cos(a), cy + r * math.sin(a)))
    return pts


def _glyph(ch: str, font: ImageFont.FreeTypeFont) -> Image.Image:
    """One character as an L image tightly centred in a square canvas."""
    size = int(font.size * 1.4)
    im = Image.new("L", (size, size), 0)
    ImageDraw.Draw(im).text((size / 2, size / 2), ch, font=font, fill=255, anchor="mm")
    return im


def _paste_max(canvas: Image.Image, piece: Image.Image, center: tuple[float, float]) -> None:
    x = int(round(center[0] - piece.width / 2))
    y = int(round(center[1] - piece.height / 2))
    box = (x, y, x + piece.width, y + piece.height)
    under = canvas.crop(box)
    canvas.paste(Image.fromarray(np.maximum(np.asarray(under), np.asarray(piece))), box[:2])


def _arc_text(canvas: Image.Image, text: str, cx: float, cy: float, rx: float, ry: float,
              span_deg: float, font: ImageFont.FreeTypeFont) -> None:
    """Characters along the upper arc of an ellipse, left to right, tops pointing outward.

    Angles: 0° = straight up, negative = left; the text is centred on the top."""
    n = len(text)
    if n == 0:
        return
    step = span_deg / max(n - 1, 1) if n > 1 else 0.0
    start = -span_deg / 2 if n > 1 else 0.0
    for i, ch in enumerate(text):
        t = math.radians(start + i * step)
        px, py = cx + rx * math.sin(t), cy - ry * math.cos(t)
        # outward normal of the ellipse at that point gives the character's "up" direction
        nx, ny = math.sin(t) / max(rx, 1e-6), -math.cos(t) / max(ry, 1e-6)
        ang = math.degrees(math.atan2(nx, -ny))
        _paste_max(canvas, _glyph(ch, font).rotate(-ang, resample=Image.BICUBIC), (px, py))


def _finish(canvas: Image.Image, rng: random.Random, fade: float, rotation: float,
            blur_px: float) -> np.ndarray:
    """Rotate the drawn seal, soften edges like ink on paper, apply uneven density."""
    if rotation:
        canvas = canvas.rotate(rotation, resample=Image.BICUBIC)
    if blur_px > 0:
        canvas = canvas.filter(ImageFilter.GaussianBlur(blur_px))
    cov = np.asarray(canvas, dtype=np.float32) / 255.0
    cell = max(6, canvas.width // 9)
    return cov * _blotch(cov.shape, rng, fade, cell)


# --------------------------------------------------------------------------- seals


def round_seal_coverage(diameter_px: int, text: str, *, rng: random.Random, star: bool = True,
                        sub_text: str = "", fade: float = 0.0, rotation: float | None = None,
                        double_rim: bool = False) -> np.ndarray:
    """Ink coverage (float 0..1, square, side = diameter_px + margin) of a round seal, centred.

    Used by `draw_round_seal` and `straddle_slices`; exposed so tests can build their own."""
    d = int(diameter_px)
    side = d + 8
    c = side / 2
    r = d / 2
    rim = max(2.0, d * 1.2 / 42.0)  # 1.2 mm rim on a 42 mm seal
    canvas = Image.new("L", (side, side), 0)
    draw = ImageDraw.Draw(canvas)
    draw.ellipse((c - r, c - r, c + r, c + r), outline=255, width=int(round(rim)))
    if double_rim:
        r2 = r - rim * 2.2
        draw.ellipse((c - r2, c - r2, c + r2, c + r2), outline=255, width=max(1, int(rim * 0.5)))
    char_px = d * 0.15 if len(text) <= 14 else d * 0.15 * 14 / len(text)
    font = cjk_font(int(char_px))
    text_r = r - rim - (2.6 if double_rim else 1.0) * rim - char_px * 0.55
    span = min(250.0, 18.0 * len(text) + 20.0) if len(text) > 1 else 0.0
    _arc_text(canvas, text, c, c, text_r, text_r, span, font)
    if star:
        draw.polygon(_star_points(c, c, d / 6.0, 0.0), fill=255)
    if sub_text:
        sfont = cjk_font(int(d * 0.11))
        draw.text((c, c + d * 0.29), sub_text, font=sfont, fill=255, anchor="mm")
    if rotation is None:
        rotation = rng.uniform(-20.0, 20.0)
    return _finish(canvas, rng, fade, rotation, blur_px=max(0.6, d / 400))


def draw_round_seal(img: Image.Image, center: tuple[int, int], diameter_px: int, text: str, *,
                    rng: random.Random, ink: tuple[int, int, int] = RED, star: bool = True,
                    sub_text: str = "", fade: float = 0.0, rotation: float | None = None,
                    double_rim: bool = False) -> Box | None:
    """Stamp a round official seal: rim (~1.2 mm), unit name `text` on the upper arc 自左而右 with
    characters turned along the arc, a five-pointed star (`star`), optional horizontal `sub_text`
    under the star (e.g. 申报专用章). `fade` 0..1 makes the ink fainter and patchier; `rotation`
    (degrees, counter-clockwise) defaults to a random tilt within ±20°. Returns the pixel box."""
    cov = round_seal_coverage(diameter_px, text, rng=rng, star=star, sub_text=sub_text, fade=fade,
                              rotation=rotation, double_rim=double_rim)
    side = cov.shape[0]
    return multiply_ink(img, cov, (int(center[0] - side / 2), int(center[1] - side / 2)), ink)


def draw_oval_seal(img: Image.Image, center: tuple[int, int], size_px: tuple[int, int], text: str, *,
                   rng: random.Random, ink: tuple[int, int, int] = RED, star: bool = False,
                   sub_text: str = "", fade: float = 0.0, rotation: float | None = None) -> Box | None:
    """Stamp an oval seal (e.g. 45×30 mm, foreign-invested enterprises or 发票专用章): elliptical rim,
    `text` along the upper arc, optional star, `sub_text` horizontal across the centre.
    `size_px` is (width, height). Returns the pixel box."""
    w, h = int(size_px[0]), int(size_px[1])
    side = max(w, h) + 10
    c = side / 2
    rim = max(2.0, min(w, h) * 1.2 / 30.0)
    canvas = Image.new("L", (side, side), 0)
    draw = ImageDraw.Draw(canvas)
    draw.ellipse((c - w / 2, c - h / 2, c + w / 2, c + h / 2), outline=255, width=int(round(rim)))
    char_px = h * 0.17
    font = cjk_font(int(char_px))
    rx, ry = w / 2 - rim * 2 - char_px * 0.55, h / 2 - rim * 2 - char_px * 0.55
    span = min(200.0, 16.0 * len(text) + 20.0) if len(text) > 1 else 0.0
    _arc_text(canvas, text, c, c, rx, ry, span, font)
    if star:
        draw.polygon(_star_points(c, c - h * 0.02, h / 8.0, 0.0), fill=255)
    if sub_text:
        sfont = cjk_font(int(h * 0.13))
        draw.text((c, c + h * (0.2 if star else 0.05)), sub_text, font=sfont, fill=255, anchor="mm")
    if rotation is None:
        rotation = rng.uniform(-12.0, 12.0)
    cov = _finish(canvas, rng, fade, rotation, blur_px=max(0.6, w / 400))
    return multiply_ink(img, cov, (int(center[0] - side / 2), int(center[1] - side / 2)), ink)


def straddle_slices(pages: list[Image.Image], y: int, diameter_px: int, text: str, *,
                    rng: random.Random, edge: str = "right", ink: tuple[int, int, int] = RED,
                    star: bool = True, fade: float = 0.0, offsets: list[int] | None = None) -> list[Box | None]:
    """Stamp one 骑缝章 over the fanned edges of consecutive `pages`.

    The seal (centred at `y` along the edge on every page: the height for a left/right edge, the
    x for a top/bottom one) is cut into len(pages) strips of equal width across the edge; page i
    carries strip i flush against its `edge` ("right", "left", "top" or "bottom") — for two pages
    each holds about half the disc, for long booklets a few-mm arc. `offsets` (px, one per page)
    shift each page's strip along the edge: a fan that was not squared up. Pages should share a
    size. Returns each page's pixel box."""
    if edge not in ("right", "left", "top", "bottom"):
        raise ValueError("edge must be 'right', 'left', 'top' or 'bottom'")
    cov = round_seal_coverage(diameter_px, text, rng=rng, star=star, fade=fade)
    side = cov.shape[1]
    n = len(pages)
    offsets = offsets or [0] * n
    bounds = [round(i * side / n) for i in range(n + 1)]
    boxes: list[Box | None] = []
    for i, page in enumerate(pages):
        # right/bottom edge: page 0 carries the strip nearest the page (the top page of the fan)
        k = i if edge in ("right", "bottom") else n - 1 - i
        along = int(y - side / 2) + offsets[i]
        if edge in ("right", "left"):
            strip = cov[:, bounds[k]:bounds[k + 1]]
            x = page.width - strip.shape[1] if edge == "right" else 0
            boxes.append(multiply_ink(page, strip, (x, along), ink))
        else:
            strip = cov[bounds[k]:bounds[k + 1], :]
            top = page.height - strip.shape[0] if edge == "bottom" else 0
            boxes.append(multiply_ink(page, strip, (along, top), ink))
    return boxes


# --------------------------------------------------------------------------- red things that are not seals


def draw_red_heading(img: Image.Image, xy: tuple[int, int], text: str, font_px: int, *,
                     ink: tuple[int, int, int] = (210, 25, 25)) -> Box | None:
    """Red heading text (红头文件 style), top-left at `xy`. Not a seal."""
    font = cjk_font(int(font_px))
    canvas = Image.new("L", img.size, 0)
    ImageDraw.Draw(canvas).text(xy, text, font=font, fill=255)
    box = canvas.getbbox()
    if box is None:
        return None
    cov = np.asarray(canvas.crop(box), dtype=np.float32) / 255.0
    return multiply_ink(img, cov, box[:2], ink)


def draw_red_rules(img: Image.Image, box: tuple[int, int, int, int], *, rows: int = 6, cols: int = 4,
                   width_px: int = 3, ink: tuple[int, int, int] = (210, 30, 30)) -> Box | None:
    """A red-ruled table grid (and so underlines: rows=1, cols=0) inside `box`. Not a seal."""
    x0, y0, x1, y1 = box
    canvas = Image.new("L", (x1 - x0 + 1, y1 - y0 + 1), 0)
    draw = ImageDraw.Draw(canvas)
    for r in range(rows + 1):
        yy = round(r * (y1 - y0) / max(rows, 1))
        draw.line((0, yy, x1 - x0, yy), fill=255, width=width_px)
    if cols > 0:
        for c in range(cols + 1):
            xx = round(c * (x1 - x0) / cols)
            draw.line((xx, 0, xx, y1 - y0), fill=255, width=width_px)
    return multiply_ink(img, np.asarray(canvas, dtype=np.float32) / 255.0, (x0, y0), ink)


def draw_red_logo(img: Image.Image, center: tuple[int, int], size: int, *,
                  ink: tuple[int, int, int] = (205, 30, 40), text: str = "") -> Box | None:
    """A solid red company logo: a filled disc with a white swoosh and optional white initials.
    Solid fill and no ring distinguish it from a seal. Not a seal."""
    s = int(size)
    canvas = Image.new("L", (s + 4, s + 4), 0)
    draw = ImageDraw.Draw(canvas)
    draw.ellipse((2, 2, s + 1, s + 1), fill=255)
    draw.arc((s * 0.15, s * 0.35, s * 0.95, s * 1.1), 200, 330, fill=0, width=max(2, s // 10))
    if text:
        draw.text((s / 2 + 2, s / 2 + 2), text, font=cjk_font(int(s * 0.35)), fill=0, anchor="mm")
    cov = np.asarray(canvas, dtype=np.float32) / 255.0
    return multiply_ink(img, cov, (int(center[0] - s / 2 - 2), int(center[1] - s / 2 - 2)), ink)
