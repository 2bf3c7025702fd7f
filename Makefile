# Elvie — the two commands: `make run` and `make test`. Everything else is optional.
.PHONY: setup run test bench check train lint clean

VENV := .venv
ELVIE := $(VENV)/bin/elvie
# The suite's files run on every core (at most 4): each worker brings up its own stack, a file stays on one worker.
PYTEST := $(VENV)/bin/python -m pytest

setup:
	@scripts/bootstrap.sh

train: setup
	@$(ELVIE) train

run: setup
	@$(ELVIE) train
	@$(ELVIE) run

test: setup
	@$(ELVIE) train
	@$(ELVIE) check
	@$(VENV)/bin/lint-imports --no-cache
	@$(PYTEST) -q -n auto --maxprocesses 4 --dist loadfile

bench: setup
	@$(ELVIE) train
	@$(VENV)/bin/python -m benchmarks

check: setup
	@$(ELVIE) check

clean:
	rm -rf var/ models/rasa/ .pytest_cache
