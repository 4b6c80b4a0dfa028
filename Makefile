# The Apparel CNN book.  Two commands do everything on a fresh machine (each sets up first):
#   make book   execute every chapter on the real data and build the HTML book (_build/html)
#   make test   run all tests: the library's, the book's, and nbval over every notebook (words and
#               counts exactly, numbers within the tolerances of tests/nbval_numbers.py), on
#               TEST_WORKERS pytest-xdist workers of one thread each
#   make lab    read and run the chapters in JupyterLab (127.0.0.1, with a token)
#   make student   the chapters and the exercises without their solutions, for a class
#               (_build/student; STUDENT_OUTPUTS=clear clears the outputs too)
#   make assignments   the assignment edition: one autograded question per chapter from 2 to 11
#               (otter-grader, no Docker) into _build/assignments (student/ to hand out,
#               autograder/ with the solutions); `make grade SUBMISSIONS=folder` grades a folder
#               of submitted notebooks into _build/assignments/scores.csv (assignments/README.md)
#   make test-fast   the quick tests only (no layout export, command line end to end, book build,
#               nbval or GPU): under two minutes, for the edit-test loop
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg
# Two workers suit two cores; a machine with more may set more (`make test TEST_WORKERS=4`).
TEST_WORKERS ?= 2

# The one place torch's version is written for the set-up: requirements/constraints.txt.
TORCH_PIN := $(shell grep -m1 '^torch==' requirements/constraints.txt)

.PHONY: setup system book test test-fast lab student assignments grade tutorial lock clean

setup: system $(STAMP)

system:
	@bash .ci/system-packages

# torch is installed first and exactly (TORCH_PIN; a CPU wheel of it lies on the machines we test on); everything else is
# pinned by requirements/constraints.txt so that installs today and next month agree.
$(STAMP): pyproject.toml requirements/constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet "$(TORCH_PIN)"
	$(BIN)/pip install --quiet -c requirements/constraints.txt -e ".[all]"
	$(BIN)/python -c "import torch; v = torch.__version__; assert '$(TORCH_PIN)' == 'torch==' + v.split('+')[0], v"
	touch $@

include book.mk

book: setup stage stage-html
	@echo "The book is in _build/html/index.html"

test: setup
	$(BIN)/python -m pytest tests notebooks $(NBVAL) -n $(TEST_WORKERS) --durations=25

test-fast: setup
	$(BIN)/python -m pytest tests -m "not slow and not gpu" -n $(TEST_WORKERS)

# Read and run the chapters in JupyterLab: only this machine can connect (127.0.0.1), and the
# link it prints carries a fresh token. (Root, as in containers, needs --allow-root.) MyST in the
# Markdown cells renders through jupyterlab-myst; scripts/lab-settings/overrides.json switches the
# news prompt and update check off (a reader may still switch them on in Settings), and
# scripts/lab-settings/jupyter_server_config.py shows each chapter with the book's glossary, so
# that its {term} links lead to their entries (book/_ext/lab_glossary.py; nothing is written).
LAB_SETTINGS := scripts/lab-settings
lab: setup
	$(BIN)/jupyter lab --ip=127.0.0.1 --ServerApp.root_dir=notebooks --LabApp.app_settings_dir=$(LAB_SETTINGS) \
	    --config=$(LAB_SETTINGS)/jupyter_server_config.py $(if $(filter 0,$(shell id -u)),--allow-root)

# The student edition: the chapters (with their stored outputs, or none with
# STUDENT_OUTPUTS=clear) and the teaching page's exercises, every solution removed (a solution
# is a <details> block whose summary starts with "Solution"; see scripts/student_edition.py).
STUDENT_OUTPUTS ?= keep
student: setup
	$(BIN)/python scripts/student_edition.py _build/student $(if $(filter clear,$(STUDENT_OUTPUTS)),--clear-outputs)

# The assignment edition (assignments/README.md): assignments/apparel_cnn.py split by otter-grader
# into the class's notebook and the autograder; `make grade SUBMISSIONS=folder` runs every
# submitted notebook in that folder, without a container, into one CSV of scores.
assignments: setup
	$(BIN)/python assignments/build.py _build/assignments

SCORES ?= _build/assignments/scores.csv
grade: setup
	@test -n "$(SUBMISSIONS)" || { echo "say which folder to grade: make grade SUBMISSIONS=path/to/notebooks"; exit 2; }
	$(BIN)/python assignments/grade.py "$(SUBMISSIONS)" --out $(SCORES)

# The tutorial's recipe end to end from the command line: train, predict, score.
tutorial: setup
	mkdir -p artifacts
	$(BIN)/python -m apparel_lib data info
	$(BIN)/python -m apparel_lib train --model tutorial-cnn --recipe tutorial --out artifacts/tutorial-cnn.pt
	$(BIN)/python -m apparel_lib predict artifacts/tutorial-cnn.pt --out artifacts/submission.csv
	$(BIN)/python -m apparel_lib score artifacts/submission.csv

# Re-pin every package after changing pyproject.toml (run in a fresh venv).
lock: $(STAMP)
	{ printf '%s\n' "# Exact versions of every package the book installs (direct and transitive), so that a fresh" \
	    "# install today and next month agree. Used as pip constraints by \`make setup\`." \
	    "# Regenerate with \`make lock\` after changing pyproject.toml."; \
	  { $(BIN)/pip freeze --exclude-editable | grep -v -E '^(torch|apparel)'; echo "$(TORCH_PIN)"; } | sort -f; \
	} > requirements/constraints.txt.new
	mv requirements/constraints.txt.new requirements/constraints.txt

clean:
	rm -rf _build artifacts
