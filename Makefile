# PhốiHợp — `make run` serves the demo on http://127.0.0.1:8000 with its worker; `make test` runs every test.
# Both install what they need first (pinned in requirements/lock.txt) into .venv.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install browser run test lint typecheck messages migrate seed worker lock check-deploy clean

$(STAMP): requirements/lock.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements/lock.txt
	touch $(STAMP)

install: $(STAMP) messages

messages: $(STAMP)
	$(PY) manage.py compilemessages --ignore=.venv --ignore=.tools -v 0

# The browser tests drive Debian's chromium through Playwright (no browser download): install it when missing.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Cài chromium cho kiểm thử trình duyệt (apt-get install chromium)…"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium poppler-utils >/dev/null; }

migrate: install
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

# The worker runs with an embedded beat (-B) and the filesystem broker unless REDIS_URL is set.
run: seed
	@echo "PhốiHợp: http://$(HOST):$(PORT)/  (tài khoản demo: xem README.md)"
	@VENV=$(VENV) HOST=$(HOST) PORT=$(PORT) exec bin/serve

worker: install
	$(VENV)/bin/celery -A config worker -B --loglevel=INFO

test: install browser
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

typecheck: install
	$(VENV)/bin/mypy

check-deploy: install
	DJANGO_ENV=production DJANGO_SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') \
	DJANGO_ALLOWED_HOSTS=phoihop.example EMAIL_URL=smtp+tls://mailer.example:587 \
	$(PY) manage.py check --deploy --fail-level WARNING

# Re-pin after changing pyproject.toml (needs uv: pip install uv).
lock:
	uv pip compile pyproject.toml --group dev --python-version 3.12 -o requirements/lock.txt

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache
