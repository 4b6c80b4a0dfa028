# Book targets, included from the Makefile (`include book.mk`).
#
#   make book      (Makefile) set up, then `stage`, then the HTML: executes every chapter on the
#                  real data in a copy of the book under _build/src and builds _build/html from it.
#                  Tracked files are never written, so a reader's checkout stays clean.
#   make execute   for authors: execute the chapters in place, storing their outputs in the
#                  tracked notebooks (what the book shows and nbval checks), keeping the .py twins
#                  in sync and tidying the files so that a diff shows only real changes; with an
#                  empty results store, as the tests run them (EXECUTE_CACHE=folder reuses one)
#   make html      build the book from the notebooks' stored outputs into _build/html (no execution)
#
# The .py files in notebooks/ (jupytext percent format) are the source that people edit; the
# .ipynb files carry the executed outputs that the book shows and nbval checks.

BIN ?= .venv/bin
BOOK_MK := $(lastword $(MAKEFILE_LIST))
NOTEBOOK_TIMEOUT ?= 1800
# The chapters, in reading order (their names start with the chapter number), then the
# appendix pages that compute (notebooks/appendix_*.py). To run only some:
#   make execute BOOK_NOTEBOOKS_PY=notebooks/04_tutorial_cnn.py
BOOK_NOTEBOOKS_PY = $(sort $(wildcard notebooks/[0-9]*.py)) $(sort $(wildcard notebooks/appendix_*.py))
STAGE := _build/src
# What `make book` copies into the staged copy: the pages and their configuration, and every
# file the chapters read outside notebooks/ (pictures/: chapter 9). tests/test_stage.py stages
# with `stage-copy` and checks every path the chapters build against the copy.
BOOK_SOURCES := _config.yml _toc.yml book notebooks pictures

.PHONY: execute execute-here html stage stage-copy stage-html

# Execute the notebooks given as arguments (.ipynb, their .py twins beside them) in place.
define run_notebooks
	@set -e; for py in $(1); do \
	    nb="$${py%.py}.ipynb"; \
	    echo "== executing $$nb"; \
	    $(BIN)/jupytext --update --to ipynb --set-kernel python3 "$$py"; \
	    JPY_SESSION_NAME="$$nb" PYTHONPATH=book/_ext $(BIN)/jupyter nbconvert --to notebook --inplace \
	        --NotebookExporter.preprocessors='["stored_eval.StoringExecutePreprocessor"]' \
	        --StoringExecutePreprocessor.enabled=True \
	        --ExecutePreprocessor.timeout=$(NOTEBOOK_TIMEOUT) \
	        --ExecutePreprocessor.kernel_name=python3 \
	        --ExecutePreprocessor.store_widget_state=True \
	        --ExecutePreprocessor.record_timing=False \
	        "$$nb"; \
	    $(BIN)/python scripts/tidy_notebooks.py "$$nb"; \
	    $(BIN)/jupytext --to py:percent "$$nb"; \
	done
endef

# For each chapter:
# 1. jupytext --update: bring the .ipynb's inputs in line with the .py source, keeping the
#    stored outputs of unchanged cells (and creating the .ipynb if it does not exist yet), and
#    record the python3 kernel (the venv's ipykernel) so JupyterLab opens it with that kernel;
# 2. nbconvert: execute the notebook in place with the venv's python3 kernel (the kernel's
#    working directory is notebooks/), storing the widget state so that sliders and progress
#    bars render in the built book, and the values of the prose's {eval} roles in each Markdown
#    cell's metadata (book/_ext/stored_eval.py: JupyterLab and the book both show them);
#    JPY_SESSION_NAME names the notebook to the kernel, as JupyterLab does, so that a look at
#    the test set is logged with the chapter it was made in (ledger/test_looks.jsonl);
# 3. tidy: drop execution timestamps and give widgets ids that do not change between runs;
# 4. jupytext --to py:percent: rewrite the .py twin from the executed notebook, so the pair
#    is exactly in sync (tests/test_pairing.py checks it).
# The stored outputs are what nbval checks, and the tests run every chapter with an empty results
# store: so `execute` runs with an empty one too (a fresh cache folder for the call; set
# EXECUTE_CACHE to a folder to reuse one). A run found in a warm store can print other digits
# than the ledger's entry, or no progress bar.
execute:
	@export APPAREL_CACHE="$${EXECUTE_CACHE:-$$(mktemp -d /tmp/apparel-execute-XXXXXX)}"; \
	    echo "== results store: $$APPAREL_CACHE"; \
	    $(MAKE) --no-print-directory -f $(BOOK_MK) execute-here BIN="$(BIN)" BOOK_NOTEBOOKS_PY="$(BOOK_NOTEBOOKS_PY)"

# `execute` with the results store the environment names.
execute-here:
	$(call run_notebooks,$(BOOK_NOTEBOOKS_PY))

html:
	$(BIN)/jupyter-book build . -W --keep-going

# A fresh copy of the book's sources under $(STAGE) (_build/src), without outputs; nothing runs.
stage-copy:
	rm -rf $(STAGE) && mkdir -p $(STAGE)
	cp -r $(BOOK_SOURCES) $(STAGE)/
	rm -rf $(STAGE)/notebooks/outputs $(STAGE)/notebooks/.ipynb_checkpoints
	mkdir -p $(STAGE)/scripts && cp scripts/tidy_notebooks.py $(STAGE)/scripts/

# The staged copy, executed there.
stage: stage-copy
	cd $(STAGE) && $(MAKE) -f $(CURDIR)/book.mk execute-here BIN=$(CURDIR)/$(BIN) \
	    BOOK_NOTEBOOKS_PY="$(BOOK_NOTEBOOKS_PY)"

# The book built from the staged, freshly executed copy, into _build/html.
stage-html:
	rm -rf _build/html
	$(BIN)/jupyter-book build $(STAGE) --path-output _build/stage-out -W --keep-going
	mv _build/stage-out/_build/html _build/html && rm -rf _build/stage-out
