"""The default OCR engine ("cascade"): Tesseract reads the page, RapidOCR re-reads what matters.

Why: Tesseract is ~4x faster but only ~80% of its lines are exactly right (table cells, text under
seals); RapidOCR reads ~100% of lines right at ~5 s/page (domain-notes §5). Re-reading chosen
line crops with RapidOCR's recogniser (no detection) gets RapidOCR's accuracy where it counts for
a fraction of its cost.

Which lines are re-read (cascade.yaml):
- low confidence: line mean < `line_confidence` or a word < `word_confidence`;
- key facts: label keywords (单位, 信用代码, 租赁, 日期 …), unit-name suffixes (公司, 研究院 …)
  or patterns (18-char codes, dates);
- table rows: lines Tesseract's word gaps split into ≥ `table_min_cells` cells (re-read per cell).
Chosen lines whose Tesseract boxes overlap other lines (mis-segmented, usually under a seal) are
re-read as a block by RapidOCR detection + recognition, since a crop would cut through the
neighbours; so is ink no Tesseract line covers (a dropped line). A page whose mean confidence
says Tesseract could not read it at all is read whole by RapidOCR.

Which reading wins, first rule that separates them:
1. an empty RapidOCR reading never wins; the Tesseract line is dropped as noise (seal residue,
   specks) when its confidence is also below `noise_confidence`;
2. USCC checksum: the reading whose 18-character code passes `pipeline.uscc.is_valid`;
3. known label: the reading whose label (before ：) is in the `labels` list;
4. confidence: RapidOCR when its score ≥ Tesseract's line confidence, else Tesseract.
Every output Line keeps `engine` = the engine whose reading it is; `CascadeEngine.decisions`
holds the last page's choices with the rule that made each.

Modules: cascade_choice.py (which lines, which reading wins), cascade_crops.py (cells, crops, blocks,
uncovered ink), cascade_splice.py (windows and splicing readings back into lines); this one runs them.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial

import numpy as np

from pipeline.grid import cut_line
from pipeline.heap import release_memory
from pipeline.model import Line, Page
from pipeline.ocr import detect_gate, rapid, rapid_page, stagetime
from pipeline.ocr.base import RasterPage, register
from pipeline.ocr.cascade_choice import (  # noqa: F401
    CONFIG_PATH,
    checksum_confirmed,
    Decision,
    choose,
    choose_block,
    has_known_label,
    known_labels,
    label_of,
    mean_conf,
    nfkc,
    restore_colon,
    restore_doubles,
    settings,
    uscc_ok,
    why_reread,
)
from pipeline.ocr.cascade_crops import (  # noqa: F401
    ink_beside_words,
    reach_outer_ink,
    reach_outer_rules,
    crop,
    erase_crop_rules,
    has_rule,
    split_cells,
    trim_blank_sides,
    uncovered_regions,
    unreliable_blocks,
)
from pipeline.ocr.cascade_echo import drop_echoes
from pipeline.ocr.cascade_gaps import add_gap_line, drop_doubled_words, same_ink
from pipeline.ocr.cascade_splice import (  # noqa: F401
    Segment,
    between_context,
    covers_line,
    segments_to_read,
    sorted_words,
    splice,
    window_box,
    word_windows,
)
from pipeline.ocr.leaders import page_confidence
from pipeline.ocr.lookalikes import fix_lines
from pipeline.ocr.tick_marks import restore_filled_ticks
from pipeline.ocr.rulings import find_rulings
from pipeline.ocr.tesseract import TesseractEngine

ENGINE = "cascade"


@dataclass
class CascadeEngine:
    """Tesseract first, RapidOCR on the crops that matter. Options override cascade.yaml keys."""

    line_confidence: float | None = None
    full_page_confidence: float | None = None
    key_facts: bool | None = None
    fill_gaps: bool | None = None
    tables: bool | None = None
    windows: bool | None = None
    """False: re-read whole lines and every cell of a table row (the first cascade, for comparison)."""
    table_cells: str | None = None
    tesseract: TesseractEngine = field(default_factory=TesseractEngine)
    recognise: Callable[[list[np.ndarray]], list[tuple[str, float]]] = rapid.read_crops
    """Recognition on crops; replaceable so tests can count the crops."""
    detect: Callable[[np.ndarray], tuple[list, bool]] = rapid.detect_and_read
    detect_page: Callable[[np.ndarray], tuple[list, bool]] = rapid_page.detect_and_read_page
    name: str = ENGINE
    decisions: list[Decision] = field(default_factory=list)
    page_dpi: int | None = None
    gap_regions: list[tuple[int, int, int, int]] = field(default_factory=list)

    def config(self) -> dict:
        cfg = dict(settings())
        if self.line_confidence is not None:
            cfg["line_confidence"] = self.line_confidence
        if self.full_page_confidence is not None:
            cfg["full_page_confidence"] = self.full_page_confidence
        if self.key_facts is not None:
            cfg["key_facts"] = dict(cfg["key_facts"], enabled=self.key_facts)
        if self.fill_gaps is not None:
            cfg["fill_gaps"] = self.fill_gaps
        if self.tables is not None:
            cfg["reread_tables"] = self.tables
        if self.windows is not None:
            cfg["windows"] = dict(cfg["windows"], enabled=self.windows)
            if not self.windows:
                cfg["table_cells"] = "all"
        if self.table_cells is not None:
            cfg["table_cells"] = self.table_cells
        return cfg

    def read(self, page: RasterPage) -> Page:
        cfg = self.config()
        self.page_dpi = page.dpi
        # The grey Tesseract saw (levelled red channel, same deskew) before the rule erasure: line
        # boxes are in its frame, and RapidOCR reads through rules (crops erase their own).
        with stagetime.stage("ocr_tesseract"):
            lines, rotation, rgb, grey, masks = self.tesseract.read_page_lines(page)
        h, w = grey.shape[:2]
        self.decisions, self.gap_regions = [], []
        rulings = find_rulings(grey, page.dpi, masks)
        del masks  # two page-sized masks, done with: not held under RapidOCR's work (issue 18)
        # a word cut at a rule was shared out by character width, a guess: its cells are re-read
        doubt = cfg["windows"]["word_confidence"] - 0.01
        cut = [cut_line(ln, rulings, doubt) for ln in lines]
        lines = [ln for ln, _ in cut]
        cells = [split_cells(ln, grey, cfg["cell_gap_heights"], cfg["margin"] * (ln.bbox[3] - ln.bbox[1]) * h,
                             cfg["unruled_gap_heights"], [x * w for x in xs]) for ln, xs in cut]
        cells = [_reach_outer(c, ln, xs, rulings, grey, cfg) for c, (ln, xs) in zip(cells, cut)]
        # a line across a table rule is a table row however few its cells: read cell by cell, so no
        # crop reaches over a rule (1 | 重庆云帆… read as one window lost its cell boundary)
        ruled = {i for i, (_, xs) in enumerate(cut) if xs and len(cells[i]) >= 2}
        chosen = [(i, why_reread(ln, cfg["table_min_cells"] if i in ruled else len(cells[i]), cfg))
                  for i, ln in enumerate(lines)]
        chosen = [(i, why) for i, why in chosen if why]
        stagetime.count("lines_chosen", len(chosen))
        for _, why in chosen:
            for reason in why:
                stagetime.count(f"lines_chosen_{reason}")
        if len(lines) >= 3 and page_confidence(lines) < cfg["full_page_confidence"]:  # dot leaders left out
            out = self._whole_page(rgb, w, h)
        else:
            out = self._reread(grey, lines, cells, chosen, cfg, ruled)
            if cfg["fill_gaps"]:
                out = self._fill_gaps(grey, page.dpi, out, cfg)
        out = restore_filled_ticks(fix_lines(rapid.reading_order(drop_doubled_words(out))), grey)
        return Page(file=page.file, number=page.number, width=w, height=h, dpi=page.dpi, source="ocr",
                    engine=ENGINE, rotation=(page.rotation + rotation) % 360, lines=tuple(out), rulings=rulings)

    def _reread(self, grey, lines, cells, chosen, cfg, ruled: set[int] = frozenset()) -> list[Line]:
        """`ruled`: lines across a table rule, read cell by cell like table rows."""
        h, w = grey.shape[:2]
        out: list[Line | None] = list(lines)
        blocks = unreliable_blocks(lines, [i for i, _ in chosen if len(cells[i]) < cfg["table_min_cells"] and i not in ruled],
                                   cfg["block_overlap"])
        in_block = {i for b in blocks for i in b}
        extra = [ln for b in blocks for ln in self._reread_block(grey, lines, b, dict(chosen), cfg, out)]
        plans: dict[int, list[Segment]] = {}
        crops, owners = [], []
        residue = cfg["rule_residue"]
        for i, why in chosen:
            if i in in_block:
                continue
            plans[i] = segments_to_read(lines[i], cells[i], w, h, cfg, key=bool({"key_fact", "table"} & set(why)),
                                        table=i in ruled, dropped=partial(self._dropped, grey, lines[i], cfg))
            pad = cfg["margin"] * (lines[i].bbox[3] - lines[i].bbox[1]) * h
            plans[i] = [sg if crop(grey, sg.box, pad).size else replace(sg, read=False) for sg in plans[i]]
            keep = int(round(cfg["trim_keep_heights"] * (lines[i].bbox[3] - lines[i].bbox[1]) * h))
            for seg in (sg for sg in plans[i] if sg.read):
                cut = erase_crop_rules(crop(grey, seg.box, pad), residue_darkest=residue["darkest"],
                                       residue_paper=residue["paper"], residue_share=residue["share"])
                crops.append(trim_blank_sides(cut, keep) if keep > 0 else cut)
                owners.append(i)
        stagetime.count("rapid_crops", len(crops))
        stagetime.count("lines_to_rapid", len(set(owners)) + len(in_block))
        with stagetime.stage("ocr_rapidocr"):
            readings = self.recognise(crops) if crops else []
        per_line: dict[int, list[tuple[str, float]]] = {}
        for i, r in zip(owners, readings):
            per_line.setdefault(i, []).append(r)
        for i, why in chosen:
            if i in in_block or not plans.get(i):
                continue
            t = lines[i]
            segs = [sg for sg in plans[i] if sg.read]
            parts = drop_echoes(per_line.get(i, []), segs, i, lines, w, h)  # a crop that read the next line
            whole = covers_line(segs, t)
            if not any(txt.strip() for txt, _ in parts):
                winner, rule = "tesseract", "empty"
                if whole and t.confidence < cfg["noise_confidence"]:
                    winner, rule = "none", "noise"
                self.decisions.append(Decision(i, why, t.text, t.confidence, "", 0.0, winner, rule))
                if winner == "none":
                    out[i] = None
                continue
            cand = splice(t, plans[i], parts, w, h)
            winner, rule = choose(t.text, t.confidence, cand.text, cand.confidence)
            if rule == "confidence":  # decided crop by crop: a crop RapidOCR is less sure of keeps Tesseract's words
                cand = splice(t, plans[i], parts, w, h, only_surer=True)
                winner = "rapidocr" if cand.engine != "tesseract" else "tesseract"
            self.decisions.append(Decision(i, why, t.text, t.confidence, cand.text, cand.confidence, winner, rule))
            if winner == "tesseract" and rule == "uscc_checksum":
                out[i] = checksum_confirmed(t, cand.text, cfg["checksum_confidence"])
            if winner == "rapidocr":
                out[i] = restore_doubles(t.text, restore_colon(t.text, cand))
        return [ln for ln in out if ln is not None] + extra

    @staticmethod
    def _dropped(grey, line, cfg, box, words) -> bool:
        return bool(cfg.get("dropped_glyph_ink")) and ink_beside_words(grey, box, words, line, cfg["dropped_glyph_ink"])

    def _reread_block(self, grey, lines, block, why, cfg, out) -> list[Line]:
        """RapidOCR detection + recognition over a block of lines whose Tesseract boxes overlap;
        the block's readings are compared as a whole (`choose_block`)."""
        h, w = grey.shape[:2]
        x0 = min(lines[i].bbox[0] for i in block) * w
        y0 = min(lines[i].bbox[1] for i in block) * h
        x1 = max(lines[i].bbox[2] for i in block) * w
        y1 = max(lines[i].bbox[3] for i in block) * h
        pad = cfg["margin"] * float(np.median([(lines[i].bbox[3] - lines[i].bbox[1]) * h for i in block]))
        ox, oy = int(max(0, x0 - 2 * pad)), int(max(0, y0 - pad))
        sub = grey[oy:int(min(h, y1 + pad)), ox:int(min(w, x1 + 2 * pad))]
        stagetime.count("rapid_blocks")
        with stagetime.stage("ocr_rapidocr_blocks"), detect_gate.one_at_a_time():  # ~100 MB: as whole pages
            items, _ = self.detect(sub, region=True, dpi=self.page_dpi)
        shifted = [(q + np.array([ox, oy], dtype=np.float32), t, s) for q, t, s in items]
        r_lines = rapid.boxes_to_lines(shifted, w, h)
        t_pairs = [(lines[i].text, lines[i].confidence) for i in block]
        r_pairs = [(ln.text, ln.confidence) for ln in r_lines]
        winner, rule = choose_block(t_pairs, r_pairs)
        r_text = "\n".join(t for t, _ in r_pairs)
        for i in block:
            self.decisions.append(Decision(i, why.get(i, ("overlap",)) + ("block",), lines[i].text, lines[i].confidence,
                                           r_text, mean_conf(r_pairs), winner, rule))
        if winner != "rapidocr":
            return []
        for i in block:
            out[i] = None
        # the padded block crop also takes in lines beside the block, which stay as read: their
        # second reading here would be glued on twice (博远软件技术（重庆）有限公司限公司)
        beside = [ln for j, ln in enumerate(lines) if j not in set(block)]
        return [ln for ln in r_lines if not same_ink(ln, beside)]

    def _fill_gaps(self, grey, dpi, lines, cfg) -> list[Line]:
        h, w = grey.shape[:2]
        regions = uncovered_regions(grey, dpi, lines, cfg["min_region_chars"])
        self.gap_regions = regions
        out = list(lines)
        for x0, y0, x1, y1 in regions:
            pad = int(0.1 * dpi)
            ox, oy = max(0, x0 - pad), max(0, y0 - pad)
            sub = grey[oy:min(h, y1 + pad), ox:min(w, x1 + pad)]
            stagetime.count("rapid_gap_regions")
            with stagetime.stage("ocr_rapidocr_gaps"):
                items, _ = self.detect(sub, region=True, dpi=dpi)
            shifted = [(q + np.array([ox, oy], dtype=np.float32), t, s) for q, t, s in items]
            for ln in rapid.boxes_to_lines(shifted, w, h):
                out = add_gap_line(ln, out)
        return out

    def _whole_page(self, rgb, w, h) -> list[Line]:
        """RapidOCR as the rapidocr engine reads a page: on the upright page, not deskewed (the
        detector copes with skew; measured, it missed a line of a deskewed prose page)."""
        stagetime.count("rapid_whole_pages")
        with stagetime.stage("ocr_rapidocr_pages"):
            grey = rapid.ocr_grey(rgb)
            with detect_gate.one_at_a_time():  # a worker's memory peak: one such read at a time in the pool
                self.tesseract.unload()  # its model (~55 MB) need not sit under the peak: 0.07 s to load again
                release_memory()  # the detector's ~200 MB comes on top of what Tesseract's steps freed (heap.py)
                items, _ = self.detect_page(grey)
        self.decisions.append(Decision(-1, ("whole_page",), "", 0.0, "", 0.0, "rapidocr", "full_page_confidence"))
        return rapid.boxes_to_lines(items, w, h)


def _reach_outer(cells, line: Line, cuts, rulings, grey, cfg) -> list:
    """A row's outer cells stretched to the rules closing them (a ruled row), else its last cell over
    ink right after the line's end (a table row with no rule within reach there: 三百 read 三 in a ruled
    target table whose border lay further than the reach, seed 931 #03)."""
    h, w = grey.shape[:2]
    reach = cfg["cell_reach_heights"]
    if cuts:
        ruled = reach_outer_rules(cells, line, rulings, w, h, reach)
        return ruled if not ruled or ruled[-1][2] != cells[-1][2] else reach_outer_ink(ruled, line, grey, reach)
    return reach_outer_ink(cells, line, grey, reach) if len(cells) >= cfg["table_min_cells"] else cells


@register(ENGINE)
def make_cascade(**options) -> CascadeEngine:
    return CascadeEngine(**options)
