"""RapidOCR's line recogniser with its memory bounded by one crop, not a batch (issue 18).

The recogniser's output is a probability per character class (18 710 of them) per 8 px of padded
width, for every crop of a batch at once: a batch of three 1 800 px lines (a block under a seal,
a whole page's prose) held ~150 MB of probabilities in onnxruntime, and a cascade worker rose by
up to ~290 MB while recognising one block. `BoundedRecognizer` runs RapidOCR 3.10.0's own batching
(crops sorted by width, `rec_batch_num` a batch, each padded to its batch's widest) unchanged, but a
batch wider in total than `max_batch_px` is run crop by crop — each crop padded to the batch's width
as before, so it sees the same pixels — and decoded at once. Crops are independent in the network:
the texts are the same (scores may differ in the 6th decimal: another matrix blocking).
"""
from __future__ import annotations

import time

import numpy as np


class BoundedRecognizer:
    """A `TextRecognizer` for RapidOCR's instance over any recogniser with `session`, `resize_norm_img`,
    `rec_image_shape`, `rec_batch_num` and `postprocess_op` (rec_light's, shared with seal arcs and the
    cascade's crops); `cfg` is RapidOCR's `Rec` config (language, font of its output). Anything else is
    the wrapped one's."""

    def __init__(self, inner, max_batch_px: int, cfg=None):
        self.inner = inner
        self.max_batch_px = int(max_batch_px)
        self.cfg = cfg if cfg is not None else inner.cfg

    def __getattr__(self, name: str):
        return getattr(self.inner, name)

    def __call__(self, args):
        from rapidocr.ch_ppocr_rec.main import RTL_LANGS, normalize_lang, reorder_bidi_for_display
        from rapidocr.ch_ppocr_rec.typings import TextRecOutput
        from rapidocr.utils.vis_res import VisRes

        if args.return_word_box:  # word boxes need the whole batch's probabilities: RapidOCR's own way
            return self.inner(args)
        start = time.perf_counter()
        img_list = [args.img] if isinstance(args.img, np.ndarray) else args.img
        results = recognize(self.inner, img_list, self.max_batch_px)
        txts, scores = (list(t) for t in zip(*results)) if results else ([], [])
        if normalize_lang(self.cfg.lang_type) in RTL_LANGS:
            txts = reorder_bidi_for_display(txts)
        word_results = tuple([None] * len(img_list))
        return TextRecOutput(img_list, tuple(txts), tuple(scores), word_results, time.perf_counter() - start,
                             viser=VisRes(lang_type=self.cfg.lang_type, font_path=self.cfg.font_path))


def recognize(rec, img_list: list[np.ndarray], max_batch_px: int) -> list[tuple[str, float]]:
    """(text, score) per crop (3-channel, any size) by RapidOCR 3.10.0's batching, bounded by
    `max_batch_px`; needs nothing of RapidOCR (`rec` may be rec_light's)."""
    results = [("", 0.0)] * len(img_list)
    for idx, pairs in _batches(rec, img_list, max_batch_px):
        for i, pair in zip(idx, pairs):
            results[i] = pair
    return results


def capped_width(img: np.ndarray, max_px: int, height: int) -> np.ndarray:
    """`img` padded above and below with its paper (its median) so that, scaled to the recogniser's
    `height`, it is at most `max_px` wide; `img` itself when it already is.

    The recogniser's memory grows with the width it is given, and a thin crop is stretched most: a
    10 px row of 目录 leader dots was read 4 416 px wide (+256 MB in a worker, issue 18). Padding keeps
    the glyphs' shape at a smaller scale; a text line at its own height is never touched."""
    h, w = img.shape[:2]
    if h <= 0 or w * height <= max_px * h:
        return img
    extra = int(np.ceil(w * height / max_px)) - h
    top = extra // 2
    paper = np.median(img.reshape(h * w, -1), axis=0).astype(img.dtype)
    out = np.empty((h + extra, *img.shape[1:]), dtype=img.dtype)
    out[:] = paper
    out[top:top + h] = img
    return out


def batch_plan(ratios: list[float], batch_num: int, min_ratio: float) -> list[tuple[list[int], float]]:
    """RapidOCR's batches: crop indices sorted by width/height ratio (its `np.argsort`), `batch_num` a
    batch, each with the ratio its crops are padded to (the batch's widest, at least `min_ratio`)."""
    order = np.argsort(np.array(ratios))
    plan = []
    for beg in range(0, len(ratios), batch_num):
        idx = [int(i) for i in order[beg:beg + batch_num]]
        plan.append((idx, max([min_ratio, *(ratios[i] for i in idx)])))
    return plan


def _batches(rec, img_list: list[np.ndarray], max_batch_px: int):
    """(crop indices, [(text, score)]) per batch of RapidOCR's plan; a batch whose padded width summed
    over its crops exceeds `max_batch_px` is run one crop at a time."""
    _c, img_h, img_w = rec.rec_image_shape[:3]
    ratios = [img.shape[1] / float(img.shape[0]) for img in img_list]
    for idx, max_ratio in batch_plan(ratios, rec.rec_batch_num, img_w / img_h):
        norm = [rec.resize_norm_img(img_list[i], max_ratio)[np.newaxis, :] for i in idx]
        width = norm[0].shape[-1]
        groups = [norm] if len(idx) * width <= max_batch_px else [[n] for n in norm]
        pairs: list[tuple[str, float]] = []
        for group in groups:
            preds = rec.session(np.concatenate(group).astype(np.float32))
            lines, _words = rec.postprocess_op(preds, False, wh_ratio_list=[ratios[i] for i in idx[len(pairs):len(pairs) + len(group)]],
                                               max_wh_ratio=max_ratio)
            pairs.extend(lines)
        yield idx, pairs
