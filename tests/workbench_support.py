"""Shared parts of the workbench tests: a real pipeline run on the demo bundle, a throwaway PostgreSQL
server (Debian's package, started here as the postgres user when running as root), and the
`jiebang review serve` process with the address it prints."""
from __future__ import annotations

import atexit
import glob
import os
import pwd
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "sample_docs" / "demo"
CREDIT = [DEMO / "credit" / "失信被执行人名单.csv", DEMO / "credit" / "重大税收违法失信主体名单.xlsx"]
RUN_DATE = "2026-07-20"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def env() -> dict:
    e = dict(os.environ)
    e["PYTHONPATH"] = str(ROOT) + os.pathsep + e.get("PYTHONPATH", "")
    e.setdefault("OMP_THREAD_LIMIT", "1")
    e["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"] = "300"  # a cold embedded server on a busy machine
    return e


def run_pipeline(bundle: Path, out: Path, credit: list[Path] | None = None) -> None:
    """`jiebang run` as a user runs it (real OCR, real Prefect)."""
    cmd = [sys.executable, "-m", "pipeline.cli", "run", str(bundle), "--out", str(out), "--workers", "2",
           "--run-date", RUN_DATE]
    for c in credit if credit is not None else CREDIT:
        cmd += ["--credit-list", str(c)]
    p = subprocess.run(cmd, env=env(), capture_output=True, text=True, timeout=900, cwd=ROOT)
    assert p.returncode == 0, p.stdout[-2000:] + p.stderr[-4000:]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def postgres():
    """A PostgreSQL server in a temp dir on a free port; yields its URL. Fails (never skips) when the
    Debian package is missing: scripts/setup-system.sh installs it."""
    bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    assert bins, "PostgreSQL is not installed (Debian package postgresql, see scripts/setup-system.sh)"
    bindir = Path(bins[-1]).parent
    base = Path(tempfile.mkdtemp(prefix="jiebang-pg-"))
    data, sock = base / "data", base / "sock"
    sock.mkdir()
    as_user: list[str] = []
    if os.geteuid() == 0:  # initdb refuses root: run the server as the package's postgres user
        pw = pwd.getpwnam("postgres")
        for p in (base, sock):
            os.chown(p, pw.pw_uid, pw.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    port = free_port()
    subprocess.run(as_user + [str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
                              "-E", "UTF8", "--locale=C"], check=True, capture_output=True, timeout=120)
    opts = f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(as_user + [str(bindir / "pg_ctl"), "-D", str(data), "-o", opts, "-l", str(base / "log"),
                              "-w", "-t", "60", "start"], check=True, capture_output=True, timeout=120)
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(as_user + [str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                       capture_output=True, timeout=60)
        shutil.rmtree(base, ignore_errors=True)


def reset_postgres(url: str) -> None:
    """Empty database between tests (drop the tables, the next open migrates again)."""
    from sqlalchemy import create_engine, text

    from pipeline.workbench.db import database_url

    engine = create_engine(database_url(Path("."), url))
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS decisions"))
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    engine.dispose()


class Server:
    """`jiebang review serve OUT` in a subprocess; `url` is the address it printed."""

    def __init__(self, out: Path, *args: str):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "pipeline.cli", "review", "serve", str(out), *args],
            env=env(), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines: list[str] = []
        m = None
        while m is None:
            line = self.proc.stdout.readline()
            assert line, "".join(self.lines) + self.proc.stderr.read()
            self.lines.append(line)
            m = re.search(r"(http://\S+)", line)
        self.url = m.group(1)
        self.base = re.sub(r"/(\?.*)?$", "", self.url)
        u = urlsplit(self.base)
        for _ in range(200):  # uvicorn binds just after printing
            try:
                with socket.create_connection((u.hostname, u.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise AssertionError("workbench did not start")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


_DEMO_OUT: Path | None = None


def demo_output() -> Path:
    """The demo bundle reviewed once per test session (shared by the workbench test modules; copy it
    before changing anything). The bundle is copied too, so a test may change an input and rerun."""
    global _DEMO_OUT
    if _DEMO_OUT is None:
        base = Path(tempfile.mkdtemp(prefix="jiebang-workbench-"))
        atexit.register(shutil.rmtree, base, True)
        shutil.copytree(DEMO / "bundle", base / "bundle")
        run_pipeline(base / "bundle", base / "out")
        _DEMO_OUT = base
    return _DEMO_OUT


def workspace(dest: Path) -> tuple[Path, Path]:
    """A private copy of the reviewed demo (bundle, out) under dest; run.json points at the copy."""
    import json

    src = demo_output()
    shutil.copytree(src / "bundle", dest / "bundle")
    shutil.copytree(src / "out", dest / "out", ignore=shutil.ignore_patterns("decisions.sqlite", ".workbench"))
    run = json.loads((dest / "out" / "run.json").read_text(encoding="utf-8"))
    run["parameters"]["bundle"] = str(dest / "bundle")
    (dest / "out" / "run.json").write_text(json.dumps(run, ensure_ascii=False), encoding="utf-8")
    return dest / "bundle", dest / "out"
