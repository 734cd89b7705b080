"""The embedded server's share of a run's CPU (issue 18): no full garbage collection in its start-up
where it frees nothing, and a niceness setting for it once started (off by default: it did not pay)."""
from __future__ import annotations

import os

from flow_inputs import server_environ

import flows  # noqa: F401
from flows import _server_child, server


def _nices(pid: int) -> set[int]:
    return {os.getpriority(os.PRIO_PROCESS, int(t)) for t in os.listdir(f"/proc/{pid}/task")}


def _started_server_nices(tmp_path, monkeypatch, nice: str | None) -> tuple[set[int], dict]:
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path))
    if nice is None:
        monkeypatch.delenv("JIEBANG_SERVER_NICE", raising=False)
    else:
        monkeypatch.setenv("JIEBANG_SERVER_NICE", nice)
    s = server.EmbeddedServer()
    try:
        env = server_environ(s.process)
        s.wait_ready(600)
        return _nices(s.process.pid), env
    finally:
        s.stop()


def test_a_nice_setting_nices_every_thread_of_the_started_server_and_none_by_default(tmp_path, monkeypatch):
    ours = os.getpriority(os.PRIO_PROCESS, 0)
    nices, env = _started_server_nices(tmp_path / "a", monkeypatch, "10")
    assert nices == {min(19, ours + 10)}
    assert "PREFECT__SERVER_FINAL" not in env  # the child decides `final` (see the test below)
    nices, _ = _started_server_nices(tmp_path / "b", monkeypatch, None)
    assert nices == {ours}


def test_final_only_where_fastapi_copies_the_routes(monkeypatch):
    from prefect.server.api import server as prefect_server

    seen = []
    monkeypatch.setattr(prefect_server, "create_app", lambda **kw: seen.append(kw) or (lambda *a: None))
    for copies in (False, True):
        monkeypatch.setattr(prefect_server, "_FASTAPI_COPIES_ROUTES_ON_INCLUDE", copies, raising=False)
        _server_child.create()
        assert seen.pop() == {"final": copies}
