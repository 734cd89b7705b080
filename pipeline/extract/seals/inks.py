"""Two inks in one red mask: a seal printed over letters of another red-brown ink.

Why: an electronic invoice prints its 监制章 (pure red) over the title's letters (brown-orange, inside
the hue window that takes orange-red seal inks); in the mask they make one blob whose outermost ink
is the title, not the rim, so no ellipse fits. One seal is one ink: where the mask's hues fall into two
groups (`ink_hue_gap` apart at their peaks, each at least `ink_share_min` of the ink) the mask is
split at the valley between them and each ink is looked at alone.
"""
from __future__ import annotations

import cv2
import numpy as np

SPAN = 30
"""Hues are wrapped to -SPAN..(90) (OpenCV 0..180, crimson 160..180 → -20..0): red lies in one run."""


def hue_split(rgb_small: np.ndarray, mask: np.ndarray, cfg: dict) -> list[np.ndarray]:
    """The mask split into its two inks (reddest first), or [] when its ink is one hue group."""
    ys, xs = np.nonzero(mask)
    if len(ys) < 60:
        return []
    px = np.ascontiguousarray(rgb_small[ys, xs, :3]).reshape(-1, 1, 3)  # the ink's pixels only: cheap on a page
    vals = cv2.cvtColor(px, cv2.COLOR_RGB2HSV)[:, 0, 0].astype(np.int16)
    vals = np.where(vals > 90, vals - 180, vals)
    hist = np.bincount(np.clip(vals + SPAN, 0, 90 + SPAN), minlength=91 + SPAN).astype(np.float64)
    smooth = np.convolve(hist, np.ones(3) / 3, mode="same")
    gap = cfg["ink_hue_gap"]
    p1 = int(np.argmax(smooth))
    rest = smooth.copy()
    rest[max(0, p1 - gap + 1):p1 + gap] = 0
    p2 = int(np.argmax(rest))
    if not rest[p2]:
        return []
    lo, hi = sorted((p1, p2))
    cut = lo + int(np.argmin(smooth[lo:hi + 1])) - SPAN  # the valley between the two peaks
    low = vals <= cut
    share = cfg["ink_share_min"] * len(vals)
    if min(np.count_nonzero(low), len(vals) - np.count_nonzero(low)) < share:
        return []
    parts = [np.zeros_like(mask), np.zeros_like(mask)]
    parts[0][ys[low], xs[low]] = 255
    parts[1][ys[~low], xs[~low]] = 255
    return parts
