# Kutim Koperasi: the two commands a newcomer needs are `make run` and `make test`.
# Both create .venv with the machine's Python 3.11 and install what the project needs.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
BIND ?= 127.0.0.1
PORT ?= 8000
export BIND PORT
MANAGE := $(BIN)/python manage.py

.PHONY: run test test-browser serve worker release migrate demo messages clean help

help:
	@echo "make run          set up, load the demo district, serve on http://$(BIND):$(PORT)/ with a task worker"
	@echo "make test         run the whole test suite (DATABASE_URL switches the database)"
	@echo "make test-browser run only the browser tests (Chromium at /usr/bin/chromium)"
	@echo "make release      production release step: migrate and collectstatic (docs/deploy.md)"
	@echo "make serve        production web server: gunicorn on $(BIND):$(PORT), no migration"
	@echo "make worker       production task worker (python manage.py db_worker)"
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

# The development server and, beside it, a task worker (reloaded on code changes) that stops with
# it. The worker runs in its own process group (setsid); on Ctrl-C the trap sends that group an
# interrupt, which the worker answers by finishing its task and exiting. One interrupt is not always
# enough: when it arrives during a task, the task's thread ends after the task but the reloader's
# main thread keeps watching files, and an interrupt that lands while the reloader (re)starts the
# worker is lost. So the trap waits at most 15 s, then terminates the group (the worker still
# removes its heartbeat), and kills what is left 5 s later; an unfinished task is taken up again
# at the next start (registry/services/recovery.py).
run: demo
	@setsid $(MANAGE) db_worker & worker=$$!; \
	gone() { ! kill -0 -$$worker 2>/dev/null; }; \
	stop_worker() { \
	  kill -INT -$$worker 2>/dev/null || return 0; \
	  for i in $$(seq 75); do gone && return 0; sleep 0.2; done; \
	  echo "Task worker still running 15 s after Ctrl-C: stopping it."; kill -TERM -$$worker 2>/dev/null; \
	  for i in $$(seq 25); do gone && return 0; sleep 0.2; done; \
	  kill -KILL -$$worker 2>/dev/null; \
	}; \
	trap 'stop_worker' EXIT INT TERM; \
	$(MANAGE) runserver $(BIND):$(PORT)

test: $(BIN)/.installed
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-browser: $(BIN)/.installed
	$(BIN)/python -m pytest -m browser $(PYTEST_ARGS)

# Production (docs/deploy.md). The release step runs once per upgrade, on one machine, before the
# servers restart; serving never migrates, so two machines starting together never race.
release: migrate
	$(MANAGE) collectstatic --noinput

serve: $(BIN)/.installed
	$(BIN)/gunicorn --config kutim_koperasi/gunicorn.conf.py kutim_koperasi.wsgi:application

worker: $(BIN)/.installed
	$(MANAGE) db_worker --no-reload

messages: $(BIN)/.installed
	$(MANAGE) makemessages -l en --no-obsolete --ignore=.venv --ignore=staticfiles
	$(MANAGE) compilemessages -l en --ignore=.venv

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
