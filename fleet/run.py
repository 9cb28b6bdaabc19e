"""The fleet test: the portal as production runs it, on this machine's loopback, with faults.

    python fleet/run.py                 # what `make fleet` runs
    python fleet/run.py --seconds 60    # a shorter load

Two gunicorn app servers behind HAProxy, two ``db_worker`` task workers, one
PostgreSQL database (made afresh each run) and a Redis of its own, an SMTP server
that records every message. Candidates sign in, read pages, book and cancel,
register numbers; an exam administrator imports a results file. Meanwhile one app
server is killed (SIGKILL) and started again, one task worker is killed in the
middle of a task and started again, Redis is restarted (the cache and the rate
limits vanish) and every database connection of the fleet is terminated once.
Afterwards it prints what must be 0 and exits non-zero if any is not
(fleet/README.md says what each figure means).
"""

import argparse
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psycopg
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fleet import load, observe  # noqa: E402

ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
DATABASE = "secondshot_fleet"
PORTS = {"haproxy": 8480, "app1": 8401, "app2": 8402, "smtp": 8425, "redis": 6390}
WORKERS = ("fleet-worker-1", "fleet-worker-2")
SETTINGS = {
    "DEBUG": "False",
    "SECRET_KEY": "fleet-only-secret-key-1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c",
    "VOUCHER_NUMBER_KEY": "fleet-only-voucher-number-key-5a4b3c2d1e0f",
    "ALLOWED_HOSTS": "127.0.0.1",
    "SITE_URL": f"https://127.0.0.1:{PORTS['haproxy']}",
    "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
    "CACHE_URL": f"redis://127.0.0.1:{PORTS['redis']}/0",
    "EMAIL_URL": f"smtp://127.0.0.1:{PORTS['smtp']}",
    "TASKS_BACKEND": "db",
    "TRUSTED_PROXIES": "127.0.0.1",
    "FORWARDED_ALLOW_IPS": "127.0.0.1",
    "GUNICORN_WORKERS": "2",
    # The script reads each app server's /metrics from here (fleet/observe.py).
    "METRICS_ALLOWED_ADDRESSES": "127.0.0.1",
    "DJANGO_SETTINGS_MODULE": "secondshot.settings",
}
# A mail server's answer takes this long (fleet/smtp_sink.py).
SMTP_DELAY = 0.05


def say(text=""):
    print(text, flush=True)


def sql(query: str, params=(), *, database=DATABASE):
    """One statement on a connection of its own: the fleet's are terminated on purpose."""
    url = ADMIN_URL.rsplit("/", 1)[0] + "/" + database
    with psycopg.connect(url, autocommit=True) as connection:
        cursor = connection.execute(query, params)
        return cursor.fetchall() if cursor.description else None


# --- processes -------------------------------------------------------------------------


