#!/usr/bin/env bash
# Build-time benchmark: quarterly against Hugo on the same synthetic text.
#
#   bench/run.sh [N]          N pages, default 1000 (10000 works too)
#   bench/run.sh --smoke [N]  a smoke test for CI (N default 200): generates both tools'
#                             inputs, builds each once with the debug build, checks that
#                             every briefing and chart was built, and times nothing
#
# Steps:
#   1. installs hugo with apt-get if it is not on PATH (apt-get update only if that fails);
#   2. cargo build --release (in the repository holding this script);
#   3. generates N pages with gen_corpus.py twice, as plain bodies + JSON sidecars and as
#      a Hugo site, in a temporary dir on tmpfs (/dev/shm when present, else $TMPDIR or /tmp);
#   4. bench/make_site.py wraps the plain bodies into a quarterly site: same body bytes as
#      Hugo gets, plus per page two line charts (market spend, four vendor shares);
#   5. builds the quarterly site once with an empty image cache and no earlier build (the
#      cold build, reported on its own) into OUT, and Hugo once into its OUT (not timed); then
#      runs RUNS (default 5) rounds of timed builds, alternating, each tool into its same OUT
#      as an editor rebuilds:
#        quarterly, one briefing edited: a line appended to a different briefing each run,
#          then  target/release/quarterly build --root SITE --out OUT
#        quarterly, nothing changed:     the same command again
#        quarterly, made anew:           the same with --fresh (every page made again;
#                                        drawn images still come from the cache)
#        hugo:                           hugo --quiet -s HUGOSITE -d OUT
#      wall time from bash's $EPOCHREALTIME around /usr/bin/time -f '%e %M' (peak RSS);
#      without /usr/bin/time, a python3 wrapper (time.perf_counter + resource.getrusage);
#   6. prints the cold build, then a markdown table: tool, pages, median wall (s), median peak
#      RSS (MiB), HTML files, charts (inline <svg> elements + .svg files) and PNG images in the
#      output, then hugo/quarterly for each quarterly row.
#
# Environment: RUNS (default 5), GEN_CORPUS (default ../shared/bench/gen_corpus.py beside the repository),
# TOOLS (default "quarterly hugo"; e.g. TOOLS=hugo skips cargo and quarterly),
# KEEP=1 keeps the temporary dir. Progress goes to stderr, the table to stdout.
# Any failing step stops the script; a failing build prints its output first.
set -euo pipefail
export LC_ALL=C

SMOKE=0
if [[ ${1:-} == --smoke ]]; then SMOKE=1; shift; fi
N=${1:-$([[ $SMOKE == 1 ]] && echo 200 || echo 1000)}
[[ $N =~ ^[1-9][0-9]*$ ]] || { echo "usage: $0 [--smoke] [N]   (N = number of pages, default 1000)" >&2; exit 2; }
RUNS=${RUNS:-5}
TOOLS=${TOOLS:-quarterly hugo}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$HERE")
GEN=${GEN_CORPUS:-$REPO/../shared/bench/gen_corpus.py}
BIN=$REPO/target/release/quarterly
[[ $SMOKE == 1 ]] && BIN=$REPO/target/debug/quarterly

log() { printf 'bench: %s\n' "$*" >&2; }
die() { printf 'bench: error: %s\n' "$*" >&2; exit 1; }
want() { [[ " $TOOLS " == *" $1 "* ]]; }

[[ -f $GEN ]] || die "corpus generator not found: $GEN (set GEN_CORPUS)"
command -v python3 >/dev/null || die "python3 is required"

# 1. hugo
if want hugo && ! command -v hugo >/dev/null; then
    SUDO=; [[ $(id -u) -eq 0 ]] || SUDO=sudo
    log "installing hugo (apt-get)"
    if ! $SUDO apt-get install -y -q hugo >/dev/null 2>&1; then
        $SUDO apt-get update -q >/dev/null
        $SUDO apt-get install -y -q hugo >/dev/null
    fi
