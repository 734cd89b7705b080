"""The `jiebang run` progress display: submissions and pages done, from flow progress events."""
from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


class ProgressDisplay:
    """Context manager; `handle(event, data)` is the flows.progress listener."""

    def __init__(self, enabled: bool = True):
        self.enabled = enabled
        self.progress = Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=Console(stderr=True), transient=False, disable=not enabled,
        )
        self.live_pages: dict[str, int] = {}
        self.done_pages = 0
        self.subs = self.pages = None

    def __enter__(self):
        self.progress.__enter__()
        self.subs = self.progress.add_task("申报材料 submissions", total=None)
        self.pages = self.progress.add_task("页 pages", total=None)
        return self

    def __exit__(self, *exc):
        return self.progress.__exit__(*exc)

    def _pages(self) -> None:
        self.progress.update(self.pages, completed=self.done_pages + sum(self.live_pages.values()))

    def handle(self, event: str, data: dict) -> None:
        if event == "start":
            self.progress.update(self.subs, total=data["submissions"])
        elif event == "page":
            self.live_pages[data["file"]] = self.live_pages.get(data["file"], 0) + 1
            self._pages()
        elif event == "file_done":
            self.live_pages.pop(data["file"], None)
            self.done_pages += data["pages"]
            self._pages()
        elif event == "submission_done":
            self.progress.advance(self.subs)
        elif event == "end":
            self.progress.update(self.pages, total=self.done_pages, completed=self.done_pages)
