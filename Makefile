# Two set-up commands: `make run` and `make test`. Both create the virtualenv on demand.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench eval clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/smartcabin chat

test: $(STAMP)
	$(BIN)/python -m pytest -q

eval: $(STAMP)
	$(BIN)/smartcabin eval data/eval/*.jsonl --report eval-report.json

bench: $(STAMP)
	$(BIN)/smartcabin bench

clean:
	rm -rf $(VENV) build src/*.egg-info
