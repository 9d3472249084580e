# syntax=docker/dockerfile:1
# Plansicht's image: gunicorn serving plansicht.wsgi with the static files collected and served
# by WhiteNoise. The same image runs the task worker and the migrations (compose.yaml).
# docs/production.md, "Containers".

# The front-end assets come from their npm packages, exactly as package-lock.json pins them.
FROM node:20-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint (reports) needs Pango and HarfBuzz, CairoSVG (charts) Cairo; DejaVu Sans is the
# reports' font, its widths lay out the PDF tables. pg_dump and psql for backups.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 libcairo2 \
        fonts-dejavu-core postgresql-client \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --system --create-home --home-dir /home/plansicht --uid 10001 --user-group plansicht

WORKDIR /app
# The dependencies first (their layer is kept while only the code changes), every one by hash.
COPY requirements/base.txt requirements/base.txt
RUN pip install --require-hashes -r requirements/base.txt

COPY --from=assets /build/node_modules node_modules
COPY . .

# Static files are collected into the image (var/static) and served by WhiteNoise. The
# settings refuse to load with DEBUG off and no SECRET_KEY, so collectstatic gets a throwaway
# one that exists only in this step; the real one comes from the environment at run time.
RUN DEBUG=false SECRET_KEY=collectstatic-only-not-a-secret ALLOWED_HOSTS=localhost \
        SITE_URL=https://build.invalid \
        python manage.py collectstatic --noinput \
    && mkdir -p var/media \
    && chown -R plansicht:plansicht var

USER plansicht

ENV DEBUG=false \
    GUNICORN_BIND=0.0.0.0:8000 \
    MEDIA_ROOT=/app/var/media

EXPOSE 8000
VOLUME ["/app/var/media"]

CMD ["gunicorn", "-c", "gunicorn.conf.py", "plansicht.wsgi"]
