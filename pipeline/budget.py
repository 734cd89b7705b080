"""A submission's reading budgets (intake.yaml `max_pages`, `submission_seconds`), shared by its files.

A submission may be a folder (or a zip's folder) of many files. The page budget is spent in file
order: each file may read what the files before it left (`allotments`, decided before any read so it
does not depend on which read finishes first, and a cached read stays valid for the same allotment);
the time budget is one deadline for all of the submission's reads. What a budget cut is named in the
file's errors, in Chinese first (`pages_cut`, `time_cut`), and such a read is never reused from the
cache as if it were complete (flows/bundle.py).
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path

log = logging.getLogger(__name__)

CUT_CODES = frozenset({"too_many_pages", "time_budget"})
"""Error codes of work a budget cut: the read is partial by choice, not by fault."""


def is_cut(errors) -> bool:
    """True when any of these DocumentErrors says a budget cut the read."""
    return any(e.code in CUT_CODES for e in errors)


def allotments(files: Sequence[str], count: Callable[[str], int], max_pages: int) -> dict[str, int | None]:
    """Pages each file of one submission may read, in file order; None: the file fits whole in what is
    left (or it is alone, and the read's own limit is the budget). A file whose page count cannot be
    told (`count` gives 0: it is damaged, its read says so) gets what is left and uses none of it here."""
    if len(files) <= 1:
        return {f: None for f in files}
    left, out = max_pages, {}
    for rel in files:
        total = count(rel)
        out[rel] = None if left >= max_pages or (total and total <= left) else left
        left = max(0, left - total)
    return out


def count_pages(path: Path, rel: str) -> int:
    """Pages of a file as its read will plan them; 0 when that cannot be told (its read reports why)."""
    from pipeline.readers.sniff import sniff

    try:
        kind = sniff(path)
        if kind == "pdf":
            from pipeline.readers import pdf as pdfr

            doc, _ = pdfr.open_pdf(path, rel)
            try:
                return len(doc)
            finally:
                doc.close()
        if kind in ("tiff", "jpeg", "png", "bmp"):
            from pipeline.readers import images

            return images.frame_count(path, rel)
        if kind == "docx":
            from pipeline.readers import docx_reader

            content = docx_reader.read_docx(path, rel)
            return len(content.pages) + len(content.image_parts)
    except Exception:  # damaged or refused: the read names the problem
        log.debug("cannot count the pages of %s", rel, exc_info=True)
    return 0


def pages_cut(total: int, allowed: int, budget: int, ranges: str) -> str:
    """The sheet's line for a file the page budget cut (`ranges`: the pages not read)."""
    if allowed <= 0:
        return (f"每份申报材料 {budget} 页的页数预算已被前面的文件用完：本文件共 {total} 页，第 {ranges} 页均未读 / "
                f"page budget used up by earlier files: pages {ranges} of {total} not read")
    before = f"前面的文件已读 {budget - allowed} 页，" if allowed < budget else ""
    return (f"共 {total} 页，超过每份申报材料 {budget} 页的页数预算：{before}只读了前 {allowed} 页，第 {ranges} 页未读 / "
            f"pages {ranges} of {total} not read (page budget)")


def time_cut(seconds: float, ranges: str) -> str:
    """The sheet's line for a file the submission's time budget cut."""
    return (f"本申报材料读取超过 {seconds:g} 秒的时间预算，第 {ranges} 页未读 / "
            f"pages {ranges} not read (time budget)")


def page_ranges(numbers: Sequence[int]) -> str:
    """[3, 4, 5, 9] → '3–5、9' (page lists in a sheet stay one line)."""
    out, nums = [], sorted(numbers)
    start = prev = nums[0]
    for n in nums[1:] + [None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        out.append(f"{start}–{prev}" if prev > start else f"{start}")
        if n is not None:
            start = prev = n
    return "、".join(out)
