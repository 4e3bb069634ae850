"""A real server process killed mid-job (SIGKILL) and started again finishes the job."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from svc_helpers import HERE, make_wav

ROOT = HERE.parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(data_dir: Path, port: int, delay: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "GIJIROKU_DATA_DIR": str(data_dir),
        "GIJIROKU_DATABASE_URL": "",
        "GIJIROKU_QUEUE": "inprocess",
        "GIJIROKU_FAKE_DELAY": delay,
        "GIJIROKU_ADMIN_USERNAME": "admin",
        "GIJIROKU_ADMIN_PASSWORD": "admin-password-1",
        "PYTHONPATH": os.pathsep.join([str(HERE), str(ROOT)]),
    }
    env.pop("DATABASE_URL", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "fake_server:app", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise AssertionError("server did not start")


def test_killed_server_resumes_job_after_restart(tmp_path):
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    proc = _serve(tmp_path / "data", port, delay="60")
    try:
        token = httpx.post(f"{base}/api/auth/token", json={"username": "admin", "password": "admin-password-1"}).json()[
            "access_token"
        ]
        h = {"Authorization": f"Bearer {token}"}
        dept = httpx.post(f"{base}/api/departments", headers=h, json={"name": "総務課"}).json()
        r = httpx.post(
            f"{base}/api/meetings",
            headers=h,
            data={"title": "定例会", "department_id": str(dept["id"])},
            files={"file": ("a.wav", make_wav(1.0), "audio/wav")},
        )
        assert r.status_code == 201, r.text
        jid = r.json()["job"]["id"]
        deadline = time.monotonic() + 20
        while httpx.get(f"{base}/api/jobs/{jid}", headers=h).json()["stage"] in ("", "decode"):
            assert time.monotonic() < deadline
            time.sleep(0.1)
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)

        proc = _serve(tmp_path / "data", port, delay="0")
        deadline = time.monotonic() + 30
        while (job := httpx.get(f"{base}/api/jobs/{jid}", headers=h).json())["status"] != "done":
            assert job["status"] in ("queued", "running") and time.monotonic() < deadline, job
            time.sleep(0.1)
        assert job["attempts"] == 2
        transcript = httpx.get(f"{base}/api/meetings/{r.json()['meeting']['id']}/transcript", headers=h).json()
        assert transcript["revision"] == 1
    finally:
        proc.kill()
        proc.wait(10)
