"""The run record (OUT/run.json) a flow writes as it goes, and what it tells the Prefect UI.

Written atomically at each step so a crashed run still says how far it got; the record is what
`jiebang rerun` and the up-to-date check read back.
"""
from __future__ import annotations

import json
import os
import time
from pathlib import Path

from flows.uptodate import RUN_RECORD
from pipeline.ocr import stagetime

_STARTED: list[bool] = []


def startup_seconds() -> list:
    """[wall, cpu, 1] of this process from its start to now (the flow's start): Python, Prefect and
    its server (a server on this process's thread is left out: it is reported as the server), the CLI's
    checks. The page workers' model loading is timed where it runs. Only the
    first flow of a process has a start-up (the inbox watcher runs many)."""
    if _STARTED:
        return [0.0, 0.0, 0]
    _STARTED.append(True)
    try:
        import psutil

        wall = time.time() - psutil.Process().create_time()
    except Exception:
        wall = 0.0
    from flows.server import server_cpu

    server = server_cpu()  # a server on a thread of this process booted within this start-up: its own row
    cpu = stagetime.process_cpu() - (server["boot"] if server.get("in_process") else 0.0)
    return [round(wall, 3), round(cpu, 3), 1]


def write_record(out: Path, record: dict) -> None:
    out.mkdir(parents=True, exist_ok=True)
    tmp = out / f".{RUN_RECORD}.tmp"
    tmp.write_text(json.dumps(record, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(tmp, out / RUN_RECORD)


def publish_artifact(record: dict) -> None:
    """The run's figures as a Markdown table in the Prefect UI."""
    try:
        from prefect.artifacts import create_markdown_artifact

        t = record["timings_s"]
        md = (
            f"### 申报材料包审查 {Path(record['parameters']['bundle']).name}\n\n"
            f"| 项目 | 数值 |\n|---|---|\n| 申报材料数 | {record['submissions']} |\n"
            f"| 失败（可重跑） | {len(record['failed_submissions'])} |\n| 文件 / 缓存命中 | {record['files']} / {record['cached_files']} |\n"
            f"| 页数 | {record['pages']} |\n| 页/秒 | {record['pages_per_second']} |\n"
            + "".join(f"| {k} 秒 | {v} |\n" for k, v in t.items())
        )
        create_markdown_artifact(markdown=md, key="jiebang-run", description="per-run timings")
    except Exception:  # an artifact is a convenience, never a reason to fail a run
        pass
