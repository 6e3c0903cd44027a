#!/usr/bin/env python3
"""Every page and report under load, at several scales, on SQLite and PostgreSQL.

For each database and scale: a fresh database (a new SQLite file; PostgreSQL's
`kerbside_bench` dropped and created again), `kerbside seed-demo --scale N
--seed S` (the same town for the same seed on the same day), the release server
started, signed in as a probation officer and a manager the way a browser
would, then `wrk` against each page for a warm-up and then REPEATS timed runs,
with `/healthz` measured the same way in the same run as the ceiling to compare
with. It reports p50 / p90 / p99 and requests per second at CONNECTIONS
connections (median of the repeats, with min-max beside it), the ratio of each
page's throughput to `/healthz`'s, any answer that was not 2xx and any request
that got no answer (a socket error, or wrk's 2-second timeout), each counted
apart and never hidden, and the server's peak memory (VmHWM).

Needs: wrk and curl (Debian packages), PostgreSQL's createdb/dropdb for the
PostgreSQL run, Python 3 (standard library only).

    benches/pages_under_load.py                         # 1,000 and 10,000 men, both databases
    SCALES="1000" DATABASES=sqlite benches/pages_under_load.py
    REPEATS=5 SECONDS_EACH=8 benches/pages_under_load.py
    SCALES=100000 DATABASES=postgres SEEDED_POSTGRES_100000=kerbside_seeded benches/pages_under_load.py
        # a copy (createdb -T) of a database seed-demo filled earlier

Results are printed as Markdown and written to target/bench/pages_under_load.md.
"""

import json
import os
import shutil
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "kerbside")
SCALES = [int(s) for s in os.environ.get("SCALES", "1000 10000").split()]
DATABASES = os.environ.get("DATABASES", "sqlite postgres").split()
REPEATS = int(os.environ.get("REPEATS", "3"))
SECONDS_EACH = int(os.environ.get("SECONDS_EACH", "5"))
WARM_UP = int(os.environ.get("WARM_UP", "2"))
CONNECTIONS = int(os.environ.get("CONNECTIONS", "16"))
SEED = os.environ.get("SEED", "2026")
PG_ADMIN = os.environ.get("PG_ADMIN", "postgres://postgres@127.0.0.1:5432/postgres")
PASSWORD = "benchmark lantern harbour evening"

# wrk prints one machine-readable line at the end of a run; the register save
# changes one mark with every save.
LUA = r"""
-- KERBSIDE_SAVES: "session:enrolment;..." registers to save in turn, each
-- save changing one man's minutes late and adding a note (so every save
-- writes a mark).
-- KERBSIDE_WRK_THREADS: wrk's threads; each saves a share of the registers
-- of its own, so no two threads send one register the same minutes late
-- (until 2026-12-08 they shared them, and about half the saves sent the
-- minutes already saved and wrote no mark).
local stride = tonumber(os.getenv("KERBSIDE_WRK_THREADS") or "1")
local started = os.time()
local saves = {}
for sid, eid in string.gmatch(os.getenv("KERBSIDE_SAVES") or "", "(%d+):(%d+)") do
  table.insert(saves, {sid, eid})
end
local n = 0
local threads = 0
setup = function(thread)
  threads = threads + 1
  thread:set("id", threads)
end
if #saves > 0 then
  wrk.method = "PUT"
  wrk.headers["Content-Type"] = "application/json"
  request = function()
    n = n + 1
    -- this thread's registers are every stride-th from its own; it saves
    -- each once a pass, the minutes alternating from one pass to the next,
    -- with a note no save sent before (a run starts its passes afresh, and
    -- the minutes alone could be what an earlier run left)
    local share = math.max(1, math.floor(#saves / stride))
    local k = (n % share) * stride + ((id or 1) - 1) % stride
    local s = saves[k + 1]
    local body = string.format('{"marks":[{"enrolment_id":%s,"outcome":"attended_complied","minutes_late":%d,"note":"Sign-in sheet %d-%d-%d","correction_reason":"Corrected from the sign-in sheet"}]}',
      s[2], 1 + (math.floor(n / share) % 2) * 4, started, id or 0, n)
    return wrk.format(nil, "/api/v1/sessions/" .. s[1] .. "/attendance", nil, body)
  end
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d %d %d\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    e.status, e.connect + e.read + e.write + e.timeout))
end
"""


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def run(args, env=None, stdin=""):
    out = subprocess.run(args, env=env, input=stdin, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"{' '.join(args)} failed:\n{out.stdout}\n{out.stderr}")
    return out.stdout


