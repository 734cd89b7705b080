"""Scanned-looking Chinese application-form pages with known text, for OCR tests and benchmarks.

Why: OCR engines must be compared on pages whose truth is exact. Each page imitates the form of
渝经信软件〔2026〕9号: heading, label：value lines (unit name, 统一社会信用代码, dates, lease term),
a paragraph, a ruled indicator table, and a signature block under a red round seal. Truth is the
black text only (the seal's own text is not page text). "Scan" effects: paper tint, 0.6–1.5°
skew, blur, noise, JPEG. Deterministic per seed.
"""
from __future__ import annotations

import io
import random
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from pipeline import uscc
from pipeline.samples.seal_art import draw_round_seal, mm_to_px

SANS = ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2)
SERIF = ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2)
ZENHEI = ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0)

UNITS = ["重庆两江智造科技有限公司", "重庆渝北云数信息技术有限公司", "重庆长江数字软件股份有限公司",
         "重庆嘉陵工业互联网研究院", "重庆山城智能装备有限公司", "重庆巴渝软件信息服务有限公司",
         "重庆西部数据科技有限责任公司", "重庆沙坪坝区智慧城市科技有限公司", "重庆南岸区光电技术有限公司",
         "重庆永川大数据产业发展有限公司"]
PEOPLE = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄强", "周杰", "吴霞"]
DISTRICTS = ["500112", "500103", "500106", "500000", "500108", "500107", "500105", "500109", "500113", "500118"]
ADDRESSES = ["重庆市渝北区金开大道西段106号", "重庆市渝中区解放碑民族路188号", "重庆市沙坪坝区大学城南路55号",
             "重庆市两江新区星光大道62号", "重庆市南岸区茶园路21号", "重庆市九龙坡区科园一路3号",
             "重庆市江北区北城天街8号", "重庆市北碚区云汉大道117号", "重庆市巴南区龙洲大道1号",
             "重庆市永川区人民大道99号"]
INDICATORS = [("研发投入", "万元"), ("新增专利", "件"), ("服务企业", "家"), ("新增营收", "万元"),
              ("培养人才", "人"), ("软件著作权", "个"), ("示范应用场景", "个"), ("带动就业", "人")]
PARAGRAPH = ("本单位承诺所提交的申报材料真实、准确、完整，无失信被执行及重大税收违法记录，"
             "项目实施场地租赁期限不少于三年，并严格按照揭榜挂帅项目管理要求组织实施。")


@dataclass
class TruthLine:
    text: str
    kind: str
    """'heading' | 'field' | 'paragraph' | 'table' | 'signature'"""
    box: tuple[int, int, int, int]
    """Pixel box on the page before skew."""


@dataclass
class SamplePage:
    image: np.ndarray
    dpi: int
    lines: list[TruthLine]
    facts: dict = field(default_factory=dict)
    seal_box: tuple[int, int, int, int] | None = None


def make_uscc(rng: random.Random, district: str) -> str:
    alpha = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    while True:
        body = "MA5U" + "".join(rng.choice(alpha) for _ in range(4))
        c17 = uscc.org_code_check(body)
        if c17 in alpha:
            code = uscc.complete("91" + district + body + c17)
            if uscc.is_valid(code):
                return code


