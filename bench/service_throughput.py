"""End-to-end throughput and latency of the grading service, against what a course would use instead.

For each backend, one run on this machine (servers and load generator share its cores):

- a fresh deployment: ``redis`` is a new PostgreSQL database and a Redis db index, ``embedded`` a
  temporary instance folder with SQLite and the ``sqla+sqlite`` broker; migrated, the bank synced,
  20 students with tokens;
- the real processes: ``grader serve --workers 2`` (gunicorn) and one ``grader worker
  --concurrency 2`` (two pool processes, one zygote each), started with ``GRADER_*`` variables
  and waited for (``/healthz`` answers 200; the worker wrote ``sandbox-status.json`` or, where
  that report moved to the database, both pool processes have their zygote; six warm-up
  submissions graded); stopped at the end, on Ctrl-C, SIGTERM and errors (SIGTERM to each
  leader, then SIGKILL to what is left of its process group);
- sustained throughput: ``--count`` submissions of linalg.sum_axis (2/3 correct, 1/3 ignoring
  keepdim) POSTed by 8 client threads as fast as the API accepts them; graded per second =
  count / (first POST sent -> last ``graded_at``), read from the database; POST latency p50/p99;
- latency at half that load: open loop, a scheduler issuing POSTs at fixed intervals through a
  thread pool for ``--seconds``; per submission, ``graded_at`` minus the client's send time;
- the CPU each part used during the throughput phase, from /proc: the API (gunicorn), the
  worker's Celery processes, the sandbox (zygotes and their children), PostgreSQL and Redis
  (whole servers), this client, and whatever else ran on the machine ("other").

Measured once per run, with no service running: the engine's own cost (``grade()`` in-process
with a started ``Sandbox``, the grading work inside every submission) and two baselines on the
same correct submission, converted to submissions/s as cores / median (an upper bound for
them, so the ratios are conservative): a fresh interpreter per submission (``python -c``
importing torch and grading in-process, no sandbox), and otter-grader's ``otter run`` on the
smallest assignment (one question, three tests), installed once into a venv in /tmp kept across
runs (otter-grader, ipykernel for the kernel it executes in, torch for the tests), reported as
"not run" with the reason when it cannot be installed (10-minute cap) or run.

Run: ``python bench/service_throughput.py [--backend redis|embedded|both] [--count N] [--seconds S]
[--no-baselines]``.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import math
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType

from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests' shared deployments
from grader.accounts import service as accounts
from grader.accounts.models import Role
from grader.bank import catalog
from grader.bank.loader import get_exercise
from grader.db import engine_for, unit_of_work
from grader.grading.engine import grade
from grader.grading.source_loader import load_text
from grader.submissions.models import Status, Submission
from tests import deployments
from worker.sandbox.client import Sandbox

SLUG = "linalg.sum_axis"
CORRECT = "def sum_axis(x, axis, keepdim=False):\n    return x.sum(dim=axis, keepdim=keepdim)\n"
WRONG = "def sum_axis(x, axis, keepdim=False):\n    return x.sum(dim=axis)\n"
STUDENTS = 20
CLIENT_THREADS = 8
OPEN_LOOP_THREADS = 16
WARMUP_SUBMISSIONS = 6
API_WORKERS = 2
WORKER_CONCURRENCY = 2
CORES = os.cpu_count() or 1
BIN = Path(sys.executable).parent
OTTER_VENV = Path("/tmp/otter-venv")
OTTER_INSTALL_SECONDS = 600
BACKEND_LABELS = {"redis": "redis (PostgreSQL)", "embedded": "embedded (SQLite)"}

FRESH = """
import sys
import torch
torch.set_num_threads(1)
from grader.bank.loader import get_exercise
from grader.grading.engine import grade
from grader.grading.source_loader import load_text
from worker.sandbox.contract import CaseOutcome, LoadOutcome, RunResult

class InProcess:
    def run(self, cells, function, cases, **_):
        namespace = {}
        for cell in cells:
            exec(cell.source, namespace)
        call = namespace[function]
        return RunResult(LoadOutcome(True), [CaseOutcome("returned", call(*a), list(a)) for a in cases])

