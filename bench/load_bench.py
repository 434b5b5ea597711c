"""Load run (issue 17): N concurrent logged-in demo users over key pages and API calls, against the production
server (gunicorn as scripts/serve.sh starts it, WhiteNoise, DEBUG off) and the development server (manage.py
runserver) in the same run, on the same PostgreSQL database with the demo data. Loopback only, bounded by time.

    createdb minzheng_load
    DATABASE_URL=postgres://postgres@127.0.0.1:55432/minzheng_load .venv/bin/python bench/load_bench.py \
        --users 50 --seconds 60

With --haproxy, a third set-up runs in the same rounds: two gunicorn app servers behind HAProxy with the production
configuration (deploy/haproxy.cfg), each with half the workers (rounded up) of the single production server.

Prints requests/s, p50/p95/p99 latency and errors per server. The load generator is a thread pool with requests
in this process (it shares the machine's cores with the server under test: figures are for the pair).
"""

import argparse
import itertools
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
DEMO_PASSWORD = "Minzheng#2026"  # minzheng/demo/management/commands/setup_demo.py DEMO_PASSWORD
# Demo accounts at every level (setup_demo.ACCOUNTS): each simulated user is one of them.
ACCOUNTS = ["jh_county", "jh_lile", "jh_village", "qy_city", "yn_county", "yn_ducheng", "zs_city", "dg_city"]
# Key pages and API calls a worker uses all day: 工作台, person and household lists, areas, the persons API.
PATHS = ["/", "/persons/", "/households/", "/api/areas", "/api/persons?limit=20", "/api/households?limit=20",
         "/persons/?q=陈"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(static_root: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MINZHENG_", "DJANGO_"))}
    env.update(DJANGO_SETTINGS_MODULE="minzheng.settings", MINZHENG_SECRET_KEY="load-bench-" + "k" * 50,
               MINZHENG_HTTPS="0", MINZHENG_PASSWORD_MAX_AGE_DAYS="0", MINZHENG_STATIC_ROOT=static_root,
               MINZHENG_STATIC_MANIFEST="1", MINZHENG_LOGIN_IP_MAX_FAILURES="100000")
    return env


def _wait(url: str, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=3).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise SystemExit(f"{url} 未就绪")


def _login(base: str, username: str) -> requests.Session:
    s = requests.Session()
    s.get(f"{base}/login/", timeout=60)
    r = s.post(f"{base}/login/", data={"username": username, "password": DEMO_PASSWORD,
                                       "csrfmiddlewaretoken": s.cookies["csrftoken"]}, timeout=60)
    if r.status_code != 200 or "/login/" in r.url:
        raise SystemExit(f"演示账号 {username} 登录失败（{r.status_code}）：先运行 manage.py setup_demo")
    return s


def login_users(base: str, users: int) -> list[requests.Session]:
    """Each simulated user logs in once, with a session of its own (as real users have)."""
    return [_login(base, u) for u in itertools.islice(itertools.cycle(ACCOUNTS), users)]


def run_load(base: str, sessions: list[requests.Session], seconds: float) -> dict:
    users = len(sessions)
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    start_gate = threading.Barrier(users + 1)
    stop_at = [0.0]

    def user(n: int) -> None:
        s = sessions[n]
        paths = itertools.cycle(PATHS[n % len(PATHS):] + PATHS[:n % len(PATHS)])
        start_gate.wait()
        while time.monotonic() < stop_at[0]:
            path = next(paths)
            t0 = time.perf_counter()
            try:
                r = s.get(base + path, timeout=120)
                ok = r.status_code == 200
                why = f"{path} {r.status_code}"
            except requests.RequestException as e:
                ok, why = False, f"{path} {type(e).__name__}"
            took = time.perf_counter() - t0
            with lock:
                (latencies.append(took) if ok else errors.append(why))

    threads = [threading.Thread(target=user, args=(n,), daemon=True) for n in range(users)]
    for t in threads:
        t.start()
    stop_at[0] = time.monotonic() + seconds
    t0 = time.monotonic()
    start_gate.wait()
    for t in threads:
        t.join(timeout=seconds + 180)
    wall = time.monotonic() - t0
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000 if latencies else float("nan")

    return {"ok": len(latencies), "errors": len(errors), "error_kinds": sorted(set(errors))[:5], "wall": wall,
            "rps": len(latencies) / wall, "p50": pct(0.50), "p95": pct(0.95), "p99": pct(0.99),
            "mean": statistics.fmean(latencies) * 1000 if latencies else float("nan")}


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--web-workers", type=int, default=os.cpu_count() * 2 + 1)  # scripts/gunicorn.conf.py default
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--haproxy", action="store_true", help="再加一组：HAProxy 后的两台 gunicorn 应用服务器")
    ap.add_argument("--setup", action="store_true", help="先运行 migrate 和 setup_demo（空库）")
    args = ap.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("需要 DATABASE_URL=postgres://…（生产与开发服务器共用一个 PostgreSQL 库）")
    static_root = tempfile.mkdtemp(prefix="mz-load-static-")
    env = _env(static_root)
    py = sys.executable
    # Static files first: with the manifest storage every other command needs the manifest.
    subprocess.run([py, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    if args.setup:
        subprocess.run([py, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
        subprocess.run([py, "manage.py", "setup_demo", "--quiet-table"], cwd=ROOT, env=env, check=True)
    procs: dict[str, subprocess.Popen] = {}
    bases: dict[str, str] = {}
    with open(os.path.join(static_root, "..", "mz-load-servers.log"), "ab") as log:
        try:
            def gunicorn(port: int, workers: int) -> list[str]:
                return [py, "-m", "gunicorn", "minzheng.wsgi:application", "-c", str(ROOT / "scripts/gunicorn.conf.py"),
                        "-b", f"127.0.0.1:{port}", "-w", str(workers)]

            port = _free_port()
            procs["production"] = subprocess.Popen(gunicorn(port, args.web_workers), cwd=ROOT, env=env, stdout=log,
                                                   stderr=log)
            bases["production"] = f"http://127.0.0.1:{port}"
            if args.haproxy:
                half = (args.web_workers + 1) // 2
                lb, app1, app2 = _free_port(), _free_port(), _free_port()
                for name, app_port in (("app1", app1), ("app2", app2)):
                    procs[name] = subprocess.Popen(gunicorn(app_port, half), cwd=ROOT, env=env, stdout=log, stderr=log)
                lb_env = {**env, "MZ_LB_BIND": f"127.0.0.1:{lb}", "MZ_APP1": f"127.0.0.1:{app1}",
                          "MZ_APP2": f"127.0.0.1:{app2}", "MZ_APP_SLOTS": str(half)}
                procs["haproxy"] = subprocess.Popen(["haproxy", "-f", str(ROOT / "deploy/haproxy.cfg")], env=lb_env,
                                                    stdout=log, stderr=log)
                bases["production behind HAProxy"] = f"http://127.0.0.1:{lb}"
            # What `python manage.py runserver` of the README starts (threaded, DEBUG on).
            port = _free_port()
            procs["development"] = subprocess.Popen([py, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
                                                    cwd=ROOT, env={**env, "MINZHENG_DEBUG": "1"}, stdout=log,
                                                    stderr=log)
            bases["development"] = f"http://127.0.0.1:{port}"
            sessions = {}
            for name, base in bases.items():
                _wait(f"{base}/healthz/")
                sessions[name] = login_users(base, args.users)
                run_load(base, sessions[name], 5)  # warm-up, not counted: every worker imports and caches once
            # Rounds alternate between the servers (the machine is shared: its load drifts); medians are reported.
            rounds: dict[str, list[dict]] = {name: [] for name in bases}
            for _ in range(args.rounds):
                for name, base in bases.items():
                    rounds[name].append(run_load(base, sessions[name], args.seconds))
        finally:
            for proc in procs.values():
                _stop(proc)
    results = {name: sorted(rs, key=lambda r: r["rps"])[len(rs) // 2] for name, rs in rounds.items()}
    load = os.getloadavg()
    print(f"{os.cpu_count()} cores, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; "
          f"{args.users} users, {args.rounds} rounds of {args.seconds:.0f} s each (median round); "
          f"gunicorn {args.web_workers} sync workers"
          + (f"; behind HAProxy 2 × {(args.web_workers + 1) // 2}" if args.haproxy else ""))
    print("| server | requests ok | errors | req/s | p50 ms | p95 ms | p99 ms |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, r in results.items():
        print(f"| {name} | {r['ok']} | {r['errors']} | {r['rps']:.1f} | {r['p50']:.0f} | {r['p95']:.0f} | "
              f"{r['p99']:.0f} |")
        if r["error_kinds"]:
            print(f"  errors: {r['error_kinds']}")
    dev = results["development"]
    for name, r in results.items():
        if name != "development":
            print(f"{name} / development: throughput ×{r['rps'] / dev['rps']:.2f}, p95 ×{r['p95'] / dev['p95']:.2f}")


if __name__ == "__main__":
    main()
