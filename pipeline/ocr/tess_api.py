"""Tesseract inside the page worker through libtesseract's C API (ctypes), not a `tesseract` process per page.

Why: each CLI call starts a process, loads chi_sim and writes its TSV to a file: ~0.1 s CPU of a
page's ~0.45 s (measured on 15 prepared pages, demo + family 2: 6.72 s → 5.14 s; issue 18). The
library is the one the CLI links (Debian's libtesseract5 5.3.0, installed with tesseract-ocr), it is
given the pixels the CLI read from our BMP (`SetImage` copies the grey buffer; no resolution either
way, so Tesseract estimates it alike), and the text is the same renderer's (`GetTSVText`): every TSV
was identical to `tesseract IMG OUT -l chi_sim --psm 4 tsv` on those pages and on 119 pages of two
dev bundles, and OSD (`DetectOrientationScript`, the numbers the CLI's `--psm 0` prints) on 32 page
turns. No BMP is written for it (~15 ms a page).

One reading engine per language per thread, made on first use and kept: the model loads once per worker
(let go only before a whole-page RapidOCR read, `close_thread_engines`); the OSD engine is made per call.
Recognition has the same deadline the CLI call had (a monitor); a page over it raises the error
pytesseract raised. JIEBANG_TESSERACT=cli goes back to the CLI (pytesseract), and so does a machine
where the libraries cannot be loaded. A crash inside libtesseract now ends the worker rather than a
child process: Tesseract is given our own decoded grey pixels, never the submitted file.
"""
from __future__ import annotations

import atexit
import ctypes
import os
import threading
import time
import weakref
from functools import lru_cache

import numpy as np

TSV_HEADER = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"
"""The header line the CLI's TSV renderer writes before the page's rows (GetTSVText has none)."""
ROTATE_FOR_ORIENTATION = {0: 0, 90: 270, 180: 180, 270: 90}
"""Clockwise rotation that makes a page upright, by the orientation OSD found (tesseract's
OrientationIdToValue, printed by the CLI as 'Rotate')."""
L_SEVERITY_NONE = 6
"""leptonica: print none of its messages ("Error in pixScanForForeground: invalid box" on blank
regions; the CLI printed them onto a stderr pytesseract dropped)."""


class _Libs:
    def __init__(self) -> None:
        tess = ctypes.CDLL("libtesseract.so.5")
        lept = _first_lib("liblept.so.5", "libleptonica.so.6")  # Debian 12 / 13 names; only to silence it
        p, i, s, f = ctypes.c_void_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_float
        for name, args, res in (
            ("TessBaseAPICreate", [], p), ("TessBaseAPIDelete", [p], None), ("TessBaseAPIEnd", [p], None),
            ("TessBaseAPIInit3", [p, s, s], i), ("TessBaseAPISetPageSegMode", [p, i], None),
            ("TessBaseAPISetVariable", [p, s, s], i), ("TessBaseAPISetImage", [p, p, i, i, i, i], None),
            ("TessBaseAPIRecognize", [p, p], i), ("TessBaseAPIGetTsvText", [p, i], p),
            ("TessBaseAPIClear", [p], None), ("TessDeleteText", [p], None),
            ("TessBaseAPIDetectOrientationScript", [p, ctypes.POINTER(i), ctypes.POINTER(f), ctypes.POINTER(s),
                                                    ctypes.POINTER(f)], i),
            ("TessMonitorCreate", [], p), ("TessMonitorDelete", [p], None), ("TessMonitorSetDeadlineMSecs", [p, i], None),
        ):
            fn = getattr(tess, name)
            fn.argtypes, fn.restype = args, res
        if lept is not None:
            lept.setMsgSeverity.argtypes, lept.setMsgSeverity.restype = [i], i
            lept.setMsgSeverity(L_SEVERITY_NONE)
        self.tess = tess


def _first_lib(*names: str):
    for name in names:
        try:
            return ctypes.CDLL(name)
        except OSError:
            continue
    return None


@lru_cache(maxsize=1)
def _libs() -> _Libs | None:
    try:
        return _Libs()
    except (OSError, AttributeError):
        return None


def in_process() -> bool:
    """Tesseract runs through its library here (default) rather than as a process per page."""
    return os.environ.get("JIEBANG_TESSERACT", "api").strip().lower() != "cli" and _libs() is not None


