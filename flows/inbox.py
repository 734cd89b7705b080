"""Inbox trigger: each bundle (folder or .zip) dropped into an inbox folder starts one run.

Polling, not inotify: inboxes are often network shares where change events do not arrive. A bundle
starts only once it has settled (same size/mtime on two polls, or untouched for `settle_seconds`),
so a zip still being copied is not read half-written. What was started is remembered in
OUT_ROOT/.jiebang-inbox.json by name and signature: a restart does not rerun old bundles, a bundle
replaced under the same name runs again.
"""
from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SEEN_FILE = ".jiebang-inbox.json"
Starter = Callable[[Path, Path], Any]


def signature(path: Path) -> tuple[int, int, float]:
    """(files, bytes, newest mtime) of a bundle; changes while it is still being copied."""
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    stats = [p.stat() for p in files]
    return len(stats), sum(s.st_size for s in stats), max((s.st_mtime for s in stats), default=0.0)


def is_bundle(path: Path) -> bool:
    if path.name.startswith((".", "~$")):
        return False
    return path.is_dir() or path.suffix.lower() == ".zip"


@dataclass
class Inbox:
    inbox: Path
    out_root: Path
    settle_seconds: float = 10.0
    _last: dict[str, tuple] = field(default_factory=dict)

    @property
    def seen_path(self) -> Path:
        return self.out_root / SEEN_FILE

    def _seen(self) -> dict[str, list]:
        try:
            return json.loads(self.seen_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def out_for(self, bundle: Path) -> Path:
        return self.out_root / (bundle.stem if bundle.is_file() else bundle.name)

    def poll(self, start: Starter) -> list[Path]:
        """Start every new, settled bundle once; return those started."""
        seen = self._seen()
        started = []
        now = time.time()
        for path in sorted(p for p in self.inbox.iterdir() if is_bundle(p)):
            sig = signature(path)
            previous, self._last[path.name] = self._last.get(path.name), sig
            if not sig[0] or seen.get(path.name) == list(sig):
                continue
            if previous != sig and now - sig[2] < self.settle_seconds:
                continue  # still arriving
            start(path, self.out_for(path))
            seen[path.name] = list(sig)
            self.out_root.mkdir(parents=True, exist_ok=True)
            self.seen_path.write_text(json.dumps(seen, ensure_ascii=False, indent=1), encoding="utf-8")
            started.append(path)
        return started

    def watch(self, start: Starter, interval: float = 10.0, stop: Callable[[], bool] = lambda: False) -> None:
        while not stop():
            self.poll(start)
            time.sleep(interval)


def deployment_starter(deployment: str, parameters: dict) -> Starter:
    """Start a run of a served/deployed flow on the Prefect server; returns at once (workers run it)."""

    def start(bundle: Path, out: Path):
        from prefect.deployments import run_deployment

        return run_deployment(deployment, parameters={**parameters, "bundle": str(bundle.resolve()),
                                                      "out": str(out.resolve())}, timeout=0)

    return start


def local_starter(**options) -> Starter:
    """Run the flow in this process (embedded Prefect), one bundle after another."""

    def start(bundle: Path, out: Path):
        from flows.bundle import run_bundle

        return run_bundle(bundle, out, **options)

    return start
