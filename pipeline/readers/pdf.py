"""PDF pages: the text layer when it holds real text, else the scan image.

pypdfium2 (pdfplumber's own renderer) does all of it: its text API gives character runs with boxes
in C at hundreds of pages a second, and for scans we take the embedded image out directly when a
page is one full-page image (10x cheaper than rasterising, no resampling); otherwise render at 300 dpi.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from pipeline.errors import InputError
from pipeline.model import Line, Page
from pipeline.ocr.base import RasterPage

RENDER_DPI = 300
SEAL_RENDER_DPI = 100
"""Text-layer pages that carry images are rendered this coarsely, only for seal detection."""
MIN_REAL_CHARS = 8
_MEANINGFUL = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")


def open_pdf(path: Path, rel: str) -> tuple[pdfium.PdfDocument, list[InputError]]:
    """Open a PDF. One encrypted with an empty user password (owner password only: what PDF printers
    and scanner apps write to forbid editing) opens in any reader, so it is read like any other PDF,
    without an error (issue 17); a real user password is the `encrypted_pdf` error."""
    notes: list[InputError] = []
    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        msg = str(exc).lower()
        if "password" in msg:
            raise InputError("encrypted_pdf", file=rel) from exc
        raise InputError("truncated", str(exc).splitlines()[0][:120], file=rel) from exc
    if len(pdf) == 0:
        pdf.close()
        raise InputError("no_pages", file=rel)
    return pdf, notes


def is_real_text(text: str) -> bool:
    """A text layer counts when it has enough Chinese/Latin/digit characters and little garbage."""
    meaningful = len(_MEANINGFUL.findall(text))
    garbage = sum(1 for ch in text if ch == "\ufffd" or "\ue000" <= ch <= "\uf8ff")
    return meaningful >= MIN_REAL_CHARS and garbage <= 0.1 * max(meaningful, 1)


def text_lines(page: pdfium.PdfPage) -> list[Line]:
    """Character runs (pdfium's text rects) as Lines with boxes in page fractions."""
    w, h = page.get_size()
    tp = page.get_textpage()
    try:
        n = tp.count_rects()
        lines = []
        for i in range(n):
            left, bottom, right, top = tp.get_rect(i)
            text = tp.get_text_bounded(left, bottom, right, top).strip()
            text = re.sub(r"\s+", " ", text)
            if not text:
                continue
            bbox = (
                round(max(0.0, left / w), 5),
                round(max(0.0, 1 - top / h), 5),
                round(min(1.0, right / w), 5),
                round(min(1.0, 1 - bottom / h), 5),
            )
            lines.append(Line(text=text, bbox=bbox, confidence=1.0, engine="text_layer"))
    finally:
        tp.close()
    return merge_fragments(lines, aspect=w / h)


_PUNCT_RUN = re.compile(r"[、，。；：！？,.;:!?（）()《》〈〉「」『』“”‘’\"'…—·]+")
PUNCT_GAP = 1.0
"""A run of punctuation only (、 ， （ …) may sit up to one em from its neighbour: pdfium's boxes
are the glyph's ink, and a full-width mark's ink fills a corner of its em square (、 bottom-left,
（ right), so the white rest of the square looks like a gap (牵头方、开源贡献方 / 、应用单位)."""


def merge_fragments(lines: list[Line], max_gap: float = 0.5, aspect: float = 1.0) -> list[Line]:
    """Join text runs that pdfium splits mid-word (at font or style changes): same baseline band
    (vertical overlap ≥ half the shorter run) and a horizontal gap under `max_gap` x the line height
    (`PUNCT_GAP` when either run is punctuation only). Table cells stay apart: their padding is wider
    than that. `aspect` is the page's width/height, to measure a gap (a width fraction) in heights."""
    rows: list[list[Line]] = []
    for ln in sorted(lines, key=lambda ln: (ln.bbox[1], ln.bbox[0])):
        for row in rows:
            r = row[-1].bbox
            overlap = min(r[3], ln.bbox[3]) - max(r[1], ln.bbox[1])
            if overlap >= 0.5 * min(r[3] - r[1], ln.bbox[3] - ln.bbox[1]):
                row.append(ln)
                break
        else:
            rows.append([ln])
    out: list[Line] = []
    for row in rows:
        row.sort(key=lambda ln: ln.bbox[0])
        cur = last = row[0]
        for ln in row[1:]:
            height = max(cur.bbox[3] - cur.bbox[1], ln.bbox[3] - ln.bbox[1])
            gap = ln.bbox[0] - cur.bbox[2]
            if _PUNCT_RUN.fullmatch(last.text) or _PUNCT_RUN.fullmatch(ln.text):
                joins = 0 <= gap * aspect <= PUNCT_GAP * height
            else:
                joins = 0 <= gap <= max_gap * height
            if joins or ln.bbox[0] < cur.bbox[2] <= ln.bbox[2]:
                box = (min(cur.bbox[0], ln.bbox[0]), min(cur.bbox[1], ln.bbox[1]),
                       max(cur.bbox[2], ln.bbox[2]), max(cur.bbox[3], ln.bbox[3]))
                cur = Line(text=cur.text + ln.text, bbox=box, confidence=1.0, engine="text_layer")
            else:
                out.append(cur)
                cur = ln
            last = ln
        out.append(cur)
    out.sort(key=lambda ln: (round(ln.bbox[1], 3), ln.bbox[0]))
    return out


def page_text(page: pdfium.PdfPage) -> str:
    tp = page.get_textpage()
    try:
        return tp.get_text_range()
    finally:
        tp.close()


def _images(page: pdfium.PdfPage) -> list:
    return list(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2))