class _Engine:
    """One initialised TessBaseAPI (a language, its model loaded once)."""

    def __init__(self, lang: str, psm: int) -> None:
        self.libs = libs = _libs()
        self.lang = lang
        self.api = libs.tess.TessBaseAPICreate()
        if libs.tess.TessBaseAPIInit3(self.api, None, lang.encode()) != 0:
            api, self.api = self.api, None  # deleted here: `close` (and __del__) must not end it again
            libs.tess.TessBaseAPIDelete(api)
            raise RuntimeError(f"Tesseract could not load language {lang!r}")
        libs.tess.TessBaseAPISetVariable(self.api, b"debug_file", os.devnull.encode())  # its progress notes
        libs.tess.TessBaseAPISetPageSegMode(self.api, psm)
        _LIVE.add(self)

    def close(self) -> None:
        if self.api:
            api, self.api = self.api, None
            self.libs.tess.TessBaseAPIEnd(api)
            self.libs.tess.TessBaseAPIDelete(api)

    def __del__(self) -> None:  # a thread's engines go with the thread (a flow's task threads)
        try:
            self.close()
        except Exception:  # interpreter shutdown
            pass

    def _set_image(self, grey: np.ndarray) -> None:
        """The page's grey pixels (one byte each); Tesseract copies them."""
        grey = np.ascontiguousarray(grey, dtype=np.uint8)
        if grey.ndim != 2:
            raise ValueError("Tesseract is given one grey channel")
        h, w = grey.shape
        self.libs.tess.TessBaseAPISetImage(self.api, grey.ctypes.data, w, h, 1, grey.strides[0])

    def _done(self) -> None:
        self.libs.tess.TessBaseAPIClear(self.api)

    def tsv(self, grey: np.ndarray, timeout: float) -> str:
        tess = self.libs.tess
        self._set_image(grey)
        monitor = tess.TessMonitorCreate()
        try:
            if timeout:
                tess.TessMonitorSetDeadlineMSecs(monitor, int(timeout * 1000))
            start = time.monotonic()
            status = tess.TessBaseAPIRecognize(self.api, monitor)
            if timeout and time.monotonic() - start >= timeout:
                raise RuntimeError("Tesseract process timeout")  # pytesseract's words: page.py maps them
            if status != 0:
                raise RuntimeError(f"Tesseract recognition failed ({status})")
            text = tess.TessBaseAPIGetTsvText(self.api, 0)
            try:
                return ctypes.string_at(text).decode("utf-8", errors="replace") if text else ""
            finally:
                if text:
                    tess.TessDeleteText(text)
        finally:
            tess.TessMonitorDelete(monitor)
            self._done()

    def osd(self, grey: np.ndarray) -> tuple[int, float] | None:
        """(clockwise rotation to upright, orientation confidence as the CLI prints it), None when OSD fails."""
        self._set_image(grey)
        try:
            deg, conf = ctypes.c_int(), ctypes.c_float()
            script, script_conf = ctypes.c_char_p(), ctypes.c_float()
            ok = self.libs.tess.TessBaseAPIDetectOrientationScript(
                self.api, ctypes.byref(deg), ctypes.byref(conf), ctypes.byref(script), ctypes.byref(script_conf))
        finally:
            self._done()
        if not ok:
            return None
        return ROTATE_FOR_ORIENTATION.get(deg.value % 360, 0), round(conf.value, 2)


_LOCAL = threading.local()
_LIVE: "weakref.WeakSet[_Engine]" = weakref.WeakSet()


@atexit.register
def _close_all() -> None:
    """Engines still open at exit are ended first: libtesseract's caches otherwise print LEAK warnings."""
    for engine in list(_LIVE):
        engine.close()


def _engine(lang: str, psm: int) -> _Engine:
    engines = getattr(_LOCAL, "engines", None)
    if engines is None:
        engines = _LOCAL.engines = {}
    key = (lang, psm)
    if key not in engines:
        engines[key] = _Engine(lang, psm)
    return engines[key]


def close_thread_engines() -> None:
    """End this thread's reading engines now (the next read loads them again, ~0.07 s CPU): before a
    whole-page RapidOCR read, a page worker's memory peak, so that Tesseract's ~55 MB are not under
    it (issue 18)."""
    engines = getattr(_LOCAL, "engines", None) or {}
    for engine in engines.values():
        engine.close()
    engines.clear()


def image_to_data(grey: np.ndarray, lang: str, psm: int, timeout: float) -> dict:
    """pytesseract.image_to_data(<grey as a BMP>, lang, config=f'--psm {psm}', output_type=DICT), in this process."""
    from pytesseract.pytesseract import file_to_dict

    rows = _engine(lang, psm).tsv(grey, timeout)
    return file_to_dict(f"{TSV_HEADER}\n{rows}", "\t", -1)


def image_to_osd(grey: np.ndarray) -> tuple[int, float] | None:
    """(rotate, orientation_conf) as pytesseract.image_to_osd(<grey as a BMP>, config='--psm 0') gives
    them; None where it raised: OSD found too little text, or its model (osd.traineddata) is missing —
    the page is then read as it lies, as before.

    The OSD engine is made for the call and ended after it, not kept like the reading engine: it holds
    ~45 MB, costs ~0.04 s CPU to load, and is asked about a few pages in a hundred (3 of 63 pages OCR'd
    on dev f2-1521, 8 of 168 on f2-1590), so kept it sat in every page worker for the rest of the run
    (issue 18: peak memory)."""
    try:
        engine = _Engine("osd", 0)
    except RuntimeError:
        return None
    try:
        return engine.osd(grey)
    finally:
        engine.close()
