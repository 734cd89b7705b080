"""How `jiebang run` starts: the embedded Prefect server spawned before Prefect is imported and
stopped at exit, a user's own server respected, and the first files' pages queued in the page pool
while the server boots (and then taken by the flow's reads, not OCR'd twice)."""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import psutil
from typer.testing import CliRunner

import flows  # noqa: F401
from flow_inputs import make_bundle, server_environ
from flows import server
from pipeline import reading

RUN_DATE = "2026-07-20"


def _procs_with_home(home: str) -> list[psutil.Process]:
    found = []
    for p in psutil.process_iter(["pid"]):
        try:
            if p.environ().get("PREFECT_HOME") == home:
                found.append(p)
        except (psutil.Error, OSError):
            continue
    return found


def test_run_starts_its_own_server_records_the_run_and_stops_it(tmp_path):
    bundle, out, home = make_bundle(tmp_path / "bundle"), tmp_path / "out", str(tmp_path / "prefect-home")
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env["PREFECT_HOME"] = home
    res = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "run", str(bundle), "--out", str(out), "--workers", "2",
         "--ocr-engine", "tesseract", "--run-date", RUN_DATE, "--no-progress"],
        env=env, capture_output=True, text=True, timeout=300, cwd=Path(__file__).resolve().parents[1],
    )
    assert res.returncode in (0, 3), res.stderr  # 3: the corrupt PDF's submission is incomplete by design
    assert len(list(out.glob("*/review.json"))) == 4
    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    # the run went through the server this process started, into this PREFECT_HOME's database
    db = sqlite3.connect(Path(home) / "prefect.db")
    states = dict(db.execute("select id, state_type from flow_run").fetchall())
    db.close()
    assert states.get(record["flow_run_id"]) == "COMPLETED"
    # each process's CPU at the record, so that what no stage holds is attributed (issue 18)
    cpu = record["process_cpu_s"]
    assert cpu["flow"] > 0 and cpu["page_workers"] > 0 and 0 < cpu["prefect_server_boot"] <= cpu["prefect_server"]
    # the server and the page workers go with the run (helpers such as multiprocessing's resource
    # tracker may take a moment to notice their parent is gone)
    _, alive = psutil.wait_procs(_procs_with_home(home), timeout=10)
    assert alive == [], [p.cmdline() for p in alive]


def test_a_configured_api_url_means_no_server_is_started(monkeypatch):
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:4200/api")
    assert not server._wanted()
    monkeypatch.delenv("PREFECT_API_URL")
    monkeypatch.setenv("PREFECT_SERVER_EPHEMERAL_ENABLED", "false")
    monkeypatch.delitem(sys.modules, "prefect.context", raising=False)  # as before Prefect is imported
    assert not server._wanted()


def test_first_reads_are_queued_while_prefect_starts_and_taken_by_the_flow(tmp_path, monkeypatch):
    from pipeline.cli import app

    queued, taken = [], []
    real_prefetch, real_take = reading.prefetch, reading._take_prefetched

    def counting_prefetch(*a, **k):
        n = real_prefetch(*a, **k)
        queued.append(n)
        return n

    def counting_take(t, workers):
        f = real_take(t, workers)
        if f is not None:
            taken.append(t.rel)
        return f

    monkeypatch.setattr(reading, "prefetch", counting_prefetch)
    monkeypatch.setattr(reading, "_take_prefetched", counting_take)
    bundle, out = make_bundle(tmp_path / "bundle"), tmp_path / "out"
    args = ["run", str(bundle), "--out", str(out), "--workers", "2", "--ocr-engine", "tesseract",
            "--run-date", RUN_DATE, "--no-progress"]
    try:
        CliRunner().invoke(app, args)
        # the first workers + 1 = 3 files the flow reads — the folder's two JPEGs and the DOCX (text only,
        # nothing to OCR) — and more while fewer than 4 pages a worker are queued (issue 18): here every
        # file; the damaged PDF queues nothing. 3 pages queued, each taken once by the flow's reads
        assert sum(queued) == 3 and sorted(taken) == ["01_创新_重庆甲科技有限公司/01.jpg", "01_创新_重庆甲科技有限公司/02.jpg",
                                                      "04_附件4_渝北区推荐表.jpg"]
        assert reading._PREFETCHED == {}
        first = {p.parent.name: json.loads(p.read_text(encoding="utf-8"))["verdict"] for p in out.glob("*/review.json")}
        assert len(first) == 4
        # a forced rerun reads from the cache: nothing is queued, and no engines are loaded either
        # (that would only slow the server's boot); a zip's files are unknown before the flow: warmed
        warmed = []
        monkeypatch.setattr(reading, "warm_pool", lambda workers, engine: warmed.append(engine))
        queued.clear()
        CliRunner().invoke(app, args + ["--force"])
        assert queued == [] and reading._PREFETCHED == {} and warmed == []
        import shutil

        z = Path(shutil.make_archive(str(tmp_path / "bundle"), "zip", bundle))
        CliRunner().invoke(app, ["run", str(z), "--out", str(tmp_path / "zip-out"), "--workers", "2",
                                 "--ocr-engine", "tesseract", "--run-date", RUN_DATE, "--no-progress"])
        assert queued == [] and warmed == ["tesseract"]
        assert len(list((tmp_path / "zip-out").glob("*/review.json"))) == 4
    finally:
        reading.shutdown_pools()