def _red_vectors(page: pdfium.PdfPage, limit: int = 4000) -> bool:
    """Whether the page draws red vector paths: an electronic seal (电子印章) drawn as paths (ring,
    star, outlined characters) rather than placed as an image must be rendered to be seen."""
    import ctypes

    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    for k, obj in enumerate(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_TEXT],
                                             max_depth=2)):
        if k >= limit:
            break
        for get in (pdfium_c.FPDFPageObj_GetStrokeColor, pdfium_c.FPDFPageObj_GetFillColor):
            if get(obj.raw, r, g, b, a) and a.value > 0 and r.value >= 150 and r.value - max(g.value, b.value) >= 70:
                return True
    return False


@dataclass
class PdfPagePlan:
    index: int
    text_page: Page | None
    has_images: bool


def plan_page(pdf: pdfium.PdfDocument, index: int, rel: str) -> PdfPagePlan:
    page = pdf[index]
    try:
        if is_empty_page(page):  # draws nothing: blank, no render and no OCR (issue 17)
            w, h = page.get_size()
            return PdfPagePlan(index, blank_page(rel, index + 1, w, h, 72), False)
        has_images = bool(_images(page)) or _red_vectors(page)  # seal pictures or vector seals to render
        if is_real_text(page_text(page)):
            w, h = page.get_size()
            tp = Page(
                file=rel, number=index + 1, width=w, height=h, dpi=72,
                source="text_layer", engine="text_layer", lines=tuple(text_lines(page)),
            )
            return PdfPagePlan(index, tp, has_images)
        return PdfPagePlan(index, None, has_images)
    finally:
        page.close()


