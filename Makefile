# Two commands do all the set-up:  `make run`  and  `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
POS    := $(wildcard locales/*/LC_MESSAGES/messages.po)
MOS    := $(POS:.po=.mo)

.PHONY: run test setup lint typecheck catalogs extract bench clean

run: setup                 ## set up, then start the bot (or the offline chat without a token)
	$(PY) main.py

test: setup                ## set up, then lint, type-check and run the whole test suite
	$(PY) -m ruff check .
	$(PY) -m mypy .
	$(PY) -m pytest -q

setup: $(STAMP) catalogs

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

catalogs: $(STAMP) $(MOS)

locales/%/LC_MESSAGES/messages.mo: locales/%/LC_MESSAGES/messages.po
	$(VENV)/bin/pybabel -q compile -i $< -o $@

extract: $(STAMP)          ## refresh locales/messages.pot and merge it into every catalog
	$(VENV)/bin/pybabel -q extract -F pyproject.toml -k N_ -k ngettext:1,2 --no-location --sort-by-file --omit-header -o locales/messages.pot bot directory main.py
	$(VENV)/bin/pybabel -q update -i locales/messages.pot -d locales -D messages --no-fuzzy-matching --ignore-obsolete

bench: setup
	$(PY) bench/search_latency.py
	$(PY) bench/policy_accuracy.py

clean:
	rm -rf $(VENV) locales/*/LC_MESSAGES/*.mo
