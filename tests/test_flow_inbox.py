"""Inbox trigger: one start per new settled bundle, none for half-copied or already-started ones."""
from __future__ import annotations

import os
import time

from flows.inbox import Inbox


def test_inbox_starts_each_new_settled_bundle_once(tmp_path):
    inbox, out_root = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    started: list[tuple[str, str]] = []
    start = lambda b, o: started.append((b.name, o.name))  # noqa: E731

    old = time.time() - 60
    (inbox / "渝北区").mkdir()
    (inbox / "渝北区" / "a.pdf").write_bytes(b"%PDF")
    os.utime(inbox / "渝北区" / "a.pdf", (old, old))
    (inbox / "巴南区.zip").write_bytes(b"PK partial")  # still being copied: fresh mtime
    (inbox / "说明.txt").write_text("not a bundle")
    (inbox / ".partial").mkdir()

    box = Inbox(inbox, out_root, settle_seconds=30)
    assert box.poll(start) == [inbox / "渝北区"]
    assert started == [("渝北区", "渝北区")]
    # second poll: the zip has not changed since the last look → settled, starts now
    box.poll(start)
    assert started[-1] == ("巴南区.zip", "巴南区")
    # nothing new: nothing started; a restarted watcher remembers what it started
    assert box.poll(start) == [] and Inbox(inbox, out_root, settle_seconds=30).poll(start) == []
    # a bundle replaced under the same name runs again
    (inbox / "渝北区" / "b.pdf").write_bytes(b"%PDF more")
    os.utime(inbox / "渝北区" / "b.pdf", (old, old))
    box.poll(start)
    assert started.count(("渝北区", "渝北区")) == 2 and len(started) == 3
