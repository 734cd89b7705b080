"""A filled tick box the engines did not read, put back from the page's ink (lookalikes.yaml filled_tick).

Tesseract reads ■ as 国 or drops it; RapidOCR drops it. A tick row then reads as open boxes and one option
without any mark, and the extractor can only guess (entity type review). The ink still shows a solid square of
a glyph's size: in a line that holds open boxes and no filled mark, exactly one such square is the mark, and it
goes into the text where it stands: between the open boxes either side of it, which the text's □ match one to
one (otherwise the line is left as read — a mark put in the wrong place would tick another option)."""
from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
import yaml

from pipeline.model import Line, Word


@lru_cache(maxsize=1)
def _cfg() -> dict:
    return yaml.safe_load(Path(__file__).with_name("lookalikes.yaml").read_text(encoding="utf-8"))["filled_tick"]


def restore_filled_ticks(lines: list[Line], grey: np.ndarray) -> list[Line]:
    cfg = _cfg()
    out = []
    for ln in lines:
        text = ln.text
        if not any(c in cfg["open"] for c in text) or any(c in cfg["filled"] for c in text):
            out.append(ln)
            continue
        # the words' boxes may reach past the line's (a re-read cell's crop): look over both
        xs = [ln.bbox[0], ln.bbox[2]] + [v for wd in ln.words for v in (wd.bbox[0], wd.bbox[2])]
        solid, hollow = squares(grey, (min(xs), ln.bbox[1], max(xs), ln.bbox[3]), cfg)
        if len(solid) != 1:
            out.append(ln)
            continue
        # a line holding two rows of the page (□企业 … ■产业园区运营管理机构 / □其他, read as one, dev seed 1499
        # #010): only the boxes in the mark's row place it; the text's □ must match those
        hollow = [b for b in hollow if min(b[3], solid[0][3]) - max(b[1], solid[0][1]) > 0]
        at = _between_boxes(ln.text, solid[0], hollow, cfg)
        out.append(_insert(ln, at, cfg) if at is not None else ln)  # placed by guess it could tick another option
    return out


