# Two set-up commands: `make run` and `make test`. Both create the virtualenv on demand.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench eval clean

# llama.cpp builds from source: only the library, not its tools, examples or server binaries.
export CMAKE_ARGS ?= -DLLAVA_BUILD=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_TOOLS=OFF -DLLAMA_BUILD_SERVER=OFF

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# The assistant: edge understanding plus the embedded local model. Without a compiler the
# local model is skipped (the car still obeys; open questions get the honest offline reply).
$(STAMP): pyproject.toml $(VENV)/bin/python
	$(BIN)/pip install -q -e '.[local,voice]' || { echo "local model not installed: edge and voice only"; $(BIN)/pip install -q -e '.[voice]'; }
	touch $(STAMP)

# Tests need everything, the llama.cpp server included: no fallback here.
$(VENV)/.installed-test: pyproject.toml $(VENV)/bin/python
	$(BIN)/pip install -q -e '.[local,voice,test]'
	touch $@ $(STAMP)

# The service on the simulator; it prints the web cockpit's address (the terminal chat: smartcabin chat).
run: $(STAMP)
	$(BIN)/smartcabin serve

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest -q

eval: $(STAMP)
	$(BIN)/smartcabin eval data/eval/*.jsonl --report eval-report.json

bench: $(STAMP)
	$(BIN)/smartcabin bench

clean:
	rm -rf $(VENV) build src/*.egg-info