def raster(pdf: pdfium.PdfDocument, index: int, rel: str, *, dpi: int = RENDER_DPI,
           max_pixels: int | None = None, crop: bool = True) -> RasterPage:
    """The page as pixels: the embedded scan when it is one full-page image, else rendered.

    Never more than `max_pixels` (intake.yaml `page_pixels`), whatever size the page declares: a
    200 × 200-inch page (a small scan placed on a huge canvas) is cropped to its content, and what
    still does not fit is rendered at the resolution that does (`meta['scale_dpi']`); the crop is
    `meta['window']` (readers/window.py). `crop=False`: the whole page, for showing it."""
    from pipeline.intake import default_limits

    max_pixels = max_pixels or default_limits().page_pixels
    page = pdf[index]
    try:
        w_pt, h_pt = page.get_size()
        imgs = _images(page)
        _refuse_image_bombs(imgs, rel, index + 1)
        if dpi == RENDER_DPI and len(imgs) == 1:
            got = _embedded_scan(imgs[0], w_pt, h_pt, max_pixels)
            if got is not None:
                arr, img_dpi = got
                stored = "grey" if _is_grey_jpeg(imgs[0]) else "colour"  # red cannot show on a grey scan (issue 16)
                return RasterPage(file=rel, number=index + 1, image=arr, dpi=img_dpi,
                                  meta={"raster": "embedded", "stored": stored})
        margins, scale, meta = _fit(page, w_pt, h_pt, dpi / 72, max_pixels, crop)
        bitmap = page.render(scale=scale, crop=margins, grayscale=False)
        arr = bitmap.to_numpy()
        bitmap.close()
        if arr.ndim == 3 and arr.shape[2] == 4:
            arr = arr[:, :, :3]
        # pdfium renders BGR(x) by default; make it RGB.
        arr = np.ascontiguousarray(arr[:, :, ::-1]) if arr.ndim == 3 else np.stack([arr] * 3, axis=-1)
        out_dpi = max(1, int(round(scale * 72)))
        return RasterPage(file=rel, number=index + 1, image=arr, dpi=out_dpi, meta={"raster": "rendered", **meta})
    finally:
        page.close()


def render_box(pdf: pdfium.PdfDocument, index: int, box: tuple[float, float, float, float],
               page_px: tuple[int, int], page_dpi: float, dpi: float) -> np.ndarray:
    """The part `box` (fractions, top-left origin) of a page rendered whole as `page_px` (w, h) pixels
    at `page_dpi`, rendered again at `dpi` (RGB): a seal found on the coarse render is read finely."""
    page = pdf[index]
    try:
        w_pt, h_pt = page_px[0] * 72 / page_dpi, page_px[1] * 72 / page_dpi  # as rendered (after /Rotate)
        x0, y0, x1, y1 = (min(1.0, max(0.0, v)) for v in box)
        margins = (x0 * w_pt, (1 - y1) * h_pt, (1 - x1) * w_pt, y0 * h_pt)  # left, bottom, right, top
        bitmap = page.render(scale=dpi / 72, crop=margins, grayscale=False)
        arr = bitmap.to_numpy()
        bitmap.close()
    finally:
        page.close()
    if arr.ndim == 3 and arr.shape[2] == 4:
        arr = arr[:, :, :3]
    return np.ascontiguousarray(arr[:, :, ::-1]) if arr.ndim == 3 else np.stack([arr] * 3, axis=-1)


MAX_IMAGE_PIXELS = 200_000_000
"""An embedded image past this (8x A4 at 600 dpi) is a decompression bomb: pdfium would decode it
whole to render the page, whatever the output resolution."""


def _refuse_image_bombs(imgs: list, rel: str, number: int) -> None:
    for obj in imgs:
        try:
            w, h = obj.get_px_size()
        except Exception:
            continue
        if w * h > MAX_IMAGE_PIXELS:
            raise InputError("decompression_bomb", f"嵌入图像 {w}×{h} 像素", file=rel, page=number)


def _fit(page: pdfium.PdfPage, w_pt: float, h_pt: float, scale: float,
         max_pixels: int, crop_content: bool = True) -> tuple[tuple[float, float, float, float], float, dict]:
    """(crop, scale, meta) that keep the bitmap within `max_pixels`: crop to the union of the page
    objects' boxes first (pages without /Rotate; pdfium crops after rotation), then lower the scale."""
    if w_pt * h_pt * scale * scale <= max_pixels:
        return (0.0, 0.0, 0.0, 0.0), scale, {}
    crop = (0.0, 0.0, 0.0, 0.0)
    meta: dict = {"oversized_pt": [round(w_pt), round(h_pt)]}
    box = _content_box(page, w_pt, h_pt) if crop_content and page.get_rotation() == 0 else None
    if box is not None:
        left, bottom, right, top = box
        crop = (left, bottom, w_pt - right, h_pt - top)
        meta["crop_pt"] = [round(v, 1) for v in box]
    cw, ch = w_pt - crop[0] - crop[2], h_pt - crop[1] - crop[3]
    if box is not None:  # where the crop sits on the page, top-left origin: boxes go back through it
        meta["window"] = (crop[0] / w_pt, crop[3] / h_pt, cw / w_pt, ch / h_pt)
    fit = 0.995 * (max_pixels / max(cw * ch, 1e-6)) ** 0.5  # margin: pdfium rounds the bitmap size up
    if fit < scale:
        scale = fit
        meta["scale_dpi"] = round(scale * 72, 1)
    return crop, scale, meta


