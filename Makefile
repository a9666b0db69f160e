VENV ?= .venv
PY := $(VENV)/bin/python

$(PY):
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

install: $(PY)
	$(PY) -m pip install -q -e '.[test]'

demo: install
	$(VENV)/bin/gigbot demo

# The sandbox's browser test drives Debian's chromium through Playwright (never
# `playwright install`, which downloads a browser of its own).
browser:
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)

test: install browser lint
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check bot handlers storage tests bench
	$(VENV)/bin/mypy bot handlers storage bench

.PHONY: install demo test lint browser
