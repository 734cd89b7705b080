"""Issue 17, unreadable files: permission bits only stop a process that is not root, so the CLI runs
here as `nobody` (setpriv) on a bundle holding chmod-000 files. Each gets a sheet with a one-line
error, and the rest of the bundle — the readable page of the same folder included — is read."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

import pytest

from tests.hostile_inputs import GOOD_NAME, REPO, good_application

SETPRIV = shutil.which("setpriv")
AS_NOBODY = [SETPRIV, "--reuid=nobody", "--regid=nogroup", "--clear-groups"] if SETPRIV else []


def _nobody_env(home: Path) -> dict:
    # the interpreter nobody can run may be the base one (the venv's may sit under /root): give it
    # this checkout and the venv's packages by path
    path = os.pathsep.join([str(REPO), sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    return {**os.environ, "PYTHONPATH": path, "HOME": str(home), "PREFECT_HOME": str(home / "prefect"),
            "TMPDIR": str(home / "tmp"), "OMP_THREAD_LIMIT": "1"}


def _python_for_nobody(env: dict) -> str | None:
    """An interpreter `nobody` can start, with this project importable (the venv's python when its
    path is open to others, else the base python of the same version)."""
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    found = [sys.executable, getattr(sys, "_base_executable", ""), shutil.which(version) or "",
             f"/usr/local/bin/{version}", f"/usr/bin/{version}"]
    for cand in dict.fromkeys(found):
        if not cand or not os.path.exists(cand):
            continue
        probe = "import os, sys; assert os.access(sys.executable, os.X_OK); import cv2, prefect.client, pipeline.cli"
        res = subprocess.run([*AS_NOBODY, cand, "-c", probe], env=env, capture_output=True, timeout=120)
        if res.returncode == 0:
            return cand
    return None


@pytest.mark.skipif(not SETPRIV or os.geteuid() != 0, reason="needs setpriv and root to become nobody")
def test_unreadable_files_get_a_one_line_sheet_and_the_rest_is_read():
    from flows.server import EmbeddedServer

    work = Path(tempfile.mkdtemp(prefix="jiebang-nobody-"))  # pytest's tmp_path is closed to others
    server = None
    try:
        work.chmod(0o755)
        bundle = work / "bundle"
        app = good_application(bundle)
        part = bundle / "02_部分无权限"
        part.mkdir()
        shutil.copy(app / "01.jpg", part / "01.jpg")
        shutil.copy(app / "02.jpg", part / "02.jpg")
        shutil.copy(app / "01.jpg", bundle / "03_无权限.jpg")
        (part / "02.jpg").chmod(0)
        (bundle / "03_无权限.jpg").chmod(0)
        home, out = work / "home", work / "out"
        for d in (home, home / "tmp", out):
            d.mkdir()
            d.chmod(0o777)
        env = _nobody_env(home)
        python = _python_for_nobody(env)
        if python is None:  # a checkout or venv inside a closed home folder: nobody cannot import us
            pytest.skip(f"{REPO} or its packages are not readable by other users; the unreadable-file "
                        "test needs a checkout that user nobody can read")
        check = subprocess.run([*AS_NOBODY, python, "-c", f"open({str(part / '02.jpg')!r}, 'rb')"], env=env,
                               capture_output=True)
        assert check.returncode != 0  # the bits really stop this user
        # Prefect's server runs as this (root) process's child: the base python may lack the server's
        # packages; the flow, the reads and the sheets are nobody's
        server = EmbeddedServer()
        server.wait_ready(float(os.environ.get("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "300")))
        env["PREFECT_API_URL"] = server.url

        res = subprocess.run([*AS_NOBODY, python, "-m", "pipeline.cli", "run", str(bundle), "--out", str(out),
                              "--no-progress", "--workers", "1", "--ocr-engine", "tesseract", "--run-date",
                              "2026-07-20"], cwd=REPO, env=env, capture_output=True, text=True, timeout=900)
        assert res.returncode == 0, res.stderr
        assert "Traceback" not in res.stdout + res.stderr and not res.stderr.strip(), res.stderr
        reviews = {}
        for p in out.glob("*/review.json"):
            r = json.loads(p.read_text(encoding="utf-8"))
            reviews[r["entry"]] = r
        assert set(reviews) == {"01_好的申报书", "02_部分无权限", "03_无权限.jpg"}
        assert reviews["01_好的申报书"]["errors"] == [] and reviews["01_好的申报书"]["applicant"]["name"] == GOOD_NAME
        alone = reviews["03_无权限.jpg"]
        assert [e["code"] for e in alone["errors"]] == ["unreadable"] and alone["verdict"] == "needs_review"
        mixed = reviews["02_部分无权限"]
        (err,) = mixed["errors"]
        assert err["code"] == "unreadable" and err["file"] == "02_部分无权限/02.jpg"
        assert "没有读取权限" in err["message"] and "\n" not in err["message"]
        assert [f["path"] for f in mixed["source"]["files"]] == ["02_部分无权限/01.jpg"]  # the readable page was read
        assert mixed["applicant"]["name"] == GOOD_NAME and mixed["verdict"] == "needs_review"
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(work, ignore_errors=True)