fi

# 2. quarterly
if want quarterly; then
    if [[ $SMOKE == 1 ]]; then
        log "cargo build"
        (cd "$REPO" && cargo build --quiet)
    else
        log "cargo build --release"
        (cd "$REPO" && cargo build --release --quiet)
    fi
    [[ -x $BIN ]] || die "$BIN was not built"
fi

# 3. corpus and sites, on tmpfs when there is one
TMPBASE=${TMPDIR:-/tmp}
[[ -d /dev/shm && -w /dev/shm ]] && TMPBASE=/dev/shm
WORK=$(mktemp -d "$TMPBASE/quarterly-bench.XXXXXX")
if [[ ${KEEP:-0} == 1 ]]; then log "keeping $WORK"; else trap 'rm -rf "$WORK"' EXIT; fi

log "generating $N pages in $WORK"
python3 "$GEN" --n "$N" --format plain --out "$WORK/plain" >/dev/null
python3 "$GEN" --n "$N" --format hugo --out "$WORK/hugo" >/dev/null
# 4.
python3 "$HERE/make_site.py" --plain "$WORK/plain" --out "$WORK/site" >/dev/null

# 5. timing
if [[ -x /usr/bin/time ]]; then TIMER="/usr/bin/time -f '%e %M'"; else TIMER="python3 resource module"; fi

# run_timed RESULT_FILE LOG_FILE CMD...: appends "wall_seconds peak_rss_kib" to RESULT_FILE
run_timed() {
    local res=$1 out=$2; shift 2
    local t0 t1 rc=0
    if [[ -x /usr/bin/time ]]; then
        t0=$EPOCHREALTIME
        /usr/bin/time -o "$WORK/time.txt" -f '%e %M' "$@" >"$out" 2>&1 || rc=$?
        t1=$EPOCHREALTIME
        if [[ $rc -eq 0 ]]; then
            # last line: an exit-status note may precede it on failure
            read -r e m < <(tail -n 1 "$WORK/time.txt")
            if [[ -n $t0 && -n $t1 ]]; then
                awk -v a="$t0" -v b="$t1" -v m="$m" 'BEGIN { printf "%.4f %d\n", b - a, m }' >>"$res"
            else
                echo "$e $m" >>"$res"
            fi
        fi
    else
        python3 - "$res" "$out" "$@" <<'PY' || rc=$?
import resource, subprocess, sys, time
res, out, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
with open(out, "w") as log:
    t = time.perf_counter()
    rc = subprocess.run(cmd, stdout=log, stderr=subprocess.STDOUT).returncode
    wall = time.perf_counter() - t
if rc == 0:
    with open(res, "a") as f:  # ru_maxrss is in KiB on Linux
        f.write(f"{wall:.4f} {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}\n")
sys.exit(rc)
PY
    fi
    return $rc
}

# count_output DIR: prints "html_files charts png_images"
count_output() {
    python3 - "$1" <<'PY'
import os, sys
html = svg = png = 0
for dirpath, _dirs, files in os.walk(sys.argv[1]):
    for name in files:
        if name.endswith(".html"):
            html += 1
            with open(os.path.join(dirpath, name), "rb") as f:
                svg += f.read().count(b"<svg")
        elif name.endswith(".svg"):
            svg += 1
        elif name.endswith(".png"):
            png += 1
print(html, svg, png)
PY
}

