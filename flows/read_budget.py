"""The flow's side of a submission's reading budgets (pipeline/budget.py): what each read may spend,
and which cached reads a budget cut.

- Pages: allotted per file before any read starts, in the submission's file order, so the allotment
  (part of the read's cache key) does not depend on which read finishes first.
- Time: one deadline per submission, set when its first read is handed out; its files share it.
- Cut reads: a read a budget cut is partial by choice. Its cache entry is marked (OUT/.jiebang/cut/<key>)
  and the next run reads the file again (refresh) instead of taking the partial read as complete —
  with a bigger budget it reads more, with the same one it tries again.
"""
from __future__ import annotations

import time
from pathlib import Path

from pipeline.budget import allotments, count_pages, is_cut
from pipeline.intake import Bundle, Limits


class ReadBudgets:
    def __init__(self, bundle: Bundle, limits: Limits, state_dir: Path):
        self.limits = limits
        self.owner = {rel: s.name for s in bundle.submissions for rel in s.files}
        self.pages: dict[str, int | None] = {}
        for s in bundle.submissions:
            self.pages.update(allotments(s.files, lambda rel: count_pages(bundle.root / rel, rel), limits.max_pages))
        self.deadlines: dict[str, float] = {}
        self.marks = Path(state_dir) / "cut"

    def read_options(self, rel: str) -> dict:
        """Keyword arguments of this file's read: pages allotted (None: its own limit) and the
        submission's deadline (started now if this is its first read)."""
        seconds = self.limits.submission_seconds
        deadline = self.deadlines.setdefault(self.owner[rel], time.time() + seconds) if seconds else None
        return {"max_pages": self.pages.get(rel), "deadline": deadline, "page_budget": self.limits.max_pages}

    def was_cut(self, key: str) -> bool:
        """The cached read under `key` was cut by a budget: read the file again."""
        return (self.marks / key).exists()

    def note(self, key: str, read) -> bool:
        """Mark or unmark the cache entry `key` after a read; True when a budget cut it."""
        cut = is_cut(read.document.errors)
        if cut:
            self.marks.mkdir(parents=True, exist_ok=True)
            (self.marks / key).touch()
        else:
            (self.marks / key).unlink(missing_ok=True)
        return cut
