# syntax=docker/dockerfile:1
# PhốiHợp image: one image for web (gunicorn), worker and beat (docs/deployment.md).
#   docker compose build        # or: docker build -t phoihop .
# Stages: build (wheels, pinned by requirements/lock.txt) → base (runtime libs + venv) → assets
# (compilemessages, collectstatic) → runtime (base + source + compiled assets, non-root).

ARG PYTHON_IMAGE=python:3.12-slim

# --- build: wheels for the runtime dependencies, pinned by the lock file ---------------------------------
FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /build
COPY pyproject.toml ./
COPY requirements/lock.txt requirements/lock.txt
# Only the runtime dependencies of pyproject.toml (not the dev group: pytest, playwright, ruff…), at the
# exact versions of requirements/lock.txt.
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > requirements/runtime.txt \
    && pip wheel --wheel-dir /wheels -r requirements/runtime.txt -c requirements/lock.txt

# --- base: the libraries WeasyPrint needs, fonts, the user, the virtualenv -------------------------------
FROM ${PYTHON_IMAGE} AS base
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    DJANGO_ENV=production \
    PHOIHOP_VAR_DIR=/var/lib/phoihop \
    PRIVATE_MEDIA_ROOT=/var/lib/phoihop/private
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 \
        fontconfig fonts-liberation fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
# A fixed uid/gid, so files in the volumes keep one owner across rebuilds.
RUN groupadd --system --gid 10001 phoihop \
    && useradd --system --uid 10001 --gid phoihop --home-dir /app --shell /usr/sbin/nologin phoihop
RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    python -m venv /opt/venv \
    && pip install --no-index --find-links=/wheels /wheels/*.whl
# The volumes mount here: the uploads (PRIVATE_MEDIA_ROOT) and beat's schedule. Created owned by the user
# so that a new named volume starts with that owner.
RUN mkdir -p /var/lib/phoihop/private /var/lib/phoihop/beat /var/lib/phoihop/signing /var/lib/phoihop/cache \
    && chown -R phoihop:phoihop /var/lib/phoihop
WORKDIR /app

# --- assets: compiled translations and the collected static files ---------------------------------------
FROM base AS assets
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*
COPY . .
# A throwaway secret and host: settings refuse to load in production without them; nothing is kept.
RUN export DJANGO_SECRET_KEY=build-only-not-a-secret \
           DJANGO_ALLOWED_HOSTS=build.invalid \
           EMAIL_URL=consolemail:// \
           PHOIHOP_VAR_DIR=/tmp/phoihop-build \
    && python manage.py compilemessages -v 0 \
    && python manage.py collectstatic --noinput -v 0 \
    && rm -rf /tmp/phoihop-build

# --- runtime --------------------------------------------------------------------------------------------
FROM base AS runtime
# The code stays owned by root, read-only to the app: it writes only under /var/lib/phoihop (the volumes).
COPY . .
COPY --from=assets /app/locale /app/locale
COPY --from=assets /app/staticfiles /app/staticfiles
# Bytecode compiled once here: the app user cannot write __pycache__ at run time.
RUN python -m compileall -q /app
USER phoihop
EXPOSE 8000
# /healthz answers 200 when the database and the broker answer. The Host header must be an allowed host:
# the first of DJANGO_ALLOWED_HOSTS (a leading dot or "*" handled).
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as r; h = os.environ.get('DJANGO_ALLOWED_HOSTS', '').split(',')[0].strip().lstrip('.'); h = 'localhost' if h in ('', '*') else h; r.urlopen(r.Request('http://127.0.0.1:8000/healthz', headers={'Host': h}), timeout=8)"]
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
