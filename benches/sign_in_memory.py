#!/usr/bin/env python3
"""Resident memory of a release server under a burst of wrong sign-ins.

Each argon2id hash needs 19 MiB. Wrong passwords and unknown usernames are
hashed too (equal timing), so anyone can make the server hash. This starts the
release binary on a fresh SQLite database, sends N wrong sign-ins at once from
N different client addresses (X-Real-IP, as a proxy would set it, so the
per-address throttle does not stop them), samples the server's resident memory
(VmRSS) every 100 ms, and reports: before, peak during, right after, and 60 s
after.

    cargo build --release
    python3 benches/sign_in_memory.py [--attempts 500] [--concurrency 500]

Standard library only. Prints a Markdown table row for benches/RESULTS.md.
"""
import argparse
import base64
import concurrent.futures
import http.client
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def start_server(binary, workdir):
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": f"sqlite://{workdir}/kerbside.db?mode=rwc",
        "ROCKET_PORT": "0",
        "ROCKET_ADDRESS": "127.0.0.1",
        "ROCKET_SECRET_KEY": base64.b64encode(os.urandom(32)).decode(),
    })
    proc = subprocess.Popen([binary, "serve"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        line = proc.stdout.readline()
        m = re.search(r"serving on http://([\d.]+):(\d+)", line)
        if m:
            threading.Thread(target=lambda: proc.stdout.read(), daemon=True).start()
            return proc, int(m.group(2))
    proc.kill()
    sys.exit("the server did not start: " + proc.stdout.read())


def wrong_sign_in(port, n):
    """GET the form (pre-session cookie and token), then POST a wrong password."""
    ip = f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    conn.request("GET", "/sign-in", headers={"X-Real-IP": ip})
    r = conn.getresponse()
    page = r.read().decode()
    cookie = "; ".join(c.split(";")[0] for c in r.headers.get_all("Set-Cookie") or [])
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"csrf_token": token, "username": f"nobody{n}",
                                   "password": "not the right password at all"})
    conn.request("POST", "/sign-in", body=body, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie,
        "X-Real-IP": ip, "Origin": f"http://127.0.0.1:{port}",
        "Sec-Fetch-Site": "same-origin"})
    status = conn.getresponse().status
    conn.close()
    return status


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--attempts", type=int, default=500)
    ap.add_argument("--concurrency", type=int, default=500)
    ap.add_argument("--binary", default=os.path.join(ROOT, "target", "release", "kerbside"))
    ap.add_argument("--settle", type=int, default=60)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        proc, port = start_server(args.binary, workdir)
        time.sleep(1)
        before = rss_mib(proc.pid)
        samples = []
        stop = threading.Event()

        def sample():
            while not stop.is_set():
                samples.append(rss_mib(proc.pid))
                time.sleep(0.1)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        started = time.time()
        with concurrent.futures.ThreadPoolExecutor(max_workers=args.concurrency) as pool:
            statuses = list(pool.map(lambda n: wrong_sign_in(port, n), range(args.attempts)))
        took = time.time() - started
        after = rss_mib(proc.pid)
        time.sleep(args.settle)
        settled = rss_mib(proc.pid)
        stop.set()
        sampler.join()
        proc.kill()
        refused = sum(1 for s in statuses if s == 422)
        print(f"{args.attempts} wrong sign-ins, {args.concurrency} at once: "
              f"{refused} refused (422) in {took:.1f} s")
        print("| before | peak during | just after | "
              f"{args.settle} s later |")
        print("|---|---|---|---|")
        print(f"| {before:.0f} MiB | {max(samples):.0f} MiB | {after:.0f} MiB | {settled:.0f} MiB |")


if __name__ == "__main__":
    main()
