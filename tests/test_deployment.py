"""The deployment files, checked statically (no Docker engine needed): docker-compose.yml, the
Dockerfile and docs/deployment.md against the service contract and the sandbox's needs."""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_TEXT = (ROOT / "docker-compose.yml").read_text()
DOCKERFILE_TEXT = (ROOT / "Dockerfile").read_text()
GUIDE_TEXT = (ROOT / "docs" / "deployment.md").read_text()

# The service contract (issue 3): the environment the code reads, and each command's options.
CONTRACT_VARIABLES = frozenset(
    {
        "GRADER_DATABASE_URL",
        "GRADER_BROKER_URL",
        "GRADER_SECRET_KEY",
        "GRADER_INSTANCE_DIR",
        "GRADER_SUBMISSIONS_PER_MINUTE",
        "GRADER_SWEEP_AFTER_SECONDS",
        "GRADER_MAX_ATTEMPTS",
        "GRADER_CASE_CPU_SECONDS",
        "GRADER_CASE_WALL_SECONDS",
        "GRADER_SUBMISSION_WALL_SECONDS",
        "GRADER_MEMORY_MIB",
        "GRADER_OUTPUT_KIB",
        "GRADER_SANDBOX_UID",
        "GRADER_SANDBOX_STRICT",
        "GRADER_SECURE_COOKIES",
        "GRADER_TRUSTED_PROXIES",
        "GRADER_PUBLIC_URL",
    }
)
CONTRACT_COMMANDS: dict[tuple[str, ...], frozenset[str]] = {
    ("db", "upgrade"): frozenset(),
    ("serve",): frozenset({"--host", "--port", "--workers"}),
    ("worker",): frozenset({"--concurrency", "--beat"}),
    ("up",): frozenset(),
    ("sandbox",): frozenset(),
    ("exercises", "sync"): frozenset(),
    ("users", "create"): frozenset({"--role", "--password"}),
    ("users", "reset-password"): frozenset(),
    ("users", "deactivate"): frozenset(),
    ("users", "activate"): frozenset(),
    ("tokens", "create"): frozenset(),
}

GRADER_SERVICES = ("migrate", "api", "worker", "beat")
SANDBOXED = ("worker", "beat")
UNPRIVILEGED = ("postgres", "redis", "migrate", "api")
REQUIRED_REF = re.compile(r"^\$\{[A-Z][A-Z0-9_]*:\?[^}]+\}$")  # ${NAME:?message}: no default
URL = re.compile(
    r"[a-z][a-z0-9+.-]*://(?:(?P<user>[^:/@\s]+):(?P<password>\$\{[^}]*\}|[^@\s]+)@)?(?P<host>[^:/\s'\"]+)"
)


@pytest.fixture(scope="module")
def services() -> dict[str, dict[str, Any]]:
    compose = yaml.safe_load(COMPOSE_TEXT)
    assert isinstance(compose, dict)
    return compose["services"]


def _environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {key: str(value) for key, value in env.items()}


def _argv(value: str | list[str]) -> list[str]:
    argv = shlex.split(value) if isinstance(value, str) else [str(v) for v in value]
    return argv[1:] if argv[:1] in (["CMD"], ["CMD-SHELL"]) else argv


def _dependencies(service: dict[str, Any]) -> dict[str, str]:
    return {name: spec["condition"] for name, spec in (service.get("depends_on") or {}).items()}


def _security_options(service: dict[str, Any]) -> set[str]:
    return {option.replace(":", "=", 1) for option in service.get("security_opt") or []}


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield str(key)
            yield from _strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item)
    elif node is not None:
        yield str(node)


def _dockerfile() -> list[tuple[str, str]]:
    """The Dockerfile's instructions as (KEYWORD, arguments), continuation lines joined."""
    instructions: list[tuple[str, str]] = []
    pending = ""
    for raw in DOCKERFILE_TEXT.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        keyword, _, arguments = (pending + line).partition(" ")
        instructions.append((keyword.upper(), arguments.strip()))
        pending = ""
    return instructions


def _index(predicate: Any, what: str) -> int:
    found = [i for i, instruction in enumerate(_dockerfile()) if predicate(*instruction)]
    assert found, f"no Dockerfile instruction {what}"
    return found[0]