report = grade(get_exercise(sys.argv[1]), load_text(sys.argv[2]), InProcess(), seed=7)
assert report.score == report.max_score, report
"""

# One question, three doctests of sum_axis (the third hidden): (expression, expected, hidden).
OTTER_CASES = [
    ("torch.equal(sum_axis(torch.arange(6.).reshape(2, 3), 0), torch.tensor([3., 5., 7.]))", "True", False),
    ("sum_axis(torch.ones(2, 3), 1, keepdim=True).shape", "torch.Size([2, 1])", False),
    (
        "torch.equal(sum_axis(torch.ones(4, 5, dtype=torch.float64), -1), "
        "torch.full((4,), 5., dtype=torch.float64))",
        "True",
        True,
    ),
]


# ---------------------------------------------------------------------------------- statistics


def percentile(samples: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def epoch(moment: datetime) -> float:
    """A database timestamp as seconds since the epoch (SQLite gives back naive UTC)."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


# ---------------------------------------------------------------------------------- deployment


@dataclass
class Deployment:
    """A fresh database, broker and instance folder for one backend."""

    backend: str
    instance_dir: Path
    database_url: str
    broker_url: str
    tokens: list[str] = field(default_factory=list)

    def environment(self) -> dict[str, str]:
        """The environment of the service's processes."""
        return {
            **os.environ,
            "GRADER_DATABASE_URL": self.database_url,
            "GRADER_BROKER_URL": self.broker_url,
            "GRADER_INSTANCE_DIR": str(self.instance_dir),
            "GRADER_SECRET_KEY": "bench-secret-" + uuid.uuid4().hex,
            "GRADER_SUBMISSIONS_PER_MINUTE": "1000000",
        }


def _make_students(database_url: str) -> list[str]:
    """Sync the bank (as a deployment does) and create the students; returns their tokens."""
    with unit_of_work(database_url) as session:
        catalog.sync_bank(session)
        tokens = []
        for number in range(STUDENTS):
            name = f"student{number:02d}"
            accounts.create_user(session, name, Role.student)
            tokens.append(accounts.create_token(session, name, "bench"))
    return tokens


@contextlib.contextmanager
def deployment(backend: str) -> Iterator[Deployment]:
    """A migrated deployment with students (the test suite's deployments: a fresh PostgreSQL
    database and a leased Redis database, or SQLite files); removed at the end."""
    instance = Path(tempfile.mkdtemp(prefix=f"tg-bench-{backend}-"))
    try:
        with deployments.deployment("postgres+redis" if backend == "redis" else "embedded", instance) as made:
            current = Deployment(backend, instance, made.database_url, made.broker_url)
            current.tokens = _make_students(current.database_url)
            try:
                yield current
            finally:
                engine_for(current.database_url).dispose()
    finally:
        shutil.rmtree(instance, ignore_errors=True)


# ---------------------------------------------------------------------------------- CPU accounting


def _proc_stat(pid: int) -> tuple[int, str, int] | None:
    """(ppid, command name, utime+stime+cutime+cstime in ticks) of a live process."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    name = raw[raw.index("(") + 1 : raw.rindex(")")]
    fields = raw[raw.rindex(")") + 2 :].split()
    return int(fields[1]), name, sum(int(v) for v in fields[11:15])


def _processes() -> dict[int, tuple[int, str, int]]:
    table = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (stat := _proc_stat(int(entry))) is not None:
            table[int(entry)] = stat
    return table


def _descendants(table: dict[int, tuple[int, str, int]], root: int) -> set[int]:
    found, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, (ppid, _, _) in table.items() if ppid == parent and pid not in found]
        found.update(children)
        frontier.extend(children)
    return found & set(table)


def _machine_ticks() -> tuple[int, int]:
    """(busy, total) CPU ticks of the whole machine since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values[:8]) - idle, sum(values[:8])


def _zygotes(table: dict[int, tuple[int, str, int]], worker: int) -> set[int]:
    """The sandbox zygotes the worker's pool processes have started."""
    found = set()
    for pid in _descendants(table, worker):
        with contextlib.suppress(OSError):
            if b"worker.sandbox.zygote" in Path(f"/proc/{pid}/cmdline").read_bytes():
                found.add(pid)
    return found