# 5s. smoke: build each once, check what was built, time nothing
if [[ $SMOKE == 1 ]]; then
    for tool in $TOOLS; do
        out=$WORK/out-$tool
        case $tool in
            quarterly) cmd=("$BIN" build --root "$WORK/site" --out "$out") ;;
            hugo)      cmd=(hugo --quiet -s "$WORK/hugo" -d "$out") ;;
        esac
        "${cmd[@]}" >"$WORK/$tool.log" 2>&1 || { sed 's/^/    /' "$WORK/$tool.log" >&2; die "$tool build failed: ${cmd[*]}"; }
        read -r html charts png < <(count_output "$out")
        case $tool in
            quarterly)
                briefings=$(find "$out/briefings" -name '*.html' | wc -l)
                [[ $briefings -eq $N ]] || die "quarterly built $briefings briefings, not $N"
                (( charts >= 4 * N )) || die "quarterly built $charts chart images, not at least $((4 * N)) (two charts a briefing, wide and narrow)"
                # A PNG and a card a chart, and a card a briefing.
                (( png >= 5 * N )) || die "quarterly built $png PNG images, not at least $((5 * N))"
                ;;
            hugo)
                (( html >= N )) || die "hugo built $html pages, fewer than $N"
                ;;
        esac
        log "smoke: $tool built $html HTML files with $charts chart images and $png PNGs from $N pages"
        if [[ $tool == quarterly ]]; then
            # A rebuild after an edit updates the output in place: same files, the edit in.
            first=$(find "$WORK/site/content/briefings" -name '*.md' | sort | sed -n 1p)
            printf '\nA line added by the smoke test.\n' >>"$first"
            "${cmd[@]}" --timings >"$WORK/$tool.log" 2>&1 || { sed 's/^/    /' "$WORK/$tool.log" >&2; die "the rebuild after an edit failed"; }
            grep -q 'jobs run' "$WORK/$tool.log" || die "the rebuild did not update the output in place"
            read -r html2 charts2 png2 < <(count_output "$out")
            [[ "$html2 $charts2 $png2" == "$html $charts $png" ]] || die "the rebuild changed what was built: $html2 $charts2 $png2"
            grep -rq 'A line added by the smoke test' "$out/briefings" || die "the rebuild does not show the edit"
            log "smoke: the rebuild after an edit: $(grep 'jobs run' "$WORK/$tool.log" | sed 's/^ *//')"
        fi
    done
    exit 0
fi

# run_build NAME K CMD...: one timed build; NAME names the row it counts for.
run_build() {
    local name=$1 k=$2; shift 2
    if ! run_timed "$WORK/$name.times" "$WORK/$name.log" "$@"; then
        log "$name build failed (run $k): $*"
        sed 's/^/    /' "$WORK/$name.log" >&2
        trap - EXIT
        log "kept $WORK (site/, hugo/, plain/) for inspection; remove it when done"
        exit 1
    fi
}

QOUT=$WORK/out-quarterly
HOUT=$WORK/out-hugo
QBUILD=("$BIN" build --root "$WORK/site" --out "$QOUT")
HBUILD=(hugo --quiet -s "$WORK/hugo" -d "$HOUT")

# One cold build first: quarterly with an empty image cache and no earlier build draws every
# chart PNG and social card (kept in SITE/.quarterly-cache) and makes every page. The timed
# runs after it are warm: images come from the cache, and a build into the same output runs
# only the page jobs whose inputs changed.
if want quarterly; then
    log "cold build (empty image cache)"
    rm -rf "$WORK/site/.quarterly-cache"
    if ! run_timed "$WORK/cold.times" "$WORK/cold.log" "${QBUILD[@]}" --timings; then
        sed 's/^/    /' "$WORK/cold.log" >&2
        die "the cold build failed"
    fi
    grep -E '^  (images|render|total)' "$WORK/cold.log" >&2 || true
    grep -E '^  images' "$WORK/cold.log" >"$WORK/cold.images" || true
    count_output "$QOUT" >"$WORK/quarterly-edit.counts"
    cp "$WORK/quarterly-edit.counts" "$WORK/quarterly-same.counts"
    cp "$WORK/quarterly-edit.counts" "$WORK/quarterly-fresh.counts"
    mapfile -t BRIEFINGS < <(find "$WORK/site/content/briefings" -name '*.md' | sort)
fi
if want hugo; then
    log "hugo: a first build into its output (not timed)"
    "${HBUILD[@]}" >"$WORK/hugo.log" 2>&1 || { sed 's/^/    /' "$WORK/hugo.log" >&2; die "hugo failed"; }
    count_output "$HOUT" >"$WORK/hugo.counts"
