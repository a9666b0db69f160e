VENV ?= .venv
PY := $(VENV)/bin/python

$(PY):
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

install: $(PY)
	$(PY) -m pip install -q -e '.[test]'
	$(VENV)/bin/pybabel -q compile -d bot/locale -D gigbot

# The translations (bot/locale/, README "Adding a language"): extract every text into the
# template, bring each language's catalog up to date with it, compile them all. The template
# has no header (nothing in it changes on a run without new texts); each catalog keeps its
# own, Plural-Forms included (tests/test_languages.py checks it).
LANGS := es pt_BR hi ru id
messages: install
	$(VENV)/bin/pybabel -q extract -F babel.cfg -k t -k N_ -k ParseError -k Words --no-location --omit-header \
		--add-comments=TRANSLATORS: -o bot/locale/gigbot.pot .
	for lang in $(LANGS); do \
		$(VENV)/bin/pybabel -q update -i bot/locale/gigbot.pot -d bot/locale -D gigbot \
			-l $$lang --no-fuzzy-matching --ignore-obsolete --ignore-pot-creation-date; done
	$(VENV)/bin/pybabel -q compile -d bot/locale -D gigbot

demo: install
	$(VENV)/bin/gigbot demo

# The sandbox's browser test drives Debian's chromium through Playwright (never
# `playwright install`, which downloads a browser of its own).
browser:
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)

# The suite on SQLite and, at the same time, on PostgreSQL where a server can be started
# (.ci/halves; .ci/with-postgres starts a throwaway one; without PostgreSQL a developer sees
# the PostgreSQL half SKIPPED, CI fails). pytest's exit code 5 (no test ran) fails either half.
test: install browser lint
	bash .ci/halves $(PY) -m pytest

test-sqlite: install
	env -u GIGBOT_TEST_POSTGRES $(PY) -m pytest

test-postgres: install
	bash .ci/with-postgres $(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check bot handlers storage tests bench
	$(VENV)/bin/mypy bot handlers storage bench

.PHONY: install demo test test-sqlite test-postgres lint browser messages