def cpu_snapshot(service: Service) -> dict[str, float]:
    """CPU seconds used so far by each part: the API, the worker's Celery processes, the sandbox
    (zygotes and the children they forked), PostgreSQL, Redis, this client, and the machine."""
    table = _processes()
    tick = os.sysconf("SC_CLK_TCK")
    sandbox: set[int] = set()
    for zygote in _zygotes(table, service.worker.pid):
        sandbox |= _descendants(table, zygote)
    groups = {
        "api": _descendants(table, service.api.pid),
        "worker": _descendants(table, service.worker.pid) - sandbox,
        "sandbox": sandbox,
        "postgres": {pid for pid, (_, name, _) in table.items() if name.startswith("postgres")},
        "redis": {pid for pid, (_, name, _) in table.items() if name.startswith("redis-server")},
        "client": {os.getpid()},
    }
    used = {part: sum(table[pid][2] for pid in pids) / tick for part, pids in groups.items()}
    busy, total = _machine_ticks()
    used["machine"], used["available"] = busy / tick, total / tick
    return used


def cpu_delta(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    """CPU seconds each part used between two snapshots."""
    return {part: after[part] - before[part] for part in before}


# ---------------------------------------------------------------------------------- processes


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _start(argv: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """A process in its own process group (so it is stopped whole), its output to ``log``."""
    with log.open("wb") as out:
        return subprocess.Popen(
            argv,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the leader (gunicorn's master, Celery's main process: each stops its own
    children), wait up to 20 s, then SIGKILL whatever is left of its process group."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=20)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


@dataclass
class Service:
    """The running API and worker of a deployment."""

    url: str
    api: subprocess.Popen[bytes]
    worker: subprocess.Popen[bytes]


def _log_tail(path: Path, lines: int = 15) -> str:
    with contextlib.suppress(OSError):
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    return ""


def _sandbox_reported(service: Service, deployment: Deployment, started: float) -> bool:
    """The worker wrote ``sandbox-status.json`` since ``started`` or, where the report lives in
    the database instead, every pool process has its zygote."""
    status = deployment.instance_dir / "sandbox-status.json"
    if status.exists() and status.stat().st_mtime >= started - 1:
        return True
    return len(_zygotes(_processes(), service.worker.pid)) >= WORKER_CONCURRENCY


def _healthz(url: str) -> str:
    """``/healthz``'s status code and body, or why it did not answer."""
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=5) as response:
            return f"{response.status} {response.read().decode().strip()[:300]}"
    except urllib.error.HTTPError as exc:
        return f"{exc.code} {exc.read().decode(errors='replace').strip()[:300]}"
    except OSError as exc:
        return f"no answer: {type(exc).__name__}"


def _wait_ready(service: Service, deployment: Deployment, started: float, timeout: float = 120) -> None:
    """Until /healthz answers 200 and the worker has reported its sandbox."""
    deadline = time.time() + timeout
    health = ""
    while True:
        for name, process in (("api", service.api), ("worker", service.worker)):
            if process.poll() is not None:
                log = deployment.instance_dir / f"{name}.log"
                raise RuntimeError(f"the {name} exited ({process.returncode}):\n{_log_tail(log)}")
        if not health.startswith("200"):
            health = _healthz(service.url)
        if health.startswith("200") and _sandbox_reported(service, deployment, started):
            return
        if time.time() > deadline:
            raise RuntimeError(
                f"the service was not ready in {timeout:.0f} s: healthz {health}; "
                f"zygotes {len(_zygotes(_processes(), service.worker.pid))}\napi log:\n"
                f"{_log_tail(deployment.instance_dir / 'api.log')}\nworker log:\n"
                f"{_log_tail(deployment.instance_dir / 'worker.log')}"
            )
        time.sleep(0.2)


@contextlib.contextmanager
def running_service(deployment: Deployment) -> Iterator[Service]:
    """``grader serve --workers 2`` and ``grader worker --concurrency 2``, ready; stopped at the end."""
    env = deployment.environment()
    grader = str(BIN / "grader")
    port = _free_port()
    started = time.time()
    processes: list[subprocess.Popen[bytes]] = []
    try:
        processes.append(
            _start(
                [grader, "worker", "--concurrency", str(WORKER_CONCURRENCY)],
                env,
                deployment.instance_dir / "worker.log",
            )
        )
        processes.append(
            _start(
                [grader, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(API_WORKERS)],
                env,
                deployment.instance_dir / "api.log",
            )
        )
        service = Service(f"http://127.0.0.1:{port}", api=processes[1], worker=processes[0])
        _wait_ready(service, deployment, started)
        yield service
    finally:
        for process in processes:
            _stop(process)


# ---------------------------------------------------------------------------------- load


@dataclass(frozen=True)
class Sent:
    """One accepted POST: the submission's id, what was sent, when (epoch) and how long it took."""

    submission_id: int
    correct: bool
    sent_at: float
    post_seconds: float


@dataclass(frozen=True)
class Graded:
    """A submission's outcome, read from the database."""

    status: Status
    score: float | None
    max_score: float
    started_at: float | None
    graded_at: float | None

    def in_worker(self) -> float:
        """Seconds from the worker's claim to the recorded grade."""
        return (self.graded_at or 0.0) - (self.started_at or 0.0)


class Client:
    """POSTs submissions over one keep-alive ``http.client`` connection per thread.

    The standard library's client, not ``requests``: the load generator shares the machine's
    two cores with the service, and ``requests`` cost about 6 ms of CPU a POST (measured by
    this script's CPU table), CPU the service then lacked."""

    def __init__(self, url: str, tokens: list[str]) -> None:
        self.url = url
        self.tokens = tokens
        self._local = threading.local()
        parts = urllib.parse.urlsplit(url)
        self._host, self._port = parts.hostname or "127.0.0.1", parts.port or 80

    def _connection(self) -> http.client.HTTPConnection:
        connection: http.client.HTTPConnection | None = getattr(self._local, "connection", None)
        if connection is None:
            connection = http.client.HTTPConnection(self._host, self._port, timeout=60)
            self._local.connection = connection
        return connection

    def _post(self, body: bytes, token: str) -> tuple[int, bytes]:
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        for attempt in (1, 2):  # the server may close an idle keep-alive connection: reconnect once
            connection = self._connection()
            try:
                connection.request("POST", "/api/v1/submissions", body, headers)
                response = connection.getresponse()
                return response.status, response.read()
            except (http.client.HTTPException, ConnectionError):
                connection.close()
                self._local.connection = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def submit(self, index: int) -> Sent:
        """Submission ``index``: student index % 20; every third one is wrong."""
        correct = index % 3 != 2
        body = json.dumps({"exercise": SLUG, "code": CORRECT if correct else WRONG}).encode()
        sent_at, started = time.time(), time.perf_counter()
        status, reply = self._post(body, self.tokens[index % len(self.tokens)])
        elapsed = time.perf_counter() - started
        if status != 202:
            raise RuntimeError(f"POST answered {status}: {reply[:300]!r}")
        return Sent(int(json.loads(reply)["id"]), correct, sent_at, elapsed)


@contextlib.contextmanager
def _senders(threads: int) -> Iterator[ThreadPoolExecutor]:
    """A thread pool whose pending POSTs are dropped if the run is interrupted."""
    pool = ThreadPoolExecutor(threads)
    try:
        yield pool
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()


def burst(client: Client, count: int, threads: int = CLIENT_THREADS) -> list[Sent]:
    """``count`` submissions from ``threads`` threads, each sending as soon as the last answered."""
    with _senders(threads) as pool:
        return list(pool.map(client.submit, range(count)))


def open_loop(client: Client, rate: float, seconds: float) -> tuple[list[Sent], float]:
    """Submissions at a fixed rate, whatever the response times: this thread schedules, a pool
    sends. Returns them and the p99 of how late they were sent after their scheduled time."""
    count = max(1, round(rate * seconds))
    with _senders(OPEN_LOOP_THREADS) as pool:
        start, start_epoch = time.perf_counter(), time.time()
        futures = []
        for index in range(count):
            delay = start + index / rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            futures.append(pool.submit(client.submit, index))
        sent = [future.result() for future in futures]
    lag = percentile([s.sent_at - (start_epoch + i / rate) for i, s in enumerate(sent)], 99)
    return sent, lag


def wait_graded(database_url: str, ids: list[int], timeout: float) -> dict[int, Graded]:
    """Poll the database until every submission is graded or errored; their outcomes."""
    done_states = [Status.graded, Status.error]
    deadline = time.time() + timeout
    while True:
        with unit_of_work(database_url) as session:
            done = session.scalar(
                select(func.count())
                .select_from(Submission)
                .where(Submission.id.in_(ids), Submission.status.in_(done_states))
            )
        if done == len(ids):
            break
        if time.time() > deadline:
            raise RuntimeError(f"{len(ids) - (done or 0)} of {len(ids)} not graded after {timeout:.0f} s")
        time.sleep(0.1)
    with unit_of_work(database_url) as session:
        rows = session.execute(
            select(
                Submission.id,
                Submission.status,
                Submission.score,
                Submission.max_score,
                Submission.started_at,
                Submission.graded_at,
            ).where(Submission.id.in_(ids))
        ).all()
    return {
        row.id: Graded(
            row.status,
            row.score,
            row.max_score,
            epoch(row.started_at) if row.started_at else None,
            epoch(row.graded_at) if row.graded_at else None,
        )
        for row in rows
    }


def wrongly_graded(sent: list[Sent], graded: dict[int, Graded]) -> int:
    """How many were errors, or scored against expectation (correct: full marks; wrong: less)."""
    bad = 0
    for item in sent:
        outcome = graded[item.submission_id]
        full = outcome.score is not None and outcome.score == outcome.max_score
        if outcome.status != Status.graded or full != item.correct:
            bad += 1
    return bad


# ---------------------------------------------------------------------------------- one backend


@dataclass(frozen=True)
class Burst:
    """The throughput phase: graded/s, how fast the API took the POSTs, where the time went."""

    count: int
    throughput: float
    accepted: float
    post_p50: float
    post_p99: float
    in_worker_p50: float
    pool_busy: float
    seconds: float
    cpu: dict[str, float]
    misgraded: int


@dataclass(frozen=True)
class HalfLoad:
    """The open-loop phase at half the throughput: submit-to-graded latency and its parts."""

    rate: float
    count: int
    send_lag_p99: float
    latency_p50: float
    latency_p99: float
    queued_p50: float
    in_worker_p50: float
    misgraded: int


@dataclass(frozen=True)
class BackendResult:
    """Everything measured on one backend."""

    backend: str
    burst: Burst
    half: HalfLoad


def throughput_phase(client: Client, service: Service, database_url: str, count: int) -> Burst:
    """``count`` submissions as fast as the API takes them, until the last is graded."""
    before = cpu_snapshot(service)
    sent = burst(client, count)
    graded = wait_graded(database_url, [s.submission_id for s in sent], timeout=120 + count / 5)
    cpu = cpu_delta(before, cpu_snapshot(service))
    first = min(s.sent_at for s in sent)
    last = max(g.graded_at or first for g in graded.values())
    span = last - min(g.started_at or last for g in graded.values())
    posts = [s.post_seconds for s in sent]
    return Burst(
        count=count,
        throughput=count / (last - first),
        accepted=count / (max(s.sent_at + s.post_seconds for s in sent) - first),
        post_p50=percentile(posts, 50),
        post_p99=percentile(posts, 99),
        in_worker_p50=percentile([g.in_worker() for g in graded.values()], 50),
        pool_busy=sum(g.in_worker() for g in graded.values()) / (WORKER_CONCURRENCY * span),
        seconds=last - first,
        cpu=cpu,
        misgraded=wrongly_graded(sent, graded),
    )


def half_load_phase(client: Client, database_url: str, rate: float, seconds: float) -> HalfLoad:
    """Open-loop submissions at ``rate`` for ``seconds``; latency from the client's send time."""
    sent, lag = open_loop(client, rate, seconds)
    graded = wait_graded(database_url, [s.submission_id for s in sent], timeout=120 + len(sent) / 5)
    outcomes = [(s, graded[s.submission_id]) for s in sent]
    return HalfLoad(
        rate=rate,
        count=len(sent),
        send_lag_p99=lag,
        latency_p50=percentile([(g.graded_at or s.sent_at) - s.sent_at for s, g in outcomes], 50),
        latency_p99=percentile([(g.graded_at or s.sent_at) - s.sent_at for s, g in outcomes], 99),
        queued_p50=percentile([(g.started_at or s.sent_at) - s.sent_at for s, g in outcomes], 50),
        in_worker_p50=percentile([g.in_worker() for _, g in outcomes], 50),
        misgraded=wrongly_graded(sent, graded),
    )


def measure_backend(backend: str, count: int, seconds: float) -> BackendResult:
    """Deploy, start, warm up, run the throughput and half-load phases, tear down."""
    with deployment(backend) as current, running_service(current) as service:
        client = Client(service.url, current.tokens)
        warm = burst(client, WARMUP_SUBMISSIONS, threads=2)
        wait_graded(current.database_url, [s.submission_id for s in warm], timeout=120)
        full = throughput_phase(client, service, current.database_url, count)
        half = half_load_phase(client, current.database_url, full.throughput / 2, seconds)
        return BackendResult(backend, full, half)


# ---------------------------------------------------------------------------------- engine and baselines


def engine_cost(runs: int = 50) -> float:
    """Median seconds of ``grade()`` on the correct submission in this process, with a warm sandbox."""
    exercise, source = get_exercise(SLUG), load_text(CORRECT)
    samples = []
    with Sandbox() as sandbox:
        for seed in range(5):  # warm-up
            grade(exercise, source, sandbox, seed=seed)
        for seed in range(runs):
            started = time.perf_counter()
            report = grade(exercise, source, sandbox, seed=1000 + seed)
            samples.append(time.perf_counter() - started)
            if report.score != report.max_score:
                raise RuntimeError(f"the engine did not give the correct submission full marks: {report}")
    return statistics.median(samples)


@dataclass(frozen=True)
class Baseline:
    """A baseline's median seconds per submission, or why it was not run."""

    name: str
    short: str
    median: float | None = None
    runs: int = 0
    reason: str = ""

    @property
    def rate(self) -> float | None:
        """Submissions per second on this machine's cores: CORES / median."""
        return CORES / self.median if self.median else None


def _timed_runs(action: Callable[[], object], runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return samples


def fresh_interpreter(runs: int = 5) -> Baseline:
    """``python -c``: import torch and the grader, grade the correct submission in-process."""
    argv = [sys.executable, "-c", FRESH, SLUG, CORRECT]
    samples = _timed_runs(lambda: subprocess.run(argv, check=True, capture_output=True), runs)
    return Baseline("fresh interpreter per submission", "fresh interpreter", statistics.median(samples), runs)


def _otter_venv() -> Path:
    """The cached venv with otter-grader (and torch, ipykernel for its kernel); made if missing."""
    ready = OTTER_VENV / ".bench-ready"
    if ready.exists():
        return OTTER_VENV
    python = shutil.which("python3") or "python3"
    deadline = time.monotonic() + OTTER_INSTALL_SECONDS
    if not (OTTER_VENV / "bin" / "pip").exists():
        subprocess.run([python, "-m", "venv", str(OTTER_VENV)], check=True, capture_output=True, timeout=120)
    packages = ["otter-grader", "ipykernel", "torch==2.13.0"]
    subprocess.run(
        [str(OTTER_VENV / "bin" / "pip"), "install", "--quiet", *packages],
        check=True,
        capture_output=True,
        timeout=max(1.0, deadline - time.monotonic()),
    )
    ready.write_text(" ".join(packages) + "\n")
    return OTTER_VENV


def _otter_test_file() -> str:
    """Question q1 in otter's OK format: the three cases as doctests, one point each."""
    cases = [
        {
            "code": f">>> import torch\n>>> {expression}\n{expected}",
            "hidden": hidden,
            "locked": False,
            "points": 1,
        }
        for expression, expected, hidden in OTTER_CASES
    ]
    suite = {"cases": cases, "scored": True, "setup": "", "teardown": "", "type": "doctest"}
    test = {"name": "q1", "points": len(cases), "suites": [suite]}
    return f"OK_FORMAT = True\n\ntest = {test!r}\n"


def _otter_assignment(folder: Path) -> Path:
    """The smallest otter autograder: one question, three tests of sum_axis."""
    archive = folder / "autograder.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("otter_config.json", "{}")
        out.writestr("tests/q1.py", _otter_test_file())
    return archive


def _otter_run(venv: Path, archive: Path, submission: Path, output: Path) -> None:
    """Grade one submission with ``otter run``; it must get 3 of 3."""
    result = subprocess.run(
        [
            str(venv / "bin" / "otter"),
            "run",
            "-a",
            str(archive),
            "-o",
            str(output),
            "--no-logo",
            str(submission),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=output,
    )
    if result.returncode != 0:
        raise RuntimeError(f"otter run exited {result.returncode}: {result.stderr.strip()[-300:]}")
    scores = json.loads((output / "results.json").read_text())
    total = sum(test.get("score") or 0 for test in scores.get("tests", []))
    if total != 3:
        raise RuntimeError(f"otter run scored the correct submission {total} of 3")


def otter_baseline(runs: int = 3) -> Baseline:
    """``otter run`` on the correct submission, or the reason it could not be run."""
    name = "otter-grader `otter run`"
    try:
        venv = _otter_venv()
    except subprocess.TimeoutExpired:
        return Baseline(
            name, "otter run", reason=f"installing otter-grader took over {OTTER_INSTALL_SECONDS} s"
        )
    except (subprocess.CalledProcessError, OSError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        text = detail.decode(errors="replace") if isinstance(detail, bytes) else str(detail)
        last = (text.strip().splitlines() or [str(exc)])[-1]
        return Baseline(name, "otter run", reason=f"install failed: {last}")
    version = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import otter; print(otter.__version__)"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    name = f"otter-grader {version} `otter run`"
    with tempfile.TemporaryDirectory(prefix="tg-bench-otter-") as temporary:
        folder = Path(temporary)
        archive = _otter_assignment(folder)
        submission = folder / "sum_axis.py"
        submission.write_text(CORRECT)
        try:
            samples = _timed_runs(lambda: _otter_run(venv, archive, submission, folder), runs)
        except (RuntimeError, OSError, subprocess.TimeoutExpired, ValueError) as exc:
            return Baseline(name, "otter run", reason=str(exc)[:200])
    return Baseline(name, "otter run", statistics.median(samples), runs)


# ---------------------------------------------------------------------------------- report


@dataclass(frozen=True)
class Targets:
    """What a backend must reach."""

    throughput: float
    latency_p50: float | None = None
    latency_p99: float | None = None


TARGETS = {"redis": Targets(80, 0.040, 0.150), "embedded": Targets(40)}


def _verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def target_lines(result: BackendResult) -> list[str]:
    """One line per target of this backend."""
    target, name = TARGETS[result.backend], result.backend
    graded = result.burst.throughput
    lines = [
        f"{name}: >= {target.throughput:g} graded/s: {_verdict(graded >= target.throughput)} ({graded:.1f})"
    ]
    for label, limit, value in (
        ("p50", target.latency_p50, result.half.latency_p50),
        ("p99", target.latency_p99, result.half.latency_p99),
    ):
        if limit is not None:
            lines.append(
                f"{name}: half-load {label} < {limit * 1000:g} ms: "
                f"{_verdict(value < limit)} ({value * 1000:.1f} ms)"
            )
    return lines


def _row(name: str, cells: list[str]) -> str:
    return f"{name:<46}" + "".join(f"{cell:>24}" for cell in cells)


def cpu_lines(result: BackendResult) -> list[str]:
    """Where the CPU went during the throughput phase: core-seconds, then ms per submission."""
    cpu, count = result.burst.cpu, result.burst.count
    parts = ["api", "worker", "sandbox", "client"]
    if result.backend == "redis":  # on the embedded backend these servers are not ours
        parts[3:3] = ["postgres", "redis"]
    other = cpu["machine"] - sum(cpu[p] for p in parts)
    total = ", ".join(f"{p} {cpu[p]:.1f}" for p in parts)
    each = ", ".join(f"{p} {cpu[p] / count * 1000:.1f}" for p in parts)
    indent = " " * len(result.backend)
    cores = cpu["available"] / result.burst.seconds
    target = TARGETS[result.backend].throughput
    return [
        f"{result.backend}: machine {cpu['machine']:.1f} of {cpu['available']:.1f} core-s "
        f"({cpu['machine'] / cpu['available']:.0%} busy) over {result.burst.seconds:.1f} s: "
        f"{total}, other {other:.1f}",
        f"{indent}  per submission (ms): {each}, other {other / count * 1000:.1f}",
        # Throughput is bound by CPU: this is the whole budget the target leaves, load generator included.
        f"{indent}  budget: {target:g} graded/s on {cores:.0f} cores allows {cores / target * 1000:.0f} ms "
        f"of CPU per submission; used {cpu['machine'] / count * 1000:.0f} ms",
    ]


def service_rows(results: list[BackendResult], engine: float) -> list[tuple[str, list[str]]]:
    """The table's rows: a label and one cell per backend."""
    ms = 1000
    return [
        ("", [BACKEND_LABELS[r.backend] for r in results]),
        ("submissions (throughput phase)", [str(r.burst.count) for r in results]),
        ("graded per second", [f"{r.burst.throughput:.1f}" for r in results]),
        ("  POSTs accepted per second meanwhile", [f"{r.burst.accepted:.1f}" for r in results]),
        (
            "  claim-to-graded p50 (ms), pool busy",
            [f"{r.burst.in_worker_p50 * ms:.1f}, {r.burst.pool_busy:.0%}" for r in results],
        ),
        (
            "POST latency p50 / p99 (ms)",
            [f"{r.burst.post_p50 * ms:.1f} / {r.burst.post_p99 * ms:.1f}" for r in results],
        ),
        (
            "half load: rate (/s), count, send lag p99",
            [f"{r.half.rate:.1f}, {r.half.count}, {r.half.send_lag_p99 * ms:.0f} ms" for r in results],
        ),
        (
            "half load: submit-to-graded p50 / p99 (ms)",
            [f"{r.half.latency_p50 * ms:.1f} / {r.half.latency_p99 * ms:.1f}" for r in results],
        ),
        (
            "  of which queued p50 / in the worker p50",
            [f"{r.half.queued_p50 * ms:.1f} / {r.half.in_worker_p50 * ms:.1f}" for r in results],
        ),
        ("engine cost: grade() in-process, median (ms)", [f"{engine * ms:.1f}" for _ in results]),
        (
            "service overhead to grading work",
            [f"{(r.half.latency_p50 - engine) / engine:.2f}x" for r in results],
        ),
        ("misgraded or error", [str(r.burst.misgraded + r.half.misgraded) for r in results]),
    ]


def baseline_lines(results: list[BackendResult], baselines: list[Baseline]) -> list[str]:
    """Each baseline's median and rate (or why it was not run), then the service's ratios to them."""
    lines = [
        f"baselines (same correct submission; submissions/s = {CORES} / median, an upper bound for them):"
    ]
    for baseline in baselines:
        if baseline.rate is None:
            lines.append(f"  {baseline.name}: not run: {baseline.reason}")
        else:
            lines.append(
                f"  {baseline.name}: median {baseline.median:.2f} s of {baseline.runs} runs "
                f"-> {baseline.rate:.2f} submissions/s"
            )
    for baseline in baselines:
        if baseline.rate is not None:
            ratios = [f"{r.burst.throughput / baseline.rate:.0f}x" for r in results]
            lines.append(_row(f"  throughput / {baseline.short}", ratios))
    return lines


def print_report(results: list[BackendResult], engine: float, baselines: list[Baseline]) -> None:
    """The table, the baselines with their ratios, the targets and the CPU breakdown."""
    print()
    print(
        f"service throughput: {SLUG}, 2/3 correct, {STUDENTS} students, {CLIENT_THREADS} client threads, "
        f"API gunicorn --workers {API_WORKERS}, one worker --concurrency {WORKER_CONCURRENCY}, "
        f"{CORES} cores shared by all"
    )
    for label, cells in service_rows(results, engine):
        print(_row(label, cells))
    for line in baseline_lines(results, baselines):
        print(line)
    print("targets:")
    for result in results:
        for line in target_lines(result):
            print("  " + line)
    print("CPU during the throughput phase (core-seconds):")
    for result in results:
        for line in cpu_lines(result):
            print("  " + line)


# ---------------------------------------------------------------------------------- main


def _interrupt_on_sigterm(_signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", choices=["redis", "embedded", "both"], default="both")
    parser.add_argument("--count", type=int, default=600, help="submissions in the throughput phase")
    parser.add_argument("--seconds", type=float, default=15, help="duration of the half-load phase")
    parser.add_argument(
        "--no-baselines", action="store_true", help="skip the fresh-interpreter and otter baselines"
    )
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, _interrupt_on_sigterm)  # so the service is stopped on kill too

    backends = ["redis", "embedded"] if args.backend == "both" else [args.backend]
    print("engine cost (in-process grade with a warm sandbox)...", flush=True)
    engine = engine_cost()
    baselines = []
    if not args.no_baselines:
        print("baseline: fresh interpreter per submission...", flush=True)
        baselines.append(fresh_interpreter())
        print("baseline: otter-grader (installs into /tmp/otter-venv once)...", flush=True)
        baselines.append(otter_baseline())
    results = []
    for backend in backends:
        print(f"backend {backend}: deploy, start, {args.count} submissions, then half load...", flush=True)
        results.append(measure_backend(backend, args.count, args.seconds))
    print_report(results, engine, baselines)


if __name__ == "__main__":
    main()
