"""Benchmark: many API writers at once on one SQLite file, as a clinic server sees them.

Run:  .venv/bin/python bench/concurrent_writes.py [--writers 200] [--sqlite-timeout 20]

A throwaway database (migrate, demo clinic, a token), gunicorn with threads, then WRITERS
rating-scale POSTs all at once. SQLite lets one writer in at a time; the others wait up to
its timeout. Prints how many were recorded (201), refused busy (503 with Retry-After; the
client retries), or failed (500: must be none), and the slowest answer. With a short
--sqlite-timeout the 503 path shows at a small scale.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

BIN = Path(sys.executable).parent


def ketacare(env: dict[str, str], *args: str) -> str:
    return subprocess.run([str(BIN / "ketacare"), *args], env=env, check=True,
                          capture_output=True, text=True).stdout.strip()  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--writers", type=int, default=200)
    parser.add_argument("--sqlite-timeout", type=float, default=20)
    args = parser.parse_args()
    var = tempfile.mkdtemp(prefix="ketacare-bench-")
    env = {**os.environ, "KETACARE_VAR_DIR": var, "RATE_LIMIT_API_PER_MINUTE": "100000"}
    env.pop("DATABASE_URL", None)
    ketacare(env, "migrate")
    ketacare(env, "demo", "--patients", "1")
    token = ketacare(env, "createtoken", "nurse@riverside.example")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    # The project's settings with the SQLite timeout asked for (20 s is the settings' own).
    wrapper = Path(var) / "bench_settings.py"
    wrapper.write_text(
        "from ketacare.config.settings import *  # noqa\n"
        f"DATABASES['default']['OPTIONS']['timeout'] = {args.sqlite_timeout}\n"
    )
    env = {**env, "PYTHONPATH": var, "DJANGO_SETTINGS_MODULE": "bench_settings"}
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "-b", f"127.0.0.1:{port}", "-w", "2", "-k", "gthread",
         "--threads", str(max(args.writers // 2, 1)), "--timeout", "120",
         "ketacare.config.wsgi"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    auth = {"Authorization": f"Bearer {token}"}
    try:
        for _ in range(100):
            try:
                listed = urllib.request.urlopen(
                    urllib.request.Request(f"{base}/api/patients/", headers=auth), timeout=5
                )
                break
            except OSError:
                time.sleep(0.2)
        patient = json.loads(listed.read())["items"][0]["id"]
        url = f"{base}/api/patients/{patient}/scales"
        body = json.dumps({"instrument": "phq9", "answers": [1, 1, 1, 1, 1, 1, 1, 1, 0]})

        def write(_: int) -> tuple[int, float]:
            start = time.perf_counter()
            request = urllib.request.Request(
                url, body.encode(), method="POST",
                headers={**auth, "Content-Type": "application/json"},
            )  # fmt: skip
            try:
                with urllib.request.urlopen(request, timeout=120) as response:
                    status = response.status
            except urllib.error.HTTPError as error:
                status = error.code
            return status, time.perf_counter() - start

        with ThreadPoolExecutor(max_workers=args.writers) as pool:
            results = list(pool.map(write, range(args.writers)))
    finally:
        server.terminate()
        server.wait(timeout=30)
    counts = Counter(status for status, _ in results)
    slowest = max(seconds for _, seconds in results)
    print(f"{args.writers} writers, SQLite timeout {args.sqlite_timeout:g} s: "
          f"{dict(sorted(counts.items()))}, slowest answer {slowest:.1f} s")  # fmt: skip


if __name__ == "__main__":
    main()