def _content_box(page: pdfium.PdfPage, w_pt: float, h_pt: float, limit: int = 2000) -> tuple | None:
    """Union of the boxes of the page's top-level objects, clipped to the page, with a small margin;
    None when there is none or it is not much smaller than the page."""
    n = pdfium_c.FPDFPage_CountObjects(page.raw)
    if n <= 0 or n > limit:
        return None
    xs0, ys0, xs1, ys1 = [], [], [], []
    for obj in page.get_objects(max_depth=1):
        try:
            l, b, r, t = obj.get_bounds()
        except Exception:
            continue
        xs0.append(l), ys0.append(b), xs1.append(r), ys1.append(t)
    if not xs0:
        return None
    pad = 18.0  # a quarter inch around the content
    box = (max(0.0, min(xs0) - pad), max(0.0, min(ys0) - pad), min(w_pt, max(xs1) + pad), min(h_pt, max(ys1) + pad))
    if box[2] <= box[0] or box[3] <= box[1] or (box[2] - box[0]) * (box[3] - box[1]) > 0.8 * w_pt * h_pt:
        return None
    return box


def blank_page(rel: str, number: int, width: float, height: float, dpi: int) -> Page:
    """A page found blank before OCR: no lines, engine 'blank' (so a reader can tell it was skipped)."""
    return Page(file=rel, number=number, width=width, height=height, dpi=dpi, source="ocr", engine="blank")


def is_empty_page(page: pdfium.PdfPage) -> bool:
    """A page with no objects at all draws nothing: blank without rendering it."""
    return pdfium_c.FPDFPage_CountObjects(page.raw) == 0


def _is_grey_jpeg(obj) -> bool:
    """The embedded scan was stored with one colour component (DeviceGray)."""
    try:
        return pdfium_c.FPDFImageObj_GetImageMetadata is not None and _components(obj) == 1
    except Exception:
        return False


def _components(obj) -> int:
    import ctypes

    meta = pdfium_c.FPDF_IMAGEOBJ_METADATA()
    if not pdfium_c.FPDFImageObj_GetImageMetadata(obj.raw, obj.page.raw, ctypes.byref(meta)):
        return 0
    return {pdfium_c.FPDF_COLORSPACE_DEVICEGRAY: 1, pdfium_c.FPDF_COLORSPACE_CALGRAY: 1}.get(meta.colorspace, 3)


def _embedded_scan(obj, w_pt: float, h_pt: float, max_pixels: int) -> tuple[np.ndarray, int] | None:
    left, bottom, right, top = obj.get_bounds()
    if (right - left) < 0.9 * w_pt or (top - bottom) < 0.9 * h_pt:
        return None
    try:
        px_w, px_h = obj.get_px_size()
    except Exception:
        return None
    # a scan past the pixel budget is decoded at 1/2, 1/4 or 1/8 size (JPEG's own DCT scaling:
    # the full-size image is never allocated); past even that, the budgeted render takes over
    reduce = next((f for f in (1, 2, 4, 8) if px_w * px_h / (f * f) <= max_pixels), None)
    if reduce is None:
        return None
    try:
        filters = obj.get_filters()
    except Exception:
        return None
    if filters != ["DCTDecode"]:
        return None
    data = bytes(obj.get_data(decode_simple=False))
    flag = {1: cv2.IMREAD_COLOR, 2: cv2.IMREAD_REDUCED_COLOR_2, 4: cv2.IMREAD_REDUCED_COLOR_4,
            8: cv2.IMREAD_REDUCED_COLOR_8}[reduce]
    arr = cv2.imdecode(np.frombuffer(data, np.uint8), flag)
    if arr is None:
        return None
    arr = cv2.cvtColor(arr, cv2.COLOR_BGR2RGB)  # grey storage is told by _is_grey_jpeg, not the pixels
    dpi = int(round(arr.shape[1] / (w_pt / 72)))
    return arr, dpi