def _contract_problem(argv: list[str]) -> str | None:
    """Why ``grader <argv>`` is not a command of the contract (None when it is)."""
    path = next((p for p in (tuple(argv[:2]), tuple(argv[:1])) if p in CONTRACT_COMMANDS), None)
    if path is None:
        return f"`grader {' '.join(argv)}`: no such command in the contract"
    unknown = {a.split("=", 1)[0] for a in argv if a.startswith("-")} - CONTRACT_COMMANDS[path]
    return f"`grader {' '.join(argv)}`: options {sorted(unknown)} not in the contract" if unknown else None


def _deployment_commands() -> list[list[str]]:
    """Every `grader ...` the compose file and the Dockerfile run (commands and health checks)."""
    compose = yaml.safe_load(COMPOSE_TEXT)
    commands = []
    for service in compose["services"].values():
        for value in (service.get("command"), (service.get("healthcheck") or {}).get("test")):
            if value:
                commands.append(_argv(value))
    commands += [json.loads(arguments) for keyword, arguments in _dockerfile() if keyword == "CMD"]
    return [argv[1:] for argv in commands if argv[:1] == ["grader"]]


def _guide_commands() -> list[list[str]]:
    """Every `grader ...` invocation in the guide's code blocks and inline code."""
    fence = re.compile(r"```[a-z]*\n(.*?)```", re.S)
    code = [*fence.findall(GUIDE_TEXT), *re.findall(r"`([^`\n]+)`", fence.sub("", GUIDE_TEXT))]
    commands = []
    for block in code:
        for match in re.finditer(r"(?:^|(?<=[\s/]))grader[ \t]+([a-z][^\n]*)", block, re.M):
            before = block[: match.start()].rsplit("\n", 1)[-1].split()
            if before and before[-1].startswith("-"):
                continue  # the value of an option, as in `pg_dump -U grader grader`
            text = match.group(1).split(" #")[0].strip().rstrip(")")
            commands.append(shlex.split(text))
    return commands


# --- docker-compose.yml -----------------------------------------------------------------------


def test_every_service_is_there(services: dict[str, dict[str, Any]]) -> None:
    assert set(services) >= {"postgres", "redis", "migrate", "api", "worker", "beat"}
    assert services["postgres"]["image"] == "postgres:15"
    assert services["redis"]["image"] == "redis:7"


def test_long_running_services_have_health_checks(services: dict[str, dict[str, Any]]) -> None:
    def check(name: str) -> list[str]:
        return _argv(services[name]["healthcheck"]["test"])

    assert "pg_isready" in check("postgres")[0]
    assert check("redis") == ["redis-cli", "ping"]
    api = " ".join(check("api"))
    assert check("api")[:2] == ["python", "-c"]
    assert "urllib" in api and "http://localhost:8000/healthz" in api
    for name in SANDBOXED:
        assert check(name) == ["grader", "sandbox"], name  # exit 1 when a sandbox layer is missing
    assert "healthcheck" not in services["migrate"]  # one-shot: it exits


def test_data_survives_restarts(services: dict[str, dict[str, Any]]) -> None:
    redis_command = _argv(services["redis"]["command"])
    assert redis_command[redis_command.index("--appendonly") + 1] == "yes"
    assert any(v.endswith(":/data") for v in services["redis"]["volumes"])
    assert any(v.endswith(":/var/lib/postgresql/data") for v in services["postgres"]["volumes"])


def test_start_order(services: dict[str, dict[str, Any]]) -> None:
    assert _dependencies(services["migrate"])["postgres"] == "service_healthy"
    for name in ("api", *SANDBOXED):
        dependencies = _dependencies(services[name])
        assert dependencies["migrate"] == "service_completed_successfully", name
        assert dependencies["redis"] == "service_healthy", name
    assert services["migrate"].get("restart") == "no"


