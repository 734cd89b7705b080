"""Let the embedded server skip Prefect's block-registration check while it can only find "unchanged".

Every embedded server start (one per run) asks whether Prefect's block types must be registered in
PREFECT_HOME's database: it imports every installed Prefect collection (here prefect-dask, and with it
dask.distributed) to hash the block registry, compares the hash with the one in memo_store.toml and
finds them equal. Measured on the 2-core box: ~0.4–0.5 s of the server's ~3.5 s start-up CPU, every
run (issue 18). After a start that left a hash, we note what that answer depends on and may change
between runs: the installed packages (the dist-info folders of each site-packages folder on sys.path: an
install, upgrade or removal adds, renames or removes one), the database and the stored hash. While the note holds,
the server starts with registration off (nothing imported, nothing hashed). A new home, an installed
or removed package, another database or memo store: Prefect checks (and registers) as before.
A user's own setting of either variable wins (then nothing is changed).
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from pathlib import Path

from flows import standing

NOTE = "embedded-server-blocks.json"
SKIP = {"PREFECT_API_BLOCKS_REGISTER_ON_START": "false",  # registration off …
        "PREFECT_MEMOIZE_BLOCK_AUTO_REGISTRATION": "false"}  # … and no collection import to hash the registry
USER_VARS = ("PREFECT_API_BLOCKS_REGISTER_ON_START", "PREFECT_SERVER_REGISTER_BLOCKS_ON_START",
             "PREFECT_MEMOIZE_BLOCK_AUTO_REGISTRATION", "PREFECT_SERVER_MEMOIZE_BLOCK_AUTO_REGISTRATION")


def _memo_store() -> Path:
    path = os.environ.get("PREFECT_SERVER_MEMO_STORE_PATH") or os.environ.get("PREFECT_MEMO_STORE_PATH")
    return Path(path).expanduser() if path else standing.prefect_home() / "memo_store.toml"


def fingerprint(db: Path) -> str | None:
    """What the registration check's answer depends on, as far as it can change between runs; None
    while Prefect has stored no registration hash."""
    try:
        memo = _memo_store().read_text(encoding="utf-8")
    except OSError:
        return None
    found = re.search(r'^block_auto_registration\s*=\s*"([0-9a-f]+)"', memo, re.M)
    if not found:
        return None
    installed = []
    for entry in sys.path:
        if Path(entry).name not in ("site-packages", "dist-packages"):
            continue
        try:  # the distributions there, by name and version: not the folder's mtime, which a first
            # import also moves (a fresh environment's site-packages/__pycache__ made mid-run)
            dists = sorted(n for n in os.listdir(entry) if n.endswith((".dist-info", ".egg-info")))
        except OSError:
            continue
        installed.append([entry, hashlib.sha256("\n".join(dists).encode()).hexdigest()])
    return json.dumps({"hash": found.group(1), "database": str(db), "installed": installed})


def skip_env(db: Path) -> dict[str, str]:
    """The server's environment additions: registration off when the note says nothing changed."""
    if any(v in os.environ for v in USER_VARS):
        return {}
    current = fingerprint(db)
    try:
        noted = (db.parent / NOTE).read_text(encoding="utf-8")
    except OSError:
        return {}
    return dict(SKIP) if current is not None and noted == current else {}


def note(db: Path) -> None:
    """After a server start: remember what its registration check depended on (see skip_env)."""
    current = fingerprint(db)
    if current is None:
        return
    try:
        path = db.parent / NOTE
        if not path.is_file() or path.read_text(encoding="utf-8") != current:
            path.write_text(current, encoding="utf-8")
    except OSError:
        pass