def fresh_database(kind, work, template=None):
    """A new, empty database; on PostgreSQL, a copy of `template` if given."""
    if kind == "sqlite":
        return f"sqlite://{work}/bench.db?mode=rwc"
    admin = urllib.parse.urlparse(PG_ADMIN)
    conn = ["-h", admin.hostname or "127.0.0.1", "-p", str(admin.port or 5432), "-U", admin.username or "postgres"]
    run(["dropdb", "--if-exists", *conn, "kerbside_bench"])
    run(["createdb", *conn, *(["-T", template] if template else []), "kerbside_bench"])
    return PG_ADMIN.rsplit("/", 1)[0] + "/kerbside_bench"


def sql(url, query):
    """One column of values from a read-only query."""
    if url.startswith("sqlite"):
        import sqlite3

        path = url.split("sqlite://", 1)[1].split("?", 1)[0]
        return [r[0] for r in sqlite3.connect(path).execute(query).fetchall()]
    out = run(["psql", url, "-At", "-c", query])
    return [line for line in out.splitlines() if line]


class Session:
    """A signed-in browser: cookies from the sign-in form, sent as a header to wrk."""

    def __init__(self, base, username):
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )
        page = self.opener.open(base + "/sign-in").read().decode()
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        form = urllib.parse.urlencode(
            {"csrf_token": token, "username": username, "password": PASSWORD}
        ).encode()
        req = urllib.request.Request(base + "/sign-in", data=form, headers={"Sec-Fetch-Site": "same-origin"})
        try:
            self.opener.open(req)
        except urllib.error.HTTPError as e:
            if e.code != 303:
                raise
        self.cookie = "; ".join(f"{c.name}={c.value}" for c in self.jar)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def wrk(url, headers, env_extra=None, seconds=SECONDS_EACH, connections=CONNECTIONS):
    script = os.path.join(tempfile.gettempdir(), "kerbside-wrk.lua")
    with open(script, "w") as f:
        f.write(LUA)
    threads = min(2, connections)
    args = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "-s", script]
    for h in headers:
        args += ["-H", h]
    env = dict(os.environ, KERBSIDE_WRK_THREADS=str(threads), **(env_extra or {}))
    out = run(args + [url], env=env)
    line = next(l for l in out.splitlines() if l.startswith("RESULT"))
    n, duration_us, p50, p90, p99, non2xx, socket_errors = map(int, line.split()[1:])
    return {
        "rps": n / (duration_us / 1e6),
        "p50": p50 / 1000,
        "p90": p90 / 1000,
        "p99": p99 / 1000,
        "non2xx": non2xx,
        "socket_errors": socket_errors,
    }


def measure(url, headers, env_extra=None, connections=CONNECTIONS):
    wrk(url, headers, env_extra, seconds=WARM_UP, connections=connections)
    runs = [wrk(url, headers, env_extra, connections=connections) for _ in range(REPEATS)]

    def spread(key):
        values = sorted(r[key] for r in runs)
        return statistics.median(values), values[0], values[-1]

    return {
        key: spread(key) for key in ("rps", "p50", "p90", "p99")
    } | {
        "non2xx": sum(r["non2xx"] for r in runs),
        "socket_errors": sum(r["socket_errors"] for r in runs),
        "connections": connections,
    }


