# Kutim Koperasi: the two commands a newcomer needs are `make run` and `make test`.
# Both create .venv with the machine's Python 3.11 and install what the project needs.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
MANAGE := $(BIN)/python manage.py

.PHONY: run test test-browser serve migrate demo messages clean help

help:
	@echo "make run          set up, load the demo district and serve on http://127.0.0.1:$(PORT)/"
	@echo "make test         run the whole test suite (DATABASE_URL switches the database)"
	@echo "make test-browser run only the browser tests (Chromium at /usr/bin/chromium)"
	@echo "make serve        production-style: collectstatic and gunicorn (see README.md)"
	@echo "make messages     refresh and compile the English translation"

# Reinstall only when the requirements change.
$(BIN)/.installed: requirements.txt requirements-dev.txt
	@test -n "$(PYTHON)" || { echo "Python 3.11 not found: install python3.11"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

migrate: $(BIN)/.installed
	$(MANAGE) migrate --noinput

# Development: the settings default to production (debug off), `make run` turns debug on unless
# the shell already says otherwise.
run demo messages: export DJANGO_DEBUG ?= 1

# Seeds the demo district only into an empty database: never over real records.
demo: migrate
	$(MANAGE) seed_demo --if-empty

run: demo
	$(MANAGE) runserver 127.0.0.1:$(PORT)

test: $(BIN)/.installed
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-browser: $(BIN)/.installed
	$(BIN)/python -m pytest -m browser $(PYTEST_ARGS)

# Production-style serving: needs DJANGO_DEBUG=0 and the variables in README.md.
serve: $(BIN)/.installed
	$(MANAGE) collectstatic --noinput
	$(MANAGE) migrate --noinput
	$(BIN)/gunicorn kutim_koperasi.wsgi:application --bind 127.0.0.1:$(PORT) --workers $${WEB_CONCURRENCY:-3} \
		--timeout $${GUNICORN_TIMEOUT:-120} --access-logfile - --forwarded-allow-ips "$${FORWARDED_ALLOW_IPS:-$${DJANGO_TRUSTED_PROXIES:-127.0.0.1}}"

messages: $(BIN)/.installed
	$(MANAGE) makemessages -l en --no-obsolete --ignore=.venv --ignore=staticfiles
	$(MANAGE) compilemessages -l en --ignore=.venv

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
