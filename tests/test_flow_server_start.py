"""What the embedded server's and the run's start-up may skip (issue 18) and how a run's CPU is attributed to its
processes: the block-registration check skipped only while nothing it depends on changed, the
garbage collector off during start-up only, and the unstaged CPU split by process in the report."""
from __future__ import annotations

import asyncio
import gc
import importlib.util
import json
import os
import sqlite3
import sys
import urllib.request
from pathlib import Path

from flow_inputs import server_environ

import flows  # noqa: F401
from flows import _server_child, server, server_blocks

_spec = importlib.util.spec_from_file_location("stage_report", Path(__file__).parents[1] / "benchmarks" / "stage_report.py")
stage_report = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(stage_report)


def _no_user_settings(monkeypatch):
    for var in (*server_blocks.USER_VARS, "PREFECT_MEMO_STORE_PATH", "PREFECT_SERVER_MEMO_STORE_PATH",
                "PREFECT_API_DATABASE_CONNECTION_URL", "PREFECT_SERVER_DATABASE_CONNECTION_URL"):
        monkeypatch.delenv(var, raising=False)


def test_the_collector_goes_back_on_when_the_app_has_started_not_before():
    seen = []

    async def inner(scope, receive, send):
        seen.append(("before", gc.isenabled()))
        await send({"type": "lifespan.startup.complete" if scope["type"] == "lifespan" else "http.response.start"})
        seen.append(("after", gc.isenabled()))

    async def send(message):
        seen.append(message["type"])

    app = _server_child.collecting_after_startup(inner)
    was = gc.isenabled()
    gc.disable()
    try:
        asyncio.run(app({"type": "http"}, None, send))  # a request before start-up ended changes nothing
        assert seen == [("before", False), "http.response.start", ("after", False)]
        seen.clear()
        asyncio.run(app({"type": "lifespan"}, None, send))
        assert seen == [("before", False), "lifespan.startup.complete", ("after", True)]
        assert gc.get_freeze_count() > 0  # what start-up built stays out of later passes
    finally:
        gc.unfreeze()
        gc.enable() if was else gc.disable()


def test_the_registration_check_is_skipped_only_while_its_note_holds(tmp_path, monkeypatch):
    home, site = tmp_path / "home", tmp_path / "site-packages"
    home.mkdir()
    site.mkdir()
    monkeypatch.setenv("PREFECT_HOME", str(home))
    _no_user_settings(monkeypatch)
    monkeypatch.setattr(sys, "path", [str(tmp_path / "src"), str(site)])
    db, memo = home / "prefect.db", home / "memo_store.toml"

    server_blocks.note(db)
    assert server_blocks.skip_env(db) == {} and not (home / server_blocks.NOTE).exists()  # Prefect never registered
    memo.write_text('block_auto_registration = "ab12"\n', encoding="utf-8")
    assert server_blocks.skip_env(db) == {}  # registered, but not by a start we saw
    server_blocks.note(db)
    assert server_blocks.skip_env(db) == server_blocks.SKIP

    monkeypatch.setenv("PREFECT_API_BLOCKS_REGISTER_ON_START", "true")  # the user's setting wins
    assert server_blocks.skip_env(db) == {}
    monkeypatch.delenv("PREFECT_API_BLOCKS_REGISTER_ON_START")

    (site / "prefect_newcollection-1.0.dist-info").mkdir()  # a package installed
    mtime = os.stat(site).st_mtime_ns
    os.utime(site, ns=(mtime + 10**9, mtime + 10**9))
    assert server_blocks.skip_env(db) == {}
    server_blocks.note(db)
    assert server_blocks.skip_env(db) == server_blocks.SKIP
    (site / "__pycache__").mkdir()  # a first import in a fresh environment: nothing installed (CI's fresh clone)
    assert server_blocks.skip_env(db) == server_blocks.SKIP
    assert server_blocks.skip_env(home / "other.db") == {}  # another database
    memo.write_text('block_auto_registration = "cd34"\n', encoding="utf-8")  # another Prefect registered
    assert server_blocks.skip_env(db) == {}


def test_a_second_start_in_the_same_home_skips_the_check_and_serves_what_the_first_registered(tmp_path, monkeypatch):
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path))
    _no_user_settings(monkeypatch)
    first = server.EmbeddedServer()
    try:
        assert "PREFECT_API_BLOCKS_REGISTER_ON_START" not in server_environ(first.process)
        first.wait_ready(600)
        assert first.boot_cpu > 0
    finally:
        first.stop()
    assert (tmp_path / server_blocks.NOTE).is_file()
    con = sqlite3.connect(tmp_path / "prefect.db")
    registered = sorted(r[0] for r in con.execute("select slug from block_type"))
    con.close()
    assert "local-file-system" in registered

    second = server.EmbeddedServer()
    try:
        env = server_environ(second.process)
        assert env["PREFECT_API_BLOCKS_REGISTER_ON_START"] == "false"
        assert env["PREFECT_MEMOIZE_BLOCK_AUTO_REGISTRATION"] == "false"
        second.wait_ready(600)
        req = urllib.request.Request(f"{second.url}/block_types/filter", data=b"{}", method="POST",
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as r:
            served = sorted(t["slug"] for t in json.loads(r.read()))
    finally:
        second.stop()
    assert served == registered


def test_the_report_splits_unstaged_cpu_by_process_and_accounts_for_all_of_it():
    run = {"cpu_s": 50.0, "process_cpu_s": {"flow": 6.0, "page_workers": 36.0, "prefect_server_boot": 3.0,
                                            "prefect_server": 5.0},
           "stage_seconds": {"startup": {"wall": 9, "cpu": 2.0, "n": 1}, "sheets": {"wall": 2, "cpu": 1.5, "n": 7},
                             "ocr_tesseract": {"wall": 60, "cpu": 30.0, "n": 30}, "seals": {"wall": 8, "cpu": 3.0, "n": 30}}}
    rows = dict(stage_report.unstaged_rows(run, run["stage_seconds"]))
    assert rows == {"Prefect server: start-up": 3.0, "Prefect server: serving": 2.0, "page workers, unstaged": 3.0,
                    "flow process, unstaged": 2.5, "other (after the record)": 3.0}
    staged = sum(v["cpu"] for v in run["stage_seconds"].values())
    assert abs(staged + sum(rows.values()) - run["cpu_s"]) < 1e-9
    # a run without process figures (an older record) still shows its unstaged CPU in one row
    assert stage_report.unstaged_rows({"cpu_s": 50.0}, run["stage_seconds"]) == [("other (unstaged)", 50.0 - staged)]


def test_a_processs_first_run_imports_with_the_collector_off_and_later_runs_leave_it_alone(monkeypatch):
    from flows import cli

    monkeypatch.setattr(cli, "_IMPORTED", [])
    assert gc.isenabled()
    try:
        with cli._start_up_imports():
            assert not gc.isenabled()
        assert gc.isenabled() and gc.get_freeze_count() > 0
        gc.unfreeze()
        with cli._start_up_imports():  # the second run in this process
            assert gc.isenabled()
        assert gc.get_freeze_count() == 0
    finally:
        gc.unfreeze()
        gc.enable()
