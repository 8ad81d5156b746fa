# Tandem — the two commands first: `make run` (embedded platform) and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: run test up bench contracts image lint install clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Tandem needs Python 3.11 or newer")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP)

## All four services in one process: in-memory transport, SQLite under ./data.
run: $(STAMP)
	$(BIN)/tandem run

## The whole test suite (RabbitMQ/PostgreSQL tests skip without them unless TANDEM_REQUIRE_SERVICES=1).
test: $(STAMP)
	$(BIN)/python -m pytest

## Each service as an API under gunicorn plus a worker, on RabbitMQ and PostgreSQL.
up: $(STAMP)
	$(BIN)/tandem up

## Benchmarks (RabbitMQ and PostgreSQL for bus and scheduling); each compares against a baseline
## in the same run, prints its figures and ends with one JSON line.
BENCHES := bus matching scheduling notify intake web
bench: $(STAMP)
	@set -e; for b in $(BENCHES); do echo "== bench/$$b.py"; $(BIN)/python bench/$$b.py; done

## Regenerate docs/asyncapi.json and docs/openapi/*.json from the code.
contracts: $(STAMP)
	$(BIN)/tandem contracts

## The image (deploy/docker/Dockerfile) with buildah, as root, on a local Debian bookworm base made
## by debootstrap the first time (kept in /var/tmp/tandem-base): no registry needed.
IMAGE ?= localhost/tandem:dev
image:
	deploy/docker/build.sh $(IMAGE)

lint: $(STAMP)
	$(BIN)/ruff check services tests bench

clean:
	rm -rf $(VENV) data .pytest_cache .ruff_cache
