VENV ?= .venv
PY := $(VENV)/bin/python

$(PY):
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

install: $(PY)
	$(PY) -m pip install -q -e '.[test]'

demo: install
	$(VENV)/bin/gigbot demo

test: install
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check bot handlers storage tests bench
	$(VENV)/bin/mypy bot storage

.PHONY: install demo test lint
