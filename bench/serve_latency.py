#!/usr/bin/env python3
"""Edit-to-reload latency of `quarterly serve` on the shipped site.

Copies content/ and templates/ to a temporary directory, starts the release binary's
`serve` on a free port, and RUNS times (default 10): appends a space to one briefing, and
times how long until the page's long poll (the request the live-reload script holds open)
answers and the reloaded page has been fetched. That is what a reader of the preview waits
for after saving: the file watcher's debounce, the rebuild, the poll's answer and the reload.
Prints every run and the median.

    python3 bench/serve_latency.py [RUNS]
"""
import http.client
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 10
PAGE = "/briefings/2023-q3.html"
FILE = "content/briefings/2023-q3.md"


def get(address, path, timeout=60):
    host, port = address.split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
    conn.request("GET", path)
    body = conn.getresponse().read().decode("utf-8")
    conn.close()
    return body


def main():
    binary = os.path.join(REPO, "target", "release", "quarterly")
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
    site = tempfile.mkdtemp(prefix="quarterly-serve-")
    try:
        for d in ("content", "templates"):
            shutil.copytree(os.path.join(REPO, d), os.path.join(site, d))
        server = subprocess.Popen([binary, "serve", "--port", "0"], cwd=site,
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            address = None
            for line in server.stdout:
                m = re.search(r" at http://([0-9.:]+)/", line)
                if m:
                    address = m.group(1)
                    break
            threading.Thread(target=lambda: [None for _ in server.stdout], daemon=True).start()
            times = []
            for run in range(RUNS):
                page = get(address, PAGE)
                version = int(re.search(r"var v=(\d+);", page).group(1))
                marker = f"benchmarkedit{run}"

                def poll():
                    get(address, f"/__quarterly/wait?v={version}")

                t = threading.Thread(target=poll)
                t.start()
                time.sleep(0.2)  # let the poll reach the server before the edit
                start = time.perf_counter()
                with open(os.path.join(site, FILE), "a", encoding="utf-8") as f:
                    f.write(f"\n{marker}\n")
                t.join()
                reloaded = get(address, PAGE)  # the reload
                elapsed = (time.perf_counter() - start) * 1000
                if marker not in reloaded:
                    sys.exit(f"run {run}: the reloaded page does not show the edit")
                times.append(elapsed)
                time.sleep(0.1)
            print("edit-to-reload (ms): " + " ".join(f"{t:.1f}" for t in times))
            print(f"median of {RUNS}: {statistics.median(times):.1f} ms")
        finally:
            server.kill()
            server.wait()
    finally:
        shutil.rmtree(site, ignore_errors=True)


if __name__ == "__main__":
    main()