def squares(grey: np.ndarray, bbox, cfg: dict) -> tuple[list, list]:
    """(solid, hollow) squares of a glyph's size within the line's box (page fractions), left to right:
    the filled mark, and the open boxes (a ring with an empty inside) that anchor where it goes."""
    H, W = grey.shape[:2]
    x0, y0, x1, y1 = int(bbox[0] * W), int(bbox[1] * H), int(bbox[2] * W) + 1, int(bbox[3] * H) + 1
    lh = max(y1 - y0, 1)
    pad = int(0.2 * lh)
    ya, yb, xa = max(0, y0 - pad), min(H, y1 + pad), max(0, x0)
    sub = (grey[ya:yb, xa:min(W, x1)] < cfg.get("ink_below", 128)).astype(np.uint8)
    if not sub.size:
        return [], []
    n, _, stats, _ = cv2.connectedComponentsWithStats(sub, connectivity=8)
    # a box holding two rows of text is no glyph's height: the glyphs' own height then is (the squares
    # are sized against it)
    tall = [int(h) for h in stats[1:, 3] if h >= 0.15 * lh]
    if tall:
        lh = int(min(lh, cfg.get("row_heights", 1.3) * float(np.percentile(tall, 75))))
    lo, hi = cfg["size"]
    alo, ahi = cfg["aspect"]
    solid, hollow = [], []
    for i in range(1, n):
        x, y, w, h, area = stats[i]
        if not (lo * lh <= w <= hi * lh and lo * lh <= h <= hi * lh and alo <= w / h <= ahi):
            continue
        box = ((xa + x) / W, (ya + y) / H, (xa + x + w) / W, (ya + y + h) / H)
        inner = sub[y + h // 4:y + h - h // 4, x + w // 4:x + w - w // 4]
        if area / (w * h) >= cfg["fill"]:
            solid.append(box)
        elif inner.size and inner.mean() < 0.05:
            hollow.append(box)
    return sorted(solid), sorted(hollow)


def _between_boxes(text: str, sq, hollow: list, cfg: dict) -> int | None:
    """Where the mark goes in `text` when the open boxes on the page match the text's □ one to one: among the
    characters between the two boxes either side of it, at its share of the space between them; before the
    first box or after the last, that many characters' widths away from it (a character's width measured
    between the boxes). A word's box from a padded crop is too loose to place it by."""
    at_text = [i for i, c in enumerate(text) if c in cfg["open"]]
    if len(at_text) != len(hollow) or not hollow:
        return None
    before = [k for k, b in enumerate(hollow) if b[2] <= sq[0]]
    after = [k for k, b in enumerate(hollow) if b[0] >= sq[2]]
    if before and after:
        a, b = before[-1], after[0]
        lo, hi = at_text[a] + 1, at_text[b]
        widths = [_char_width(c) for c in text[lo:hi]]
        share = (sq[0] - hollow[a][2]) / max(hollow[b][0] - hollow[a][2], 1e-9) * (sum(widths) + 1.0)
        return lo + _nearest_edge(widths, share)
    unit = _unit(text, at_text, hollow)
    if unit is None:
        return None
    if after:  # before the first box: count back from it
        i = at_text[0]
        widths = [_char_width(c) for c in reversed(text[:i])]
        return i - _nearest_edge(widths, (hollow[0][0] - sq[2]) / unit)
    i = at_text[-1] + 1  # after the last box
    widths = [_char_width(c) for c in text[i:]]
    return i + _nearest_edge(widths, (sq[0] - hollow[-1][2]) / unit)


def _nearest_edge(widths: list[float], share: float) -> int:
    edges = [sum(widths[:i]) for i in range(len(widths) + 1)]
    return min(range(len(edges)), key=lambda i: abs(edges[i] - share))


def _unit(text: str, at_text: list[int], hollow: list) -> float | None:
    """A full-width character's advance on the page, from the gaps between consecutive open boxes and the
    characters the text holds between them (None with fewer than two boxes)."""
    units = [(hollow[k + 1][0] - hollow[k][2]) / sum(_char_width(c) for c in text[at_text[k] + 1:at_text[k + 1]])
             for k in range(len(hollow) - 1) if at_text[k + 1] - at_text[k] > 1]
    return float(np.median(units)) if units else None


def _insert(ln: Line, at: int, cfg: dict) -> Line:
    """`ln` with the mark at text index `at`, in the line's text and in the word that holds that place (the
    next word when it falls between two); a garbled mark read there (国) is replaced."""
    swap = at < len(ln.text) and ln.text[at] in cfg["garbled"]
    text = ln.text[:at] + cfg["mark"] + ln.text[at + 1 if swap else at:]
    words = list(ln.words)
    for k, wd in enumerate(words):
        start = _word_start(ln, k)
        if start is None:
            break
        if at <= start + len(wd.text) - (1 if swap else 0):
            j = max(0, at - start)
            words[k] = Word(text=wd.text[:j] + cfg["mark"] + wd.text[j + 1 if swap else j:], bbox=wd.bbox,
                            confidence=wd.confidence)
            break
    return ln.model_copy(update={"text": text, "words": tuple(words)})


def _char_width(c: str) -> float:
    """A character's advance in full widths. Not grid.char_width: it takes everything below U+2E80 for half a
    width, □ (U+25A1) too, and a box is a full width here (measured: the mark then lands a character off)."""
    return 1.0 if unicodedata.east_asian_width(c) in "WFA" else 0.33 if c.isspace() else 0.5


def _word_start(ln: Line, k: int) -> int | None:
    """Where word `k`'s text starts in the line's text (words are in order; spaces may lie between)."""
    pos = 0
    for i, wd in enumerate(ln.words):
        at = ln.text.find(wd.text, pos)
        if at < 0:
            return None
        if i == k:
            return at
        pos = at + len(wd.text)
    return None
