#!/usr/bin/env python3
"""Edit-to-reload latency of `quarterly serve`, on the shipped site or a generated one.

Copies the shipped site (or, with --briefings N, generates the build benchmark's site of N
briefings with ../shared/bench/gen_corpus.py and bench/make_site.py) into a temporary
directory, starts the release binary's `serve` on a free port, and RUNS times (default 10):
appends a line to one briefing, and times how long until the page's long poll (the request
the live-reload script holds open) answers and the reloaded page, which must show the edit,
has been fetched. That is what a reader of the preview waits for after saving: the file
watcher's debounce, the update, the poll's answer and the reload.

Also reports how long `serve` takes to be ready (from start to its "serving" line) next to
a `quarterly build` of the same site, the time from writing the next quarter's briefing to
its page being served, and, with --dataset-runs K (default 3), the edit-to-reload latency of
an edit to a dataset every briefing charts.

    python3 bench/serve_latency.py [RUNS] [--briefings N] [--dataset-runs K]
"""
import argparse
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
GEN = os.environ.get("GEN_CORPUS", os.path.join(REPO, "..", "shared", "bench", "gen_corpus.py"))


def get(address, path, timeout=120):
    host, port = address.split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
    conn.request("GET", path)
    body = conn.getresponse().read().decode("utf-8")
    conn.close()
    return body


def make_site(work, briefings):
    """The site to serve, and the briefing to edit (file, page)."""
    site = os.path.join(work, "site")
    if briefings is None:
        for d in ("content", "templates"):
            shutil.copytree(os.path.join(REPO, d), os.path.join(site, d))
        return site, "content/briefings/2023-q3.md", "/briefings/2023-q3.html"
    plain = os.path.join(work, "plain")
    subprocess.run([sys.executable, GEN, "--n", str(briefings), "--format", "plain",
                    "--out", plain], check=True, stdout=subprocess.DEVNULL)
    subprocess.run([sys.executable, os.path.join(REPO, "bench", "make_site.py"),
                    "--plain", plain, "--out", site], check=True, stdout=subprocess.DEVNULL)
    shutil.rmtree(os.path.join(site, "templates"), ignore_errors=True)
    # A briefing in the middle of the site: page i is the quarter i after 1000-Q1.
    i = briefings // 2
    name = f"{1000 + i // 4}-q{i % 4 + 1}"
    return site, f"content/briefings/{name}.md", f"/briefings/{name}.html"


def timed_edits(address, site, file, page, runs, marker_of, check_page):
    times = []
    for run in range(runs):
        body = get(address, page)
        version = int(re.search(r"var v=(\d+);", body).group(1))
        marker = marker_of(run)

        def poll():
            get(address, f"/__quarterly/wait?v={version}")

        t = threading.Thread(target=poll)
        t.start()
        time.sleep(0.2)  # let the poll reach the server before the edit
        start = time.perf_counter()
        with open(os.path.join(site, file), "a", encoding="utf-8") as f:
            f.write(f"\n{marker}\n")
        t.join()
        reloaded = get(address, page)  # the reload
        elapsed = (time.perf_counter() - start) * 1000
        if check_page and marker not in reloaded:
            sys.exit(f"run {run}: the reloaded page does not show the edit")
        times.append(elapsed)
        time.sleep(0.3)
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("runs", nargs="?", type=int, default=10)
    parser.add_argument("--briefings", type=int, default=None)
    parser.add_argument("--dataset-runs", type=int, default=3)
    args = parser.parse_args()
    binary = os.path.join(REPO, "target", "release", "quarterly")
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
    tmpbase = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None
    work = tempfile.mkdtemp(prefix="quarterly-serve-", dir=tmpbase)
    try:
        site, file, page = make_site(work, args.briefings)
        builds = []
        for _ in range(3):
            out = os.path.join(work, "out")
            start = time.perf_counter()
            subprocess.run([binary, "build", "--root", site, "--out", out], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            builds.append((time.perf_counter() - start) * 1000)
            shutil.rmtree(out)
        start = time.perf_counter()
        server = subprocess.Popen([binary, "serve", "--port", "0"], cwd=site,
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            address = None
            for line in server.stdout:
                m = re.search(r" at http://([0-9.:]+)/", line)
                if m:
                    address = m.group(1)
                    break
            ready = (time.perf_counter() - start) * 1000
            threading.Thread(target=lambda: [None for _ in server.stdout], daemon=True).start()
            times = timed_edits(address, site, file, page, args.runs,
                                lambda run: f"benchmarkedit{run}", True)
            size = "the shipped site" if args.briefings is None else f"{args.briefings:,} briefings"
            print(f"site: {size}; edited: {file}")
            print(f"build (ms): " + " ".join(f"{t:.0f}" for t in builds)
                  + f"; serve ready after {ready:.0f} ms")
            print("edit-to-reload (ms): " + " ".join(f"{t:.1f}" for t in times))
            print(f"median of {args.runs}: {statistics.median(times):.1f} ms")
            # The next quarter's briefing, new while serving: until its page is served.
            # (A translation, `2025-q4.zh.md`, goes with its briefing.)
            last = sorted(f for f in os.listdir(os.path.join(site, "content", "briefings"))
                          if f.endswith(".md") and f.count(".") == 1)[-1]
            year, quarter = last[:-3].split("-q")
            year, quarter = (int(year), int(quarter) + 1) if int(quarter) < 4 else (int(year) + 1, 1)
            name = f"{year}-q{quarter}"
            with open(os.path.join(site, "content", "briefings", last), encoding="utf-8") as f:
                text = f.read()
            old_period = re.search(r"^period: (.*)$", text, re.M).group(1)
            text = text.replace(f"period: {old_period}", f"period: {year}-Q{quarter}", 1)
            version = int(re.search(r"var v=(\d+);", get(address, page)).group(1))
            t = threading.Thread(target=lambda: get(address, f"/__quarterly/wait?v={version}"))
            t.start()
            time.sleep(0.2)
            start = time.perf_counter()
            with open(os.path.join(site, "content", "briefings", name + ".md"), "w",
                      encoding="utf-8") as f:
                f.write(text)
            t.join()
            body = get(address, f"/briefings/{name}.html")
            elapsed = (time.perf_counter() - start) * 1000
            if f"{year}-Q{quarter}" not in body and f"Q{quarter} {year}" not in body:
                sys.exit("the new briefing's page is not served")
            print(f"new briefing {name}.md to its page: {elapsed:.1f} ms")
            if args.dataset_runs:
                data = timed_edits(address, site, "content/data/market.yaml", page,
                                   args.dataset_runs, lambda run: f"# edit {run}", False)
                print("dataset edit-to-reload (ms): " + " ".join(f"{t:.1f}" for t in data))
                print(f"median of {args.dataset_runs}: {statistics.median(data):.1f} ms")
        finally:
            server.kill()
            server.wait()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
