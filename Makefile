# Partner2Connect platform. `make run` and `make test` are all a newcomer needs.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
FLASK  := $(VENV)/bin/flask --app wsgi
HOST   ?= 127.0.0.1
PORT   ?= 5000
DEMO_PLEDGES ?= 2000
# p2c/config.py builds the default P2C_BASE_URL (links in e-mails) from these.
export HOST PORT

.PHONY: install run serve worker db test browser-deps lint translations extract update-catalogs compile bench clean mail

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml package.json
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	@# Natural Earth map geometry (npm package world-atlas) for the progress page; optional.
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --silent; \
		else echo "npm not found: the progress page will show its country table without the map"; fi
	touch $@

## i18n (README "Languages"): extract strings, merge them into the catalogs, compile .mo files.
## .mo files are build products (git-ignored): `make run` and `make test` compile them.
LOCALES  := ar es fr ru zh
BABEL    := PYTHONPATH=. $(VENV)/bin/pybabel
KEYWORDS := -k _l -k lazy_gettext -k lazy_ngettext:1,2 -k lazy_pgettext:1c,2

extract: install
	$(BABEL) extract -F babel.cfg $(KEYWORDS) -c TRANSLATORS: --no-wrap --sort-by-file \
		--project=Partner2Connect --copyright-holder=ITU -o translations/messages.pot .

update-catalogs: extract
	@for lang in $(LOCALES); do \
		if [ ! -f translations/$$lang/LC_MESSAGES/messages.po ]; then \
			$(BABEL) init -i translations/messages.pot -d translations -l $$lang --no-wrap; fi; \
	done
	$(BABEL) update -i translations/messages.pot -d translations --no-wrap --ignore-obsolete --no-fuzzy-matching
	@$(PY) -m tests.i18n.catalogs --summary || true

compile translations: install
	$(BABEL) compile -d translations --statistics

## Database: migrations, then reference data (idempotent)
db: install compile
	@mkdir -p instance
	$(FLASK) db upgrade heads
	$(FLASK) p2c reference load

## Development server with demo data and a demo reviewer account
run: db
	$(FLASK) p2c demo-data --if-empty --pledges $(DEMO_PLEDGES)
	$(FLASK) p2c demo-reviewer
	$(FLASK) run --host $(HOST) --port $(PORT)

serve: db
	@# Threaded workers: the main thread keeps answering gunicorn's heartbeat while a thread streams a
	@# long download (the full CSV or XLSX export), which a sync worker would be killed for after 30 s.
	$(VENV)/bin/gunicorn --bind $(HOST):$(PORT) --workers 2 --worker-class gthread --threads 4 wsgi:app

## The worker: outbox, reminders, digests, checks (README "Production"); `make run` sends mail without it
worker: db
	$(FLASK) p2c worker

## A local SMTP server that prints every message (for `make run`; MAIL_PORT defaults to 8025)
mail: install
	$(PY) -m aiosmtpd -n -l 127.0.0.1:8025

## Browser tests drive Debian's Chromium: installed here when missing (as root, like CI), else explained.
browser-deps:
	@if [ "$${P2C_SKIP_BROWSER:-0}" = 1 ] || command -v chromium >/dev/null 2>&1; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Debian's chromium and Noto fonts for the browser tests"; \
		DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-core fonts-noto-cjk >/dev/null; \
	else \
		echo "The browser tests need Debian's chromium: sudo apt-get install chromium fonts-noto-core fonts-noto-cjk"; \
		echo "(or P2C_SKIP_BROWSER=1 make test to leave them out)"; exit 1; \
	fi

test: install compile browser-deps
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .

bench: install compile
	$(PY) benchmarks/demo_data.py

clean:
	rm -rf $(VENV) instance/*.sqlite