fi

log "timing $RUNS rounds ($TOOLS), timer: $TIMER"
ROWS=()
want quarterly && ROWS+=(quarterly-edit quarterly-same quarterly-fresh)
want hugo && ROWS+=(hugo)
for ((k = 1; k <= RUNS; k++)); do
    if want quarterly; then
        # A different briefing each run, spread over the site.
        pick=${BRIEFINGS[$(( (k * 7919) % ${#BRIEFINGS[@]} ))]}
        printf '\nA line added by the benchmark, run %d.\n' "$k" >>"$pick"
        run_build quarterly-edit "$k" "${QBUILD[@]}"
        run_build quarterly-same "$k" "${QBUILD[@]}"
        run_build quarterly-fresh "$k" "${QBUILD[@]}" --fresh
    fi
    want hugo && run_build hugo "$k" "${HBUILD[@]}"
done

# 6. report
VERSIONS=()
if want quarterly; then
    REV=$(git -C "$REPO" log -1 --format=%h 2>/dev/null) || true
    VERSIONS+=("quarterly ${REV:-(no commit)}")
fi
want hugo && VERSIONS+=("$(hugo version | awk '{print "hugo " $2}')")
python3 - "$WORK" "$N" "$RUNS" "$(nproc) cores, $(df -P "$WORK" | awk 'NR==2 {print $1}') tmp dir" \
    "$TIMER" "$(IFS=,; echo "${VERSIONS[*]}")" "${ROWS[@]}" <<'PY'
import statistics, sys
work, n, runs, machine, timer, versions, tools = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6], sys.argv[7:]
names = {
    "quarterly-edit": "quarterly (one briefing edited)",
    "quarterly-same": "quarterly (nothing changed)",
    "quarterly-fresh": "quarterly (--fresh: every page made again)",
    "hugo": "hugo",
}
rows = {}
for t in tools:
    times = [line.split() for line in open(f"{work}/{t}.times")]
    wall = statistics.median(float(w) for w, _ in times)
    rss = statistics.median(int(m) for _, m in times) / 1024
    html, charts, png = open(f"{work}/{t}.counts").read().split()
    rows[t] = (wall, rss, int(html), int(charts), [float(w) for w, _ in times], int(png))
print(f"Build benchmark: {n:,} pages, median of {runs} runs, each tool rebuilding into its own output "
      f"({machine}; timer {timer}; {versions.replace(',', ', ')}).")
import os
if os.path.exists(f"{work}/cold.times"):
    wall, rss = open(f"{work}/cold.times").read().split()
    images = open(f"{work}/cold.images").read().strip() if os.path.exists(f"{work}/cold.images") else ""
    print()
    print(f"quarterly cold build (empty image cache, once): {float(wall):.3f} s, "
          f"{int(rss) / 1024:,.0f} MiB peak RSS; {images.strip()}. The runs below are warm "
          "builds into the same output: images come from the cache.")
print()
print("| tool | pages | median wall (s) | median peak RSS (MiB) | HTML files built | charts built | PNG images |")
print("|---|---:|---:|---:|---:|---:|---:|")
for t, (wall, rss, html, charts, _, png) in rows.items():
    print(f"| {names.get(t, t)} | {n:,} | {wall:.3f} | {rss:,.0f} | {html:,} | {charts:,} | {png:,} |")
if "hugo" in rows:
    h = rows["hugo"]
    for t, q in rows.items():
        if t == "hugo":
            continue
        print()
        print(f"hugo/{names.get(t, t)}: wall {h[0] / q[0]:.2f}x, peak RSS {h[1] / q[1]:.2f}x; "
              f"as ratios of Hugo: time {q[0] / h[0]:.2f}, memory {q[1] / h[1]:.2f}.")
print()
for t, r in rows.items():
    print(f"{names.get(t, t)} runs (s): " + " ".join(f"{w:.3f}" for w in r[4]))
PY