def peak_memory_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def bench(kind, scale):
    work = tempfile.mkdtemp(prefix="kerbside-bench-")
    # SEEDED_SQLITE_<scale>=file or SEEDED_POSTGRES_<scale>=database: a copy
    # of what seed-demo filled earlier (same seed) instead of seeding again;
    # the seeding time is then not measured.
    seeded_copy = os.environ.get(f"SEEDED_{'SQLITE' if kind == 'sqlite' else 'POSTGRES'}_{scale}")
    url = fresh_database(kind, work, seeded_copy if kind == "postgres" else None)
    env = dict(os.environ, DATABASE_URL=url)
    started = time.time()
    if seeded_copy:
        if kind == "sqlite":
            shutil.copyfile(seeded_copy, os.path.join(work, "bench.db"))
        seeded = float("nan")
    else:
        run([BIN, "seed-demo", "--scale", str(scale), "--seed", SEED], env=env)
        seeded = time.time() - started
    for username, role in [("bench.probation", "probation"), ("bench.manager", "manager")]:
        # a copy may hold the bench users of an earlier run (same password)
        if sql(url, f"SELECT count(*) FROM users WHERE username = '{username}'")[0] in (0, "0"):
            run([BIN, "user", "create", "--username", username, "--name", username, "--role", role, "--password-stdin"], env=env, stdin=PASSWORD)
    token = run([BIN, "token", "create", "--username", "bench.probation", "--name", "bench"], env=env).strip().splitlines()[-1]
    port = free_port()
    server_env = dict(
        env,
        ROCKET_PORT=str(port),
        ROCKET_ADDRESS="127.0.0.1",
        ROCKET_SECRET_KEY=run(["openssl", "rand", "-base64", "32"]).strip(),
        KERBSIDE_SIGN_IN_ATTEMPTS_PER_MINUTE="100000",
    )
    log = open(os.path.join(work, "server.log"), "w")
    server = subprocess.Popen([BIN, "serve"], env=server_env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(base + "/healthz")
                break
            except Exception:
                time.sleep(0.1)
        probation = Session(base, "bench.probation")
        manager = Session(base, "bench.manager")
        people = {"people": sql(url, "SELECT count(*) FROM people")[0], "arrests": sql(url, "SELECT count(*) FROM arrests")[0],
                  "enrolments": sql(url, "SELECT count(*) FROM enrolments")[0], "marks": sql(url, "SELECT count(*) FROM attendance_marks")[0]}
        man = sql(url, "SELECT person_id FROM arrests GROUP BY person_id ORDER BY count(*) DESC, person_id LIMIT 1")[0]
        surname = sql(url, f"SELECT surname FROM people WHERE id = {man}")[0]
        typo = surname[:-2] + surname[-1] + surname[-2] if len(surname) > 3 else surname
        session_id = sql(url, "SELECT session_id FROM attendance_marks GROUP BY session_id ORDER BY count(*) DESC, session_id LIMIT 1")[0]
        enrolment = sql(url, f"SELECT min(enrolment_id) FROM attendance_marks WHERE session_id = {session_id}")[0]
        # registers saved in turn: a man still on the register of each of up
        # to 400 held sessions
        saves = ";".join(sql(url, "SELECT m.session_id || ':' || min(m.enrolment_id) FROM attendance_marks m "
                                  "JOIN enrolments e ON e.id = m.enrolment_id WHERE e.status IN ('completed', 'on_programme') "
                                  "GROUP BY m.session_id ORDER BY m.session_id DESC LIMIT 400"))
        report = sql(url, "SELECT id FROM court_reports WHERE status = 'submitted' ORDER BY id LIMIT 1")[0]
        cookie_p = [f"Cookie: {probation.cookie}"]
        cookie_m = [f"Cookie: {manager.cookie}"]
        bearer = [f"Authorization: Bearer {token}"]
        pages = [
            ("/healthz (ceiling)", "/healthz", [], None),
            ("/healthz, one connection", "/healthz", [], None, 1),
            ("person search (typo in the surname)", f"/people?q={urllib.parse.quote(typo)}", cookie_p, None),
            ("arrests list", "/arrests", cookie_p, None),
            ("person page", f"/people/{man}", cookie_p, None),
            ("referral queue", "/referrals", cookie_p, None),
            ("register (GET)", f"/sessions/{session_id}/register", cookie_p, None),
            ("register save (PUT, API; registers in turn)", f"/api/v1/sessions/{session_id}/attendance", bearer,
             {"KERBSIDE_SAVES": saves}),
            ("statistics page", "/statistics/reoffending", cookie_m, None),
            ("statistics page", "/statistics/reoffending", cookie_m, None, 1),
            # a report is downloaded by one person at a time: one connection,
            # then the same at 16 to show what a queue of them costs
            ("court report PDF", f"/api/v1/court-reports/{report}/pdf", bearer, None, 1),
            ("progress report PDF", f"/api/v1/enrolments/{enrolment}/progress-report.pdf", bearer, None, 1),
            ("board report PDF", "/api/v1/statistics/board-report.pdf", bearer, None, 1),
            ("court report PDF", f"/api/v1/court-reports/{report}/pdf", bearer, None),
        ]
        rows = []
        for name, path, headers, env_extra, *conns in pages:
            m = measure(base + path, headers, env_extra, *conns)
            m["peak_mb"] = peak_memory_mb(server.pid)
            rows.append((name, m))
            print(f"  {kind} {scale}: {name} ({m['connections']}): p99 {m['p99'][0]:.1f} ms, "
                  f"{m['rps'][0]:.0f}/s, peak {m['peak_mb']:.0f} MB", file=sys.stderr)
        return {"kind": kind, "scale": scale, "seeded_s": seeded, "counts": people, "rows": rows,
                "peak_mb": peak_memory_mb(server.pid)}
    finally:
        server.kill()
        server.wait()


def seeded_in(result):
    s = result["seeded_s"]
    return " (a copy of a database it filled earlier)" if s != s else f" in {s:.0f} s"


def table(result):
    ceiling = result["rows"][0][1]["rps"][0]
    c = result["counts"]
    out = [
        f"### {'SQLite (file, WAL)' if result['kind'] == 'sqlite' else 'PostgreSQL 15'}, "
        f"{int(c['people']):,} men",
        "",
        f"seed-demo --scale {result['scale']}: {int(c['people']):,} men, {int(c['arrests']):,} arrests, "
        f"{int(c['enrolments']):,} enrolments, {int(c['marks']):,} attendance marks{seeded_in(result)}. "
        f"Server peak memory (VmHWM) after every run: **{result['peak_mb']:.0f} MB**.",
        "",
        "| page | connections | p50 ms | p90 ms | p99 ms (min-max) | requests/s (min-max) | / healthz | not 2xx | no answer | peak MB so far |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, m in result["rows"]:
        rps, lo, hi = m["rps"]
        p99, p99lo, p99hi = m["p99"]
        # an answer with another status, and none at all: a socket error or
        # wrk's 2-second timeout
        bad, lost = m["non2xx"], m["socket_errors"]
        out.append(
            f"| {name} | {m['connections']} | {m['p50'][0]:.1f} | {m['p90'][0]:.1f} | {p99:.1f} ({p99lo:.1f}-{p99hi:.1f}) "
            f"| {rps:.0f} ({lo:.0f}-{hi:.0f}) | {100 * rps / ceiling:.1f} % | {bad if bad else ''} | {lost if lost else ''} "
            f"| {m['peak_mb']:.0f} |"
        )
    return "\n".join(out)


def copies_note():
    """The seed names only what this run filled: a copy given by a
    SEEDED_* variable holds whatever seed filled it."""
    copies = sorted(k for k in os.environ if k.startswith("SEEDED_"))
    return f" for the databases it filled (not the copies in {', '.join(copies)})" if copies else ""


def main():
    if not os.path.exists(BIN) or os.environ.get("SKIP_BUILD") != "1":
        run(["cargo", "build", "--release", "--quiet"], env=dict(os.environ))
    commit = run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"]).strip()
    dirty = run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"]).strip()
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    head = [
        f"Measured {time.strftime('%Y-%m-%d')} at commit {commit}{' (with uncommitted changes)' if dirty else ''}; "
        f"{os.cpu_count()} cores ({cpu}); wrk -t2 -c{CONNECTIONS}, {WARM_UP} s warm-up then "
        f"{REPEATS} runs of {SECONDS_EACH} s per page; seed {SEED}{copies_note()}.",
        "",
    ]
    sections = []
    for kind in DATABASES:
        for scale in SCALES:
            sections.append(table(bench(kind, scale)))
            print(sections[-1] + "\n")
    os.makedirs(os.path.join(ROOT, "target", "bench"), exist_ok=True)
    with open(os.path.join(ROOT, "target", "bench", "pages_under_load.md"), "w") as f:
        f.write("\n".join(head) + "\n" + "\n\n".join(sections) + "\n")


if __name__ == "__main__":
    main()