def _font(spec, px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(spec[0], px, index=spec[1])


def _text(draw: ImageDraw.ImageDraw, xy, text: str, font) -> tuple[int, int, int, int]:
    draw.text(xy, text, font=font, fill=(20, 20, 20))
    return tuple(int(v) for v in draw.textbbox(xy, text, font=font))


def render_page(seed: int, dpi: int = 300, seal: bool = True, scan: bool = True,
                font=SANS) -> SamplePage:
    """One A4 form page. `facts` holds unit, uscc, legal_rep, date, lease, address for assertions."""
    rng = random.Random(seed)
    W, H = mm_to_px(210, dpi), mm_to_px(297, dpi)
    img = Image.new("RGB", (W, H), (255, 255, 255))
    d = ImageDraw.Draw(img)
    k = dpi / 300.0
    i = seed % len(UNITS)
    unit, person, district, addr = UNITS[i], PEOPLE[(seed * 3) % 10], DISTRICTS[i], ADDRESSES[(seed * 7) % 10]
    code = make_uscc(rng, district)
    y0 = 2023 + rng.randint(0, 2)
    m0, d0 = rng.randint(1, 12), rng.randint(1, 28)
    lease = f"{y0}年{m0}月{d0}日至{y0 + rng.randint(3, 5)}年{m0}月{max(1, d0 - 1)}日"
    date = f"2026年7月{rng.randint(10, 28)}日"
    phone = f"023-{rng.randint(6000, 8999)}{rng.randint(1000, 9999)}"
    facts = {"unit": unit, "uscc": code, "legal_rep": person, "date": date, "lease": lease, "address": addr}
    lines: list[TruthLine] = []
    body = _font(font, int(42 * k))
    head = _font(SERIF, int(64 * k))
    x = int(230 * k)
    y = int(260 * k)
    title = "重庆市揭榜挂帅项目申报书"
    tw = d.textlength(title, font=head)
    lines.append(TruthLine(title, "heading", _text(d, ((W - tw) / 2, y), title, head)))
    y += int(150 * k)
    fields = [("申报单位名称", unit), ("统一社会信用代码", code), ("法定代表人", person),
              ("注册地址", addr), ("联系电话", phone), ("场地租赁期限", lease), ("申报日期", date)]
    for label, value in fields:
        t = f"{label}：{value}"
        lines.append(TruthLine(t, "field", _text(d, (x, y), t, body)))
        y += int(78 * k)
    y += int(30 * k)
    # paragraph wrapped to the text width
    maxw = W - 2 * x
    buf = ""
    for ch in PARAGRAPH:
        if d.textlength(buf + ch, font=body) > maxw:
            lines.append(TruthLine(buf, "paragraph", _text(d, (x, y), buf, body)))
            y += int(66 * k)
            buf = ""
        buf += ch
    if buf:
        lines.append(TruthLine(buf, "paragraph", _text(d, (x, y), buf, body)))
        y += int(66 * k)
    y += int(50 * k)
    # ruled table: 序号 | 指标名称 | 单位 | 目标值 | 完成值
    cell = _font(font, int(38 * k))
    cols = [x, x + int(150 * k), x + int(750 * k), x + int(1000 * k), x + int(1400 * k), W - x]
    rowh = int(80 * k)
    rows = [("序号", "指标名称", "单位", "目标值", "完成值")]
    for n, (name, u) in enumerate(rng.sample(INDICATORS, 6), 1):
        tgt = rng.choice([rng.randint(5, 300), round(rng.uniform(50, 9999), 1)])
        done = round(float(tgt) * rng.uniform(0.3, 1.1), 1)
        rows.append((str(n), name, u, str(tgt), str(done)))
    lw = max(2, int(3 * k))
    top = y
    for r, row in enumerate(rows):
        ry = top + r * rowh
        boxes = []
        for c, txt in enumerate(row):
            fb = d.textbbox((0, 0), txt, font=cell)
            tx = cols[c] + int(18 * k)
            ty = ry + (rowh - (fb[3] - fb[1])) / 2 - fb[1]
            boxes.append(_text(d, (tx, ty), txt, cell))
        box = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
        lines.append(TruthLine(" ".join(row), "table", box))
    bottom = top + len(rows) * rowh
    for r in range(len(rows) + 1):
        d.line((cols[0], top + r * rowh, cols[-1], top + r * rowh), fill=(0, 0, 0), width=lw)
    for cx in cols:
        d.line((cx, top, cx, bottom), fill=(0, 0, 0), width=lw)
    y = bottom + int(150 * k)
    # signature block under the seal
    sig = [f"申报单位（盖章）：{unit}", "法定代表人（签字）：", f"日期：{date}"]
    sx = int(W * 0.42)
    sig_boxes = []
    for t in sig:
        b = _text(d, (sx, y), t, body)
        lines.append(TruthLine(t, "signature", b))
        sig_boxes.append(b)
        y += int(90 * k)
    seal_box = None
    if seal:
        cx = (sig_boxes[0][0] + sig_boxes[0][2]) // 2 + int(rng.uniform(-60, 60) * k)
        cy = (sig_boxes[0][1] + sig_boxes[-1][3]) // 2
        seal_box = draw_round_seal(img, (cx, cy), mm_to_px(rng.uniform(40, 42), dpi), unit, rng=rng,
                                   sub_text="申报专用章")
    if scan:
        img = scan_effects(img, rng)
    return SamplePage(np.asarray(img), dpi, lines, facts, seal_box)


def scan_effects(img: Image.Image, rng: random.Random) -> Image.Image:
    """Paper tint, skew 0.6–1.5°, blur σ≈1 px, noise σ≈9, JPEG q60."""
    arr = np.asarray(img, dtype=np.float32)
    tint = np.array([rng.uniform(235, 250), rng.uniform(232, 246), rng.uniform(215, 235)]) / 255.0
    arr = arr * tint
    img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    angle = rng.choice([-1, 1]) * rng.uniform(0.6, 1.5)
    img = img.rotate(angle, resample=Image.BICUBIC, fillcolor=tuple(int(t * 255) for t in tint))
    img = img.filter(ImageFilter.GaussianBlur(rng.uniform(0.7, 1.0)))
    nrng = np.random.default_rng(rng.randint(0, 2**31))
    arr = np.asarray(img, dtype=np.float32) + nrng.normal(0, 9, (img.height, img.width, 1))
    img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=60)
    return Image.open(io.BytesIO(buf.getvalue())).convert("RGB")


