"""Fixed costs of the Prefect server (issue 18): a standing `jiebang server` announced in PREFECT_HOME
is used by runs instead of an embedded server, a stale announcement is not, and the embedded server
skips its migration check only while PREFECT_HOME's database is where it left it."""
from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

from flow_inputs import make_bundle, server_environ

import flows  # noqa: F401
from flows import server, standing

REPO = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _announce(home: Path, pid: int, url: str) -> None:
    (home / standing.ANNOUNCEMENT).write_text(json.dumps({"pid": pid, "url": url}), encoding="utf-8")


def test_an_announcement_counts_only_while_its_server_lives_and_answers(tmp_path):
    class Health(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200 if self.path == "/api/health" else 404)
            self.end_headers()

        def log_message(self, *a):
            pass

    httpd = HTTPServer(("127.0.0.1", 0), Health)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}/api"
    try:
        assert standing.announced_url(tmp_path) is None  # nothing announced
        _announce(tmp_path, os.getpid(), url)
        assert standing.announced_url(tmp_path) == url
        dead = subprocess.Popen([sys.executable, "-c", "pass"])
        dead.wait()
        _announce(tmp_path, dead.pid, url)  # the server process is gone
        assert standing.announced_url(tmp_path) is None
        _announce(tmp_path, os.getpid(), f"http://127.0.0.1:{_free_port()}/api")  # alive but not answering
        assert standing.announced_url(tmp_path) is None
    finally:
        httpd.shutdown()


def test_the_embedded_server_skips_migrations_only_on_the_database_it_left(tmp_path, monkeypatch):
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path))
    monkeypatch.delenv("PREFECT_API_DATABASE_CONNECTION_URL", raising=False)
    assert not server._database_current()  # no database yet: Prefect creates and migrates it
    first = server.EmbeddedServer()
    try:
        first.wait_ready(600)
        assert server_environ(first.process).get("PREFECT_API_DATABASE_MIGRATE_ON_START") is None
    finally:
        first.stop()
    assert server._database_current()
    second = server.EmbeddedServer()
    try:
        assert server_environ(second.process).get("PREFECT_API_DATABASE_MIGRATE_ON_START") == "false"
        second.wait_ready(600)  # and it serves from the database as it was
        with urllib.request.urlopen(f"{second.url}/health", timeout=5) as r:
            assert r.status == 200
    finally:
        second.stop()
    db = sqlite3.connect(tmp_path / "prefect.db")
    db.execute("update alembic_version set version_num = 'older'")  # e.g. another Prefect's database
    db.commit()
    db.close()
    assert not server._database_current()


def test_runs_use_a_standing_jiebang_server_and_start_none(tmp_path):
    home = tmp_path / "home"
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env["PREFECT_HOME"] = str(home)
    standing_server = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "server", "--port", str(port)], env=env,
                                       cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                       start_new_session=True)
    try:
        deadline = time.time() + 600
        while standing.announced_url(home) is None:
            assert standing_server.poll() is None and time.time() < deadline
            time.sleep(1)
        bundle, out = make_bundle(tmp_path / "bundle"), tmp_path / "out"
        res = subprocess.run([sys.executable, "-m", "pipeline.cli", "run", str(bundle), "--out", str(out),
                              "--workers", "1", "--ocr-engine", "tesseract", "--run-date", "2026-07-20",
                              "--no-progress"], env=env, cwd=REPO, capture_output=True, text=True, timeout=900)
        assert len(list(out.glob("*/review.json"))) == 4, res.stderr
        record = json.loads((out / "run.json").read_text(encoding="utf-8"))
        url = f"http://127.0.0.1:{port}/api/flow_runs/{record['flow_run_id']}"
        with urllib.request.urlopen(url, timeout=10) as r:  # the standing server holds the run
            assert json.loads(r.read())["state_type"] == "COMPLETED"
        assert not (home / "embedded-server.log").exists()  # no embedded server was started
    finally:
        os.killpg(standing_server.pid, signal.SIGTERM)
        standing_server.wait(timeout=30)
    assert not (home / standing.ANNOUNCEMENT).exists()  # gone with its server
