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
    """Open a PDF; encrypted ones open only with an empty user password, and say so."""
    notes: list[InputError] = []
    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        msg = str(exc).lower()
        if "password" in msg:
            raise InputError("encrypted_pdf", file=rel) from exc
        raise InputError("truncated", str(exc).splitlines()[0][:120], file=rel) from exc
    if pdfium_c.FPDF_GetSecurityHandlerRevision(pdf.raw) != -1:
        notes.append(
            InputError("encrypted_pdf_opened", "PDF 已加密但用户密码为空，已读取内容 / encrypted with an empty user password; read anyway", file=rel)
        )
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


def raster(pdf: pdfium.PdfDocument, index: int, rel: str, *, dpi: int = RENDER_DPI) -> RasterPage:
    """The page as pixels: the embedded scan when it is one full-page image, else rendered."""
    page = pdf[index]
    try:
        w_pt, h_pt = page.get_size()
        imgs = _images(page)
        if dpi == RENDER_DPI and len(imgs) == 1:
            got = _embedded_scan(imgs[0], w_pt, h_pt)
            if got is not None:
                arr, img_dpi = got
                stored = "grey" if _is_grey_jpeg(imgs[0]) else "colour"
                return RasterPage(file=rel, number=index + 1, image=arr, dpi=img_dpi,
                                  meta={"raster": "embedded", "stored": stored})
        bitmap = page.render(scale=dpi / 72, grayscale=False)
        arr = bitmap.to_numpy()
        bitmap.close()
        if arr.ndim == 3 and arr.shape[2] == 4:
            arr = arr[:, :, :3]
        # pdfium renders BGR(x) by default; make it RGB.
        arr = np.ascontiguousarray(arr[:, :, ::-1]) if arr.ndim == 3 else np.stack([arr] * 3, axis=-1)
        return RasterPage(file=rel, number=index + 1, image=arr, dpi=dpi, meta={"raster": "rendered"})
    finally:
        page.close()


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


def _embedded_scan(obj, w_pt: float, h_pt: float) -> tuple[np.ndarray, int] | None:
    left, bottom, right, top = obj.get_bounds()
    if (right - left) < 0.9 * w_pt or (top - bottom) < 0.9 * h_pt:
        return None
    try:
        filters = obj.get_filters()
    except Exception:
        return None
    if filters != ["DCTDecode"]:
        return None
    data = bytes(obj.get_data(decode_simple=False))
    arr = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    if arr is None or arr.dtype != np.uint8:
        return None
    # a greyscale scan stays marked as such (`stored`): red cannot show on it (issue 16)
    arr = cv2.cvtColor(arr, cv2.COLOR_GRAY2RGB) if arr.ndim == 2 else cv2.cvtColor(arr[..., :3], cv2.COLOR_BGR2RGB)
    dpi = int(round(arr.shape[1] / (w_pt / 72)))
    return arr, dpi
