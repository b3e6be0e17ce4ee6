"""The pieces the load runs against: the load database (copied or seeded once, then migrated), the
web server and task worker with the production settings, and a watch on PostgreSQL's connections
and the machine's load while the load runs."""

import os
import secrets
import shutil
import subprocess
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parents[2]
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
SOURCE_DATABASE = "payback_bench"  # the national demo `make bench` seeds: only ever read here


def database_url(server: str, name: str) -> str:
    return f"{server.rstrip('/')}/{name}"


def _exists(server: str, name: str) -> bool:
    import psycopg

    with psycopg.connect(database_url(server, "postgres"), autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def _create(server: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(database_url(server, "postgres"), autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def manage(env: dict[str, str], *args: str, tree: Path = ROOT) -> None:
    subprocess.run([str(PYTHON), "manage.py", *args], cwd=tree, env=env, check=True)


def export(commit: str) -> Path:
    """The code of one commit on its own (var/load-tree), with its own collected static files, so that
    the server measured is that commit's whatever is being changed in the working tree meanwhile."""
    tree = ROOT / "var" / "load-tree"
    shutil.rmtree(tree, ignore_errors=True)
    tree.mkdir(parents=True)
    archive = subprocess.Popen(["git", "archive", commit], cwd=ROOT, stdout=subprocess.PIPE)
    subprocess.run(["tar", "-x", "-C", str(tree)], stdin=archive.stdout, check=True)
    if archive.wait() != 0:
        raise SystemExit(f"git archive {commit} failed")
    (tree / "node_modules").symlink_to(ROOT / "node_modules")
    return tree


def ensure_database(server: str, name: str) -> None:
    """The load database: left as it is when it exists (the load's own writes stay in it); otherwise a
    copy of `payback_bench` (read with pg_dump, never changed) or, without one, seeded at national size."""
    if _exists(server, name):
        print(f"Using the load database {name}.", flush=True)
        return
    _create(server, name)
    target = database_url(server, name)
    if _exists(server, SOURCE_DATABASE):
        print(f"Copying {SOURCE_DATABASE} into {name} (pg_dump, a few minutes)…", flush=True)
        dump = subprocess.Popen(
            ["pg_dump", "--no-owner", database_url(server, SOURCE_DATABASE)], stdout=subprocess.PIPE
        )
        subprocess.run(
            ["psql", "-q", "-X", "-v", "ON_ERROR_STOP=1", "-o", os.devnull, target], stdin=dump.stdout, check=True
        )
        if dump.wait() != 0:
            raise SystemExit(f"pg_dump of {SOURCE_DATABASE} failed")
        subprocess.run(["psql", "-q", "-X", "-c", "VACUUM (ANALYZE)", target], check=True)  # a copy has no statistics
        return
    print(f"Seeding the national demo into {name} (about 4 minutes on 2 cores)…", flush=True)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "payback.config.settings.test", "DATABASE_URL": target}
    manage(env, "migrate", "--no-input", "-v", "0")
    manage(env, "seed_demo", "--size", "national")
    subprocess.run(["psql", "-q", "-X", "-c", "VACUUM (ANALYZE)", target], check=True)


def production_env(server: str, name: str, port: int, metrics: Path) -> dict[str, str]:
    """The production settings, as `make serve-production` runs them, behind one trusted proxy."""
    metrics.mkdir(parents=True, exist_ok=True)  # the processes' shared figures
    workers = os.environ.get("WEB_CONCURRENCY") or str(2 * len(os.sched_getaffinity(0)) + 1)  # gunicorn.py's default
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "payback.config.settings.production",
        "DATABASE_URL": database_url(server, name),
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "OPS_ALLOWED_NETWORKS": "127.0.0.1/32",
        "TRUSTED_PROXY_COUNT": "1",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": workers,
        "PROMETHEUS_MULTIPROC_DIR": str(metrics),
    }


@dataclass
class Server:
    """gunicorn and the task worker, started here and stopped by their process ids."""

    env: dict[str, str]
    logs: Path
    tree: Path = ROOT
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    files: list[IO[Any]] = field(default_factory=list)

    def start(self) -> None:
        worker_env = {k: v for k, v in self.env.items() if k != "PROMETHEUS_MULTIPROC_DIR"}
        self._spawn("worker", [str(PYTHON), "manage.py", "run_worker"], worker_env)
        self._spawn("gunicorn", [str(GUNICORN), "--config", "python:payback.config.gunicorn", "payback.config.wsgi"])

    def _spawn(self, name: str, command: list[str], env: dict[str, str] | None = None) -> None:
        log = (self.logs / f"{name}.log").open("wb")
        self.files.append(log)
        process = subprocess.Popen(command, cwd=self.tree, env=env or self.env, stdout=log, stderr=subprocess.STDOUT)
        self.processes.append(process)

    def wait_ready(self, url: str, seconds: int = 120) -> None:
        """Until /health/ready answers 200: the database, migrations, the cache and the worker's beat."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if any(p.poll() is not None for p in self.processes):
                raise SystemExit(f"The server or the worker stopped: see {self.logs}")
            try:
                with urllib.request.urlopen(f"{url}/health/ready", timeout=5) as answer:  # noqa: S310 - our own server
                    if answer.status == 200:
                        return
            except OSError:
                pass
            time.sleep(1)
        raise SystemExit(f"The server was not ready after {seconds} s: see {self.logs}")

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                process.kill()
        for log in self.files:
            log.close()


def cpu_seconds(pid: int) -> float:
    """CPU time used by a process and its children, the live ones and those it has waited for
    (gunicorn's master replaces its workers: their time is counted in its own when they end)."""
    tick = os.sysconf("SC_CLK_TCK")

    def own(p: int, waited: bool) -> float:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        times = fields[11:15] if waited else fields[11:13]  # utime, stime (, cutime, cstime)
        return sum(int(t) for t in times) / tick

    children = [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    return own(pid, True) + sum(own(c, False) for c in children)


def machine_busy() -> tuple[int, int]:
    """The machine's busy and total CPU ticks so far (/proc/stat)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle, iowait
    return sum(values) - idle, sum(values)


@dataclass
class Watch:
    """Every second: the connections to the load database and to the whole server (this watch's own
    left out), and the machine's 1-minute load average, each under the phase running."""

    server: str
    database: str
    web_pid: int = 0
    phase: str = "setup"
    samples: list[dict[str, Any]] = field(default_factory=list)
    max_connections: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="payback-load-watch", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        import psycopg

        query = (
            "SELECT count(*) FILTER (WHERE datname = %s), count(*) FROM pg_stat_activity "
            "WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()"
        )
        with psycopg.connect(database_url(self.server, "postgres"), autocommit=True) as conn:
            row = conn.execute("SHOW max_connections").fetchone()
            self.max_connections = int(row[0]) if row else 0
            while not self._stop.wait(1.0):
                counts = conn.execute(query, [self.database]).fetchone() or (0, 0)
                busy, total = machine_busy()
                self.samples.append(
                    {
                        "phase": self.phase,
                        "at": time.monotonic(),
                        "database": counts[0],
                        "server": counts[1],
                        "load1": os.getloadavg()[0],
                        "web_cpu": cpu_seconds(self.web_pid) if self.web_pid else 0.0,
                        "busy": busy,
                        "ticks": total,
                    }
                )

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def summary(self, phase: str) -> dict[str, Any]:
        samples = [s for s in self.samples if s["phase"] == phase]
        if len(samples) < 2:  # a run shorter than the watch's second
            zero = {"database": 0, "server": 0, "load1": 0.0, "web_cpu": 0.0, "busy": 0, "ticks": 1, "at": 0.0}
            samples = [zero, {**zero, "ticks": 2, "at": 1.0}]
        loads = [s["load1"] for s in samples]
        first, last = samples[0], samples[-1]
        return {
            "web_server_cpus": round((last["web_cpu"] - first["web_cpu"]) / (last["at"] - first["at"]), 2),
            "machine_busy_percent": round(100 * (last["busy"] - first["busy"]) / (last["ticks"] - first["ticks"])),
            "peak_database_connections": max(s["database"] for s in samples),
            "peak_server_connections": max(s["server"] for s in samples),
            "max_connections": self.max_connections,
            "load_average_mean": round(sum(loads) / len(loads), 2),
            "load_average_max": round(max(loads), 2),
        }