def test_runs_on_the_embedded_server_send_no_heartbeats_but_a_standing_server_keeps_them(monkeypatch):
    """Heartbeats let a standing server mark crashed runs; the embedded server dies with the process,
    and a run's end waited up to a second for the heartbeat thread."""
    from prefect.settings import get_current_settings

    url = server.ensure_api()
    assert url and os.environ["PREFECT_API_URL"] == url
    with server.run_settings():
        assert get_current_settings().flows.heartbeat_frequency is None
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:4200/api")  # the operator's own server
    with server.run_settings():
        assert get_current_settings().flows.heartbeat_frequency == 180


def test_the_server_goes_when_its_run_is_killed(tmp_path):
    """`kill -9` of a run runs no atexit: a server subprocess must notice on its own, or it keeps its
    port and the database for ever."""
    import signal
    import time

    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env["PREFECT_HOME"] = str(tmp_path / "home")
    env["JIEBANG_EMBEDDED_SERVER"] = "process"
    script = ("import flows, flows.server as s, sys, time\n"
              "url = s.ensure_api()\n"
              "print(s._server.process.pid, url, flush=True)\n"
              "time.sleep(120)\n")
    run = subprocess.Popen([sys.executable, "-c", script], env=env, stdout=subprocess.PIPE, text=True,
                           cwd=Path(__file__).resolve().parents[1])
    try:
        pid, url = run.stdout.readline().split()
        srv = psutil.Process(int(pid))
        assert srv.is_running() and url.endswith("/api")
        run.send_signal(signal.SIGKILL)
        run.wait(timeout=10)
        gone, _ = psutil.wait_procs([srv], timeout=20)
        assert gone, "the embedded server outlived the run that started it"
    finally:
        run.kill()


def test_a_server_that_cannot_start_is_reported_with_its_last_words(tmp_path, monkeypatch):
    """uvicorn exits 3 on any start-up failure, not only a taken port: a few respawns, then a one-line
    reason from the server's log (which keeps its tracebacks off the terminal)."""
    import time

    (tmp_path / "blocker").write_text("a file where the database folder should be")
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("PREFECT_SERVER_DATABASE_CONNECTION_URL",
                       f"sqlite+aiosqlite:///{tmp_path / 'blocker' / 'prefect.db'}")
    s = server.EmbeddedServer()
    t = time.monotonic()
    try:
        s.wait_ready(120)
        raise AssertionError("the server started on an impossible database")
    except RuntimeError as exc:
        msg = str(exc)
    finally:
        s.stop()
    assert time.monotonic() - t < 60  # not respawned until the timeout
    assert "exited with code" in msg and "embedded-server.log" in msg
    assert (tmp_path / "home" / "embedded-server.log").stat().st_size > 0


def test_the_embedded_server_runs_without_automations_or_live_stream_and_a_users_setting_wins(tmp_path, monkeypatch):
    """Issue 18: the one-run server has no automations to evaluate and no UI to stream events to; it
    still records task runs (the recorder and the event persister stay on). A user's own value wins."""
    import urllib.request

    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("PREFECT_API_EVENTS_STREAM_OUT_ENABLED", "true")
    s = server.EmbeddedServer()
    try:
        s.wait_ready(300)
        env = server_environ(s.process)
        with urllib.request.urlopen(f"{s.url}/admin/settings", timeout=30) as r:
            settings = json.loads(r.read())
    finally:
        s.stop()
    assert env["PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED"] == "false" and env["DO_NOT_TRACK"] == "1"
    assert env["PREFECT_API_EVENTS_STREAM_OUT_ENABLED"] == "true"  # the user's
    services = settings["server"]["services"]
    assert services["triggers"]["enabled"] is False
    assert services["task_run_recorder"]["enabled"] is True and services["event_persister"]["enabled"] is True
