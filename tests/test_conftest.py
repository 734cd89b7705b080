"""The test harness cleans up after itself: a pytest process leaves no Prefect home in the temp folder."""
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_a_pytest_process_removes_its_prefect_home(tmp_path):
    tmp = tmp_path / "t"
    tmp.mkdir()
    env = {**os.environ, "TMPDIR": str(tmp), "PYTHONPATH": str(REPO)}
    env.pop("PREFECT_HOME", None)
    res = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_uscc.py"],
                         cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "passed" in res.stdout
    assert not [p.name for p in tmp.iterdir() if p.name.startswith("jiebang-prefect-")]