def test_service_commands(services: dict[str, dict[str, Any]]) -> None:
    assert _argv(services["migrate"]["command"]) == ["grader", "db", "upgrade"]
    assert _argv(services["api"]["command"]) == [
        *("grader", "serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "4")
    ]
    assert _argv(services["worker"]["command"]) == ["grader", "worker", "--concurrency", "2"]
    assert _argv(services["beat"]["command"]) == ["grader", "worker", "--concurrency", "2", "--beat"]
    assert any(str(port).split(":")[-2:] == ["8000", "8000"] for port in services["api"]["ports"])


@pytest.mark.parametrize("name", SANDBOXED)
def test_workers_get_what_the_sandbox_needs(services: dict[str, dict[str, Any]], name: str) -> None:
    worker = services[name]
    assert str(worker.get("user")) in ("root", "0")  # the zygote must start as root
    assert "SYS_ADMIN" in worker["cap_add"]
    assert _security_options(worker) >= {"seccomp=unconfined", "apparmor=unconfined"}
    assert not worker.get("privileged")  # one capability, not all of them
    assert "ports" not in worker


@pytest.mark.parametrize("name", UNPRIVILEGED)
def test_other_services_get_no_extra_privileges(services: dict[str, dict[str, Any]], name: str) -> None:
    service = services[name]
    assert not service.get("cap_add") and not service.get("security_opt") and not service.get("privileged")
    assert str(service.get("user", "")) not in ("root", "0")


def test_workers_scale_and_exactly_one_sweeps(services: dict[str, dict[str, Any]]) -> None:
    assert "container_name" not in services["worker"]  # `--scale worker=N` needs distinct names
    assert "container_name" in services["beat"]  # and `--scale beat=2` must fail
    sweeping = [n for n, s in services.items() if "--beat" in _argv(s.get("command") or [])]
    assert sweeping == ["beat"]
    assert (services["beat"].get("deploy") or {}).get("replicas", 1) == 1


def test_grader_services_share_the_server_settings(services: dict[str, dict[str, Any]]) -> None:
    for name in GRADER_SERVICES:
        env = _environment(services[name])
        assert env["GRADER_DATABASE_URL"].startswith("postgresql+psycopg://"), name
        database = URL.search(env["GRADER_DATABASE_URL"])
        assert database and database["host"] == "postgres", name
        assert env["GRADER_BROKER_URL"].startswith("redis://redis:"), name
        assert REQUIRED_REF.match(env["GRADER_SECRET_KEY"]), name
    for name in SANDBOXED:
        assert "GRADER_SANDBOX_STRICT" in _environment(services[name])


def test_the_beat_schedule_survives_restarts(services: dict[str, dict[str, Any]]) -> None:
    """The instance folder (the beat worker's schedule) is a volume, not the container's layer."""
    instance = re.search(r"GRADER_INSTANCE_DIR=(\S+)", DOCKERFILE_TEXT)
    assert instance, "the image sets no GRADER_INSTANCE_DIR"
    for name in SANDBOXED:
        mounts = {v.split(":")[1]: v.split(":")[0] for v in services[name].get("volumes") or []}
        assert mounts.get(instance.group(1)) == "grader-instance", name


def test_no_secret_is_written_in_the_compose_file(services: dict[str, dict[str, Any]]) -> None:
    for name, service in services.items():
        for key, value in _environment(service).items():
            if re.search(r"PASSWORD|SECRET|TOKEN|_KEY$", key):
                assert REQUIRED_REF.match(value), f"{name}: {key} must be a ${{{key}:?...}} reference"
    for text in _strings(yaml.safe_load(COMPOSE_TEXT)):
        for url in URL.finditer(text):
            if url["password"]:
                assert REQUIRED_REF.match(url["password"]), f"a password written in {text!r}"


def test_urls_name_only_compose_services() -> None:
    for text in _strings(yaml.safe_load(COMPOSE_TEXT)):
        for url in URL.finditer(text):
            assert url["host"] in {"postgres", "redis", "localhost"}, text
    assert "://" not in DOCKERFILE_TEXT  # no package index written in: the operator passes it


def test_every_grader_variable_is_in_the_contract() -> None:
    used = set(re.findall(r"\bGRADER_[A-Z0-9_]+\b", COMPOSE_TEXT + DOCKERFILE_TEXT))
    assert used, "the deployment sets no GRADER_* variable"
    assert used <= CONTRACT_VARIABLES, sorted(used - CONTRACT_VARIABLES)


def test_the_code_reads_every_variable_the_deployment_sets() -> None:
    sources = "\n".join(p.read_text() for d in ("grader", "worker") for p in (ROOT / d).rglob("*.py"))
    used = set(re.findall(r"\bGRADER_[A-Z0-9_]+\b", COMPOSE_TEXT + DOCKERFILE_TEXT))
    assert not sorted(v for v in used if v not in sources), "set by the deployment, read by no code"


def test_secrets_stay_out_of_the_image() -> None:
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".env", ".venv", ".git"} <= set(ignored)


# --- Dockerfile -------------------------------------------------------------------------------


def test_base_image_and_system_packages() -> None:
    instructions = _dockerfile()
    assert instructions[0] == ("FROM", "python:3.11-slim-bookworm")
    installs = [a for k, a in instructions if k == "RUN" and "apt-get install" in a]
    assert len(installs) == 1
    words = installs[0].split("apt-get install", 1)[1].split("&&")[0].split()
    assert "--no-install-recommends" in words
    assert [w for w in words if not w.startswith("-")] == ["libseccomp2"]  # nothing needless
    assert "rm -rf /var/lib/apt/lists" in installs[0]


