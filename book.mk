# Book targets, included from the Makefile (`include book.mk`).
#
#   make execute  - run every chapter on the real data, in order, and store the results in the
#                   notebooks (outputs and widget state), keeping the .py twins in sync
#   make html     - build the book from the stored outputs into _build/html (warnings are errors)
#
# The .py files in notebooks/ (jupytext percent format) are the source that people edit; the
# .ipynb files carry the executed outputs that the book shows and nbval checks.

BIN ?= .venv/bin
NOTEBOOK_TIMEOUT ?= 1800
# The chapters, in reading order (their names start with the chapter number). To run only some:
#   make execute BOOK_NOTEBOOKS_PY=notebooks/04_tutorial_cnn.py
BOOK_NOTEBOOKS_PY = $(sort $(wildcard notebooks/[0-9]*.py))

.PHONY: execute html

# For each chapter:
# 1. jupytext --update: bring the .ipynb's inputs in line with the .py source, keeping the
#    stored outputs of unchanged cells (and creating the .ipynb if it does not exist yet), and
#    record the python3 kernel (the venv's ipykernel) so JupyterLab opens it with that kernel;
# 2. nbconvert: execute the notebook in place with the venv's python3 kernel (the kernel's
#    working directory is notebooks/), storing the widget state so that sliders and progress
#    bars render in the built book;
# 3. jupytext --to py:percent: rewrite the .py twin from the executed notebook, so the pair
#    is exactly in sync (tests/test_pairing.py checks it).
execute:
	@set -e; for py in $(BOOK_NOTEBOOKS_PY); do \
	    nb="$${py%.py}.ipynb"; \
	    echo "== executing $$nb"; \
	    $(BIN)/jupytext --update --to ipynb --set-kernel python3 "$$py"; \
	    $(BIN)/jupyter nbconvert --to notebook --execute --inplace \
	        --ExecutePreprocessor.timeout=$(NOTEBOOK_TIMEOUT) \
	        --ExecutePreprocessor.kernel_name=python3 \
	        --ExecutePreprocessor.store_widget_state=True \
	        "$$nb"; \
	    $(BIN)/jupytext --to py:percent "$$nb"; \
	done

html:
	$(BIN)/jupyter-book build . -W --keep-going
