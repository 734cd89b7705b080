"""Smoke check of the scaled-out setup on one machine: a real `prefect server start` on 127.0.0.1,
a process work pool, the review-bundle deployment and two workers; one run per bundle given.

    python -m flows.loopback BUNDLE [BUNDLE ...] --out-root DIR [--timeout 300]

Everything runs under a throwaway PREFECT_HOME and is stopped at the end (bounded by --timeout).
Prints one JSON line: flow run states, which worker ran each run, and the timings.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
POOL = "jiebang-loopback"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, deadline: float, proc: subprocess.Popen) -> None:
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"prefect server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(1)
    raise TimeoutError("prefect server did not become healthy in time")


def _spawn(args: list[str], env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(args, env=env, cwd=REPO, stdout=open(log, "wb"), stderr=subprocess.STDOUT,
                            start_new_session=True)


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=15)
        except (subprocess.TimeoutExpired, ProcessLookupError):
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def run_loopback(bundles: list[Path], out_root: Path, *, timeout: float = 300, workers: int = 1,
                 ocr_engine: str = "tesseract", n_workers: int = 2) -> dict:
    started = time.time()
    deadline = started + timeout
    home = Path(tempfile.mkdtemp(prefix="jiebang-loopback-"))
    port = _free_port()
    url = f"http://127.0.0.1:{port}/api"
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_API_URL": url,
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_LOGGING_LEVEL": "INFO",
           # which worker ran a run is read from the workers' INFO logs: undo a quieter
           # level a `jiebang` command may have set in this process's environment
           "PREFECT_LOGGING_LOGGERS_PREFECT_LEVEL": "INFO",
           "PREFECT_WORKER_QUERY_SECONDS": "2", "OMP_THREAD_LIMIT": "1",
           "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    prefect = str(Path(sys.executable).with_name("prefect"))
    procs: list[subprocess.Popen] = []
    timings: dict[str, float] = {}
    try:
        server = _spawn([prefect, "server", "start", "--host", "127.0.0.1", "--port", str(port)], env, home / "server.log")
        procs.append(server)
        _wait_healthy(url, deadline, server)
        timings["server_ready_s"] = round(time.time() - started, 1)
        # pool, deployment and runs from a child so this process's own Prefect settings stay untouched
        setup = subprocess.run([sys.executable, "-c", _SETUP, POOL, json.dumps([str(b.resolve()) for b in bundles]),
                                str(out_root.resolve()), str(workers), ocr_engine],
                               env=env, cwd=REPO, capture_output=True, text=True, timeout=max(10, deadline - time.time()))
        if setup.returncode:
            raise RuntimeError(f"deployment setup failed: {setup.stderr.strip().splitlines()[-1:]}")
        run_ids = json.loads(setup.stdout.strip().splitlines()[-1])
        timings["deployed_s"] = round(time.time() - started, 1)
        for i in range(n_workers):
            procs.append(_spawn([prefect, "worker", "start", "--pool", POOL, "--limit", "1", "--name", f"worker-{i + 1}"],
                                env, home / f"worker-{i + 1}.log"))
        states = _wait_runs(run_ids, env, deadline)
        timings["all_runs_done_s"] = round(time.time() - started, 1)
        ran_by = {}
        for i in range(n_workers):
            log = (home / f"worker-{i + 1}.log").read_text(errors="replace")
            for rid in run_ids:  # a worker may claim a run and be told another got it first
                if f"submitting flow run '{rid}'" in log and f"Aborted submission of flow run '{rid}'" not in log:
                    ran_by.setdefault(rid, f"worker-{i + 1}")
        return {"states": states, "ran_by": ran_by, "timings": timings, "home": str(home)}
    finally:
        for p in reversed(procs):
            _stop(p)


def _wait_runs(run_ids: list[str], env: dict, deadline: float) -> dict[str, str]:
    while True:
        left = deadline - time.time()
        if left <= 0:
            raise TimeoutError("flow runs did not finish in time")
        out = subprocess.run([sys.executable, "-c", _STATES, json.dumps(run_ids)], env=env, cwd=REPO,
                             capture_output=True, text=True, timeout=max(5, left))
        states = json.loads(out.stdout.strip().splitlines()[-1]) if out.returncode == 0 else {}
        if states and all(s in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED") for s in states.values()):
            return states
        time.sleep(3)


_SETUP = r"""
import asyncio, json, sys
import flows
from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import WorkPoolCreate
from prefect.deployments import run_deployment
from flows.bundle import review_bundle
pool, bundles, out_root, workers, engine = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3], int(sys.argv[4]), sys.argv[5]
async def make_pool():
    async with get_client() as c:
        await c.create_work_pool(WorkPoolCreate(name=pool, type="process"), overwrite=True)
asyncio.run(make_pool())
review_bundle.from_source(source=".", entrypoint="flows/bundle.py:review_bundle").deploy(
    name="review-bundle", work_pool_name=pool, parameters={"workers": workers, "ocr_engine": engine},
    job_variables={"env": {"OMP_THREAD_LIMIT": "1"}}, print_next_steps=False)
from pathlib import Path
ids = []
for b in bundles:
    r = run_deployment("review-bundle/review-bundle", timeout=0,
                       parameters={"bundle": b, "out": str(Path(out_root) / Path(b).stem)})
    ids.append(str(r.id))
print(json.dumps(ids))
"""

_STATES = r"""
import asyncio, json, sys
from uuid import UUID
from prefect.client.orchestration import get_client
async def main():
    async with get_client() as c:
        return {i: (await c.read_flow_run(UUID(i))).state.type.value for i in json.loads(sys.argv[1])}
print(json.dumps(asyncio.run(main())))
"""


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="Prefect server + two workers on 127.0.0.1, one run per bundle")
    ap.add_argument("bundles", nargs="+", type=Path)
    ap.add_argument("--out-root", type=Path, required=True)
    ap.add_argument("--timeout", type=float, default=300)
    ap.add_argument("--ocr-engine", default="tesseract")
    args = ap.parse_args(argv)
    print(json.dumps(run_loopback(args.bundles, args.out_root, timeout=args.timeout, ocr_engine=args.ocr_engine),
                     ensure_ascii=False))


if __name__ == "__main__":
    main()