def test_torch_is_pinned_and_installed_before_the_project() -> None:
    torch = _index(lambda k, a: k == "RUN" and "torch==" in a, "installing torch")
    arguments = _dockerfile()[torch][1]
    installs = [s for s in re.split(r";|&&|\bthen\b|\belse\b", arguments) if "pip install" in s]
    assert len(installs) == 2  # with the operator's index, and without
    for install in installs:
        words = shlex.split(install.split("pip install", 1)[1], posix=False)
        requirements = [
            w for i, w in enumerate(words) if not w.startswith("-") and words[i - 1] != "--index-url"
        ]
        assert requirements == ["torch==2.13.0"], install
    assert '--index-url "$TORCH_INDEX_URL"' in arguments
    assert _index(lambda k, a: k == "ARG" and a.startswith("TORCH_INDEX_URL"), "ARG TORCH_INDEX_URL") < torch
    first_copy = _index(lambda k, a: k == "COPY", "COPY")
    first_other_pip = _index(lambda k, a: k == "RUN" and "pip install" in a and "torch" not in a, "pip")
    assert torch < first_copy and torch < first_other_pip


def test_dependencies_are_installed_before_the_sources_are_copied() -> None:
    manifest = _index(lambda k, a: k == "COPY" and a.split()[0] == "pyproject.toml", "COPY pyproject.toml")
    dependencies = _index(lambda k, a: k == "RUN" and "pip install -r" in a, "installing dependencies")
    sources = _index(lambda k, a: k == "COPY" and a.split()[0] == "grader", "COPY grader")
    project = _index(lambda k, a: k == "RUN" and re.search(r"pip install .*-e \.", a), "pip install -e .")
    assert manifest < dependencies < sources < project
    # Editable from /app, so that `grader db upgrade` finds /app/migrations beside the package.
    assert ("WORKDIR", "/app") in _dockerfile()[:project]
    assert _index(lambda k, a: k == "COPY" and a.split()[0] == "migrations", "COPY migrations") < project


def test_the_image_serves_the_api_as_an_unprivileged_user() -> None:
    instructions = _dockerfile()
    assert instructions[-1] == ("CMD", '["grader", "serve", "--host", "0.0.0.0", "--port", "8000"]')
    users = [a for k, a in instructions if k == "USER"]
    assert users and users[-1] not in ("root", "0")  # workers ask for root in the compose file


# --- commands ---------------------------------------------------------------------------------


def test_deployment_runs_only_contract_commands() -> None:
    commands = _deployment_commands()
    assert [problem for argv in commands if (problem := _contract_problem(argv))] == []
    used = {tuple(argv[:2]) if argv[0] == "db" else (argv[0],) for argv in commands}
    assert used >= {("serve",), ("worker",), ("db", "upgrade"), ("sandbox",)}


def test_guide_uses_only_contract_commands() -> None:
    commands = _guide_commands()
    assert [problem for argv in commands if (problem := _contract_problem(argv))] == []
    assert {("users", "create"), ("tokens", "create")} <= {tuple(argv[:2]) for argv in commands}


@pytest.mark.parametrize("path", sorted(CONTRACT_COMMANDS), ids=" ".join)
def test_contract_commands_exist_in_the_cli(path: tuple[str, ...]) -> None:
    """Once a command is implemented, it must accept the options the deployment passes it."""
    import click

    from grader.cli import main

    command: click.Command = main
    for name in path:
        sub = command.commands.get(name) if isinstance(command, click.Group) else None
        if sub is None:
            pytest.skip(f"`grader {' '.join(path)}` is not implemented yet")
        command = sub
    options = {opt for param in command.params for opt in param.opts if opt.startswith("--")}
    assert CONTRACT_COMMANDS[path] <= options


# --- docs -------------------------------------------------------------------------------------


def test_readme_links_the_guide() -> None:
    assert "](docs/deployment.md)" in (ROOT / "README.md").read_text()


def test_guide_covers_operations() -> None:
    for needed in (
        "docker compose up -d",
        "docker compose up -d --scale worker=4",
        "docker compose exec api grader users create",
        "GRADER_SANDBOX_STRICT=1",
        "CAP_SYS_ADMIN",
        "Landlock",
        "5.13",
        "/proc",
        "--beat",
        "gunicorn",
    ):
        assert needed in GUIDE_TEXT, needed