class Process:
    """One program of the fleet, in a process group of its own (a server and its workers
    die together, as on a machine that fails)."""

    def __init__(self, name: str, command: list[str], logs: Path, env: dict, before=None):
        self.name, self.command, self.env, self.before = name, command, env, before
        self.log_path = logs / f"{name}.log"
        self.popen = None
        self.killed_on_purpose = False
        self.deaths = 0  # exits nobody asked for

    def start(self):
        if self.before:
            self.before()
        log = open(self.log_path, "a")  # noqa: SIM115 - kept by the child
        self.popen = subprocess.Popen(
            self.command,
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self.killed_on_purpose = False
        return self

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def signal(self, number: int) -> None:
        if self.alive():
            with contextlib.suppress(ProcessLookupError):  # it died meanwhile
                os.killpg(self.popen.pid, number)

    def kill(self) -> None:
        """SIGKILL: no goodbye, no clean-up, as a machine that loses power."""
        self.killed_on_purpose = True
        self.signal(signal.SIGKILL)
        self.popen.wait()

    def stop(self, timeout=15) -> None:
        self.killed_on_purpose = True
        if not self.alive():
            return
        self.signal(signal.SIGTERM)
        try:
            self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.signal(signal.SIGKILL)
            self.popen.wait()


class Fleet:
    def __init__(self, logs: Path, python: str):
        self.logs, self.python = logs, python
        self.env = {**os.environ, **SETTINGS, "PYTHONPATH": str(ROOT)}
        self.processes: dict[str, Process] = {}
        self.deaths_of_servers: dict[str, float] = {}  # server → when it was killed
        self.supervising = threading.Event()

    def manage(self, *args) -> list[str]:
        return [self.python, "manage.py", *args]

    def add(self, name, command, env=None, before=None) -> Process:
        process = Process(name, command, self.logs, env or self.env, before)
        self.processes[name] = process
        return process

    def define(self, sink_path: Path, haproxy_cfg: Path):
        self.add(
            "redis",
            [
                "redis-server",
                "--port",
                str(PORTS["redis"]),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
        )
        self.add(
            "smtp",
            [
                self.python,
                "fleet/smtp_sink.py",
                "--port",
                str(PORTS["smtp"]),
                "--record",
                str(sink_path),
                "--delay",
                str(SMTP_DELAY),
            ],
        )
        for server in ("app1", "app2"):
            env = {**self.env, "GUNICORN_BIND": f"127.0.0.1:{PORTS[server]}"}
            gunicorn = [self.python, "-m", "gunicorn", "-c", "gunicorn.conf.py", "secondshot.wsgi"]
            self.add(server, gunicorn, env)
        for worker in WORKERS:
            # As the systemd unit does (deploy/): a worker starting again first puts back
            # in the queue the task it was running when it died.
            requeue = self.manage("requeue_stale_tasks", "--worker-id", worker)
            self.add(
                worker,
                self.manage("db_worker", "--no-reload", "--worker-id", worker, "--interval", "0.2"),
                before=lambda command=requeue: subprocess.run(
                    command, cwd=ROOT, env=self.env, check=True, capture_output=True
                ),
            )
        self.add("haproxy", ["haproxy", "-db", "-f", str(haproxy_cfg)])

    def start_all(self):
        for name in ("redis", "smtp", "app1", "app2", *WORKERS, "haproxy"):
            self.processes[name].start()
        wait_for(lambda: redis_answers(), "Redis")
        for server in ("app1", "app2"):
            wait_for(lambda server=server: healthy(PORTS[server]), server)
        wait_for(lambda: both_servers_up(), "HAProxy with both servers")

    def supervise(self):
        """Start again what died by itself, as systemd's Restart=always would, and count it."""
        while not self.supervising.wait(0.5):
            for process in self.processes.values():
                if process.popen and not process.alive() and not process.killed_on_purpose:
                    process.deaths += 1
                    say(f"  ! {process.name} exited by itself (code {process.popen.returncode})")
                    process.start()

    def kill_server(self, name: str):
        self.deaths_of_servers[name] = time.time()
        self.processes[name].kill()

    def lived(self, server: str | None) -> bool:
        """Return True if the server that signed a client in was never killed."""
        return server not in self.deaths_of_servers

    def stop_all(self):
        self.supervising.set()
        for process in reversed(list(self.processes.values())):
            if process.popen:
                process.stop()


def wait_for(test, what: str, seconds: float = 60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if test():
                return
        except Exception:  # noqa: BLE001, S110 - not up yet
            pass
        time.sleep(0.2)
    raise SystemExit(f"{what} did not come up in {seconds:.0f} s")


def redis_answers() -> bool:
    command = ["redis-cli", "-p", str(PORTS["redis"]), "ping"]
    return subprocess.run(command, capture_output=True, text=True).stdout.strip() == "PONG"


def healthy(port: int) -> bool:
    url = f"http://127.0.0.1:{port}/healthz"
    return requests.get(url, timeout=2, headers={"X-Forwarded-Proto": "https"}).status_code == 200


def both_servers_up() -> bool:
    seen = set()
    for _ in range(6):
        response = requests.get(f"http://127.0.0.1:{PORTS['haproxy']}/healthz", timeout=2)
        if response.status_code == 200:
            seen.add(response.headers.get("X-Served-By"))
    return seen == {"app1", "app2"}


# --- the database ------------------------------------------------------------------------


def fresh_database(fleet: Fleet):
    say(f"Database {DATABASE}: made afresh")
    sql(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)', database="postgres")
    sql(f'CREATE DATABASE "{DATABASE}"', database="postgres")
    for args in (("migrate", "--no-input"), ("collectstatic", "--no-input")):
        result = subprocess.run(
            fleet.manage(*args), cwd=ROOT, env=fleet.env, capture_output=True, text=True
        )
        if result.returncode:
            raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")


def setup_django():
    os.environ.update(SETTINGS)
    import django

    django.setup()


def terminate_connections() -> int:
    """pg_terminate_backend on the fleet's own connections, and no one else's."""
    rows = sql(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE datname = %s AND pid <> pg_backend_pid()",
        [DATABASE],
        database="postgres",
    )
    return sum(1 for (done,) in rows if done)


def queue_left() -> int:
    rows = sql(
        "SELECT count(*) FROM django_tasks_database_dbtaskresult "
        "WHERE status IN ('READY', 'RUNNING')"
    )
    return rows[0][0]


def running_task_of(worker: str) -> bool:
    rows = sql(
        "SELECT count(*) FROM django_tasks_database_dbtaskresult "
        "WHERE status = 'RUNNING' AND worker_ids ->> -1 = %s",
        [worker],
    )
    return rows[0][0] > 0


# --- the run ------------------------------------------------------------------------------


class Timeline:
    """The faults, each at its moment of the load, each said as it happens."""

    def __init__(self, fleet: Fleet, cast: dict, log: load.Log, seconds: int):
        self.fleet, self.cast, self.log, self.seconds = fleet, cast, log, seconds
        self.results: dict = {}
        self.began = time.time()

    def at(self, fraction: float):
        time.sleep(max(0.0, self.began + fraction * self.seconds - time.time()))

    def note(self, text: str):
        say(f"  {time.time() - self.began:5.1f} s  {text}")

    def run(self):
        self.at(0.12)
        self.kill_app_server()
        self.at(0.35)
        self.kill_worker_mid_task()
        self.at(0.55)
        self.restart_redis()
        self.at(0.75)
        self.note(f"pg_terminate_backend: {terminate_connections()} connections of the fleet cut")
        self.at(1.0)

    def kill_app_server(self):
        """Kill app1 under a candidate it signed in; they must stay signed in on app2."""
        survivor = load.Client(f"http://127.0.0.1:{PORTS['haproxy']}", self.log, self.fleet)
        direct = f"http://127.0.0.1:{PORTS['app1']}"
        signed_in = survivor.sign_in(
            self.cast["survivor"],
            self.cast["password"],
            base=direct,
        )
        self.fleet.kill_server("app1")
        self.note("app1 killed (SIGKILL, with its workers)")
        after = None
        for _ in range(5 if signed_in else 0):
            after = survivor.call("GET", "/vouchers/")
            if after is None or after.status_code != 503:
                break
            time.sleep(1)  # "busy, please try again in a few seconds": the person does
        self.results["session survives its server"] = bool(
            after is not None
            and after.status_code == 200
            and after.headers.get("X-Served-By") == "app2"
            and self.cast["survivor"] in after.text
        )
        time.sleep(0.08 * self.seconds)
        self.fleet.processes["app1"].start()
        wait_for(lambda: healthy(PORTS["app1"]), "app1 again")
        self.note("app1 started again")

    def kill_worker_mid_task(self):
        worker = self.fleet.processes[WORKERS[0]]
        deadline = time.time() + 20
        while time.time() < deadline and not (running_task_of(WORKERS[0]) and queue_left() > 1):
            time.sleep(0.005)
        mid_task = running_task_of(WORKERS[0])
        worker.kill()
        self.results["worker killed in the middle of a task"] = mid_task
        self.note(f"{WORKERS[0]} killed (SIGKILL){' in the middle of a task' if mid_task else ''}")
        worker.start()
        self.note(f"{WORKERS[0]} started again")

    def restart_redis(self):
        redis = self.fleet.processes["redis"]
        redis.kill()
        self.note("Redis killed: the cache and the rate limits are gone")
        down = {server: observe.ready(PORTS[server]) for server in ("app1", "app2")}
        self.note(f"/readyz while Redis is down: {down}")
        self.results["/readyz 503 naming the cache while Redis is down"] = all(
            status == 503 and failed == ["cache"] for status, failed in down.values()
        )
        time.sleep(1)
        redis.start()
        wait_for(redis_answers, "Redis again")
        self.note("Redis started again, empty")
        back = all(self.ready_again(server, within=20) for server in ("app1", "app2"))
        self.results["/readyz 200 once Redis is back"] = back
        self.note(f"/readyz once Redis is back: {'200 on both' if back else 'not 200'}")

    @staticmethod
    def ready_again(server: str, *, within: float) -> bool:
        deadline = time.time() + within
        while time.time() < deadline:
            if observe.ready(PORTS[server])[0] == 200:
                return True
            time.sleep(0.2)
        return False


def guessing_limit_is_fleet_wide(cast: dict, fleet: Fleet, log: load.Log) -> dict:
    """Wrong voucher numbers, spread over both servers by the balancer, count together."""
    guesser = load.Client(f"http://127.0.0.1:{PORTS['haproxy']}", log, fleet)
    if not guesser.sign_in(cast["guesser"], cast["password"]):
        return {"guessing limit counted across both servers": False}
    wrong, refused = set(), []
    guesser.call("GET", "/vouchers/register/")
    for number in cast["wrong_numbers"]:
        response = guesser.call(
            "POST", "/vouchers/register/", expect=(200, 429), data={"number": number}
        )
        if response is None:
            continue
        server = response.headers.get("X-Served-By")
        if response.status_code == 200 and not refused:
            wrong.add(server)
        elif response.status_code == 429:
            refused.append(server)
    # The limit is 10 guesses per account; the 11th and later are refused by either server.
    fleet_wide = len(cast["wrong_numbers"]) - len(refused) == 10 and wrong == {"app1", "app2"}
    say(
        f"  guessing: 10 wrong numbers answered by {sorted(wrong)}, then "
        f"{len(refused)} refused by {sorted(set(refused))}"
    )
    return {"guessing limit counted across both servers": fleet_wide and set(refused) == wrong}


def drain(seconds: float = 120) -> int:
    deadline = time.time() + seconds
    while time.time() < deadline and queue_left():
        time.sleep(0.5)
    return queue_left()


def report(figures: dict, info: dict, passes: dict) -> bool:
    width = max(len(k) for k in [*figures, *info, *passes]) + 2
    say("\n=== Fleet figures (each must be 0) ===")
    failed = False
    for name, value in figures.items():
        bad = bool(value) and not name.startswith("  ")
        failed |= bad
        say(f"{name:<{width}}{value:>8}{'   FAIL' if bad else ''}")
    say("\n=== Checks that must pass ===")
    for name, ok in passes.items():
        failed |= not ok
        say(f"{name:<{width}}{'yes' if ok else 'NO   FAIL':>8}")
    say("\n=== What happened ===")
    for name, value in info.items():
        say(f"{name:<{width}}{value!s:>8}" if not isinstance(value, list) else f"{name}: {value}")
    return not failed


def interrupt(number, frame):
    raise KeyboardInterrupt


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=100, help="how long the load runs")
    parser.add_argument("--keep-logs", action="store_true", help="keep the logs when it passes")
    args = parser.parse_args()
    began = time.time()
    logs = Path(tempfile.mkdtemp(prefix="secondshot-fleet-"))
    sink_path = logs / "mail.jsonl"
    sink_path.touch()
    cfg = logs / "haproxy.cfg"
    servers = "\n".join(f"    server {s} 127.0.0.1:{PORTS[s]}" for s in ("app1", "app2"))
    cfg.write_text(
        (ROOT / "fleet" / "haproxy.cfg")
        .read_text()
        .format(
            port=PORTS["haproxy"],
            busy_page=ROOT / "deploy" / "haproxy" / "busy.http",
            servers=servers,
        )
    )
    fleet = Fleet(logs, sys.executable)
    # SIGTERM or SIGHUP (a timeout, a closed terminal) ends the run through the same
    # clean-up as Ctrl-C: every process the fleet started is stopped.
    for number in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, interrupt)
    ok = False
    try:
        fresh_database(fleet)
        setup_django()
        from django.db import connections

        from fleet import world

        say("Building the fleet's data with the portal's workflows …")
        cast = world.build()
        connections.close_all()
        fleet.define(sink_path, cfg)
        fleet.start_all()
        say(
            f"Fleet up: HAProxy :{PORTS['haproxy']}, app1 :{PORTS['app1']}, "
            f"app2 :{PORTS['app2']}, 2 task workers, Redis :{PORTS['redis']}, "
            f"SMTP :{PORTS['smtp']} (logs in {logs})"
        )
        threading.Thread(target=fleet.supervise, daemon=True).start()

        log = load.Log()
        passes = guessing_limit_is_fleet_wide(cast, fleet, log)
        ok = run_load(fleet, cast, log, args.seconds, passes)
    except KeyboardInterrupt:
        say("Interrupted: stopping the fleet.")
    finally:
        fleet.stop_all()
        say(f"Fleet stopped after {time.time() - began:.0f} s in all.")
        if ok and not args.keep_logs:
            shutil.rmtree(logs, ignore_errors=True)
        else:
            say(f"Logs: {logs}")
    sys.exit(0 if ok else 1)


def run_load(fleet: Fleet, cast: dict, log: load.Log, seconds: int, passes: dict) -> bool:
    base = f"http://127.0.0.1:{PORTS['haproxy']}"
    stop = threading.Event()
    clients = [
        load.Candidate(
            base, log, fleet, person=p, password=cast["password"], sittings=cast["sittings"]
        )
        for p in cast["candidates"]
    ]
    clients.append(
        load.Examiner(
            base,
            log,
            fleet,
            email=cast["examiner"],
            password=cast["password"],
            results_csv=cast["results"]["csv"],
        )
    )
    threads = [threading.Thread(target=c.run, args=(stop,), daemon=True) for c in clients]
    say(f"Load: {len(clients) - 1} candidates and an exam administrator for {seconds} s")
    for thread in threads:
        thread.start()
    timeline = Timeline(fleet, cast, log, seconds)
    timeline.run()
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    say("Load stopped; waiting for the task queue to drain …")
    left = drain()

    from django.db import connections

    from fleet import checks

    connections.close_all()
    figures = checks.promises_broken(log) | checks.seats_and_doubles() | checks.audit_missing()
    notice_figures, notice_info = checks.notices(fleet.logs / "mail.jsonl")
    answers = log.answers
    lost = log.sessions_lost
    figures |= notice_figures | {
        "tasks left in the queue": left,
        "server errors (500)": sum(n for k, n in answers.items() if k.startswith("unexpected 5")),
        "other unexpected answers": answers["no answer"]
        + sum(
            n for k, n in answers.items() if k.startswith("unexpected ") and "unexpected 5" not in k
        ),
        "sessions lost while their server lived": sum(1 for *_, lived in lost if lived),
        "sessions lost when their server died": sum(1 for *_, lived in lost if not lived),
        "results files not imported": 0 if log.imports else 1,
    }
    passes |= timeline.results
    try:
        observed = observe.figures({server: PORTS[server] for server in ("app1", "app2")})
        passes["/metrics answered by both app servers"] = True
    except requests.RequestException as error:
        observed = {"/metrics did not answer": str(error)}
        passes["/metrics answered by both app servers"] = False
    passes["/metrics hidden from an outside client through the balancer"] = (
        observe.hidden_from_outside(PORTS["haproxy"])
    )
    info = {
        "requests answered": sum(answers.values()),
        **{f"  {k}": n for k, n in sorted(answers.items())},
        **{f"  answered by {k}": n for k, n in sorted(log.by_server.items())},
        "bookings told made": len(log.booked),
        "cancellations told done": len(log.cancelled),
        "registrations told done": len(log.registered),
        "  their confirmations received": checks.registration_emails(fleet.logs / "mail.jsonl"),
        "results files imported": log.imports,
        **notice_info,
        **{f"{p.name} exited by itself": p.deaths for p in fleet.processes.values() if p.deaths},
        "unexpected answers": log.unexpected[:10],
    }
    with open(fleet.logs / "answers.txt", "w") as answers_log:
        answers_log.writelines(
            f"{at:7.2f}  {kind:28} {what}  {server or ''}\n"
            for at, kind, what, server in log.events
        )
    ok = report(figures, info, passes)
    say("\n=== What /metrics says (fleet/observe.py) ===")
    width = max(len(k) for k in observed) + 2
    for name, value in observed.items():
        say(f"{name:<{width}}{value!s:>8}")
    return ok


if __name__ == "__main__":
    main()
