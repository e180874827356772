# tensor-grader: `make help` lists the targets.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
TORCH  := torch==2.13.0

.DEFAULT_GOAL := help

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(BIN)/grader: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# torch first, from its pinned CPU build: every range below is satisfied by it.
	$(BIN)/pip install --quiet $(TORCH)
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

setup: $(BIN)/grader  ## create .venv and install tensor-grader with its dev tools

up: setup  ## set up, then run the service (embedded: SQLite database and broker) on :8000
	$(BIN)/grader up

demo: setup  ## set up, report the sandbox layers, grade an example submission
	$(BIN)/grader sandbox
	$(BIN)/grader grade examples/sum_axis.py --exercise linalg.sum_axis

test: setup  ## run the test suite (one process per core), then prove every exercise of the bank
	$(BIN)/pytest -n auto
	$(BIN)/grader exercises validate

lint: setup  ## ruff (lint and format check) and the import layers (lint-imports)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

types: setup  ## mypy over grader, worker and exercises
	$(BIN)/mypy

bench: setup  ## warm-zygote cost against a fresh interpreter per submission
	$(BIN)/python bench/sandbox_overhead.py

bench-service: setup  ## the service end to end: graded/s, latency at half load, against baselines
	$(BIN)/python bench/service_throughput.py

.PHONY: help setup up demo test lint types bench bench-service