def benchmark_set(n: int = 10) -> list[SamplePage]:
    """The benchmark pages: mostly 300 dpi sealed scans, every third page at 200 dpi, one unsealed,
    fonts alternating Noto Sans / Noto Serif / WenQuanYi Zen Hei."""
    pages = []
    for s in range(n):
        dpi = 200 if s % 3 == 2 else 300
        font = (SANS, SERIF, ZENHEI)[s % 3]
        pages.append(render_page(100 + s, dpi=dpi, seal=(s != n - 1), font=font))
    return pages


NOTICE = Path("/work/shared/reference/notice-2026-9.txt")


def _prose_source() -> str:
    if NOTICE.is_file():
        text = NOTICE.read_text(encoding="utf-8")
    else:  # the paragraph repeated: still prose, no key facts
        text = PARAGRAPH * 20
    return "".join(text.split())


def render_prose_page(seed: int, dpi: int = 300, scan: bool = True, font=SANS) -> SamplePage:
    """A page of running text (the booklet's 实施方案 pages): few key facts, no table, no seal."""
    rng = random.Random(seed)
    W, H = mm_to_px(210, dpi), mm_to_px(297, dpi)
    img = Image.new("RGB", (W, H), (255, 255, 255))
    d = ImageDraw.Draw(img)
    k = dpi / 300.0
    body = _font(font, int(42 * k))
    src = _prose_source()
    start = rng.randrange(0, max(1, len(src) - 1200))
    text = src[start:start + 1100]
    x, y, maxw = int(230 * k), int(260 * k), W - 2 * int(230 * k)
    lines: list[TruthLine] = []
    buf = ""
    for ch in text:
        if d.textlength(buf + ch, font=body) > maxw:
            lines.append(TruthLine(buf, "paragraph", _text(d, (x, y), buf, body)))
            y += int(72 * k)
            buf = ""
            if y > H - int(300 * k):
                break
        buf += ch
    if scan:
        img = scan_effects(img, rng)
    return SamplePage(np.asarray(img), dpi, lines, {}, None)


def booklet_set(n: int = 10) -> list[SamplePage]:
    """A booklet-like mix: 3 form pages to every 7 prose pages (200/300 dpi alternating)."""
    pages = []
    for s in range(n):
        dpi = 200 if s % 2 else 300
        font = (SANS, SERIF, ZENHEI)[s % 3]
        pages.append(render_page(300 + s, dpi=dpi, font=font) if s % 10 in (0, 4, 7)
                     else render_prose_page(300 + s, dpi=dpi, font=font))
    return pages
