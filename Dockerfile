# Production image: front-end packages from the npm lockfile, Python packages from the pins.
# One image for every role of docker-compose.yml (web, worker, beat, migrate).
FROM node:20-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts/install_assets.sh scripts/
RUN bash scripts/install_assets.sh

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
# WeasyPrint (tagged PDF reports) renders through Pango; fonts come from fontconfig.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml constraints.txt README.md ./
RUN pip install --no-cache-dir -c constraints.txt -e .
COPY . .
COPY --from=assets /app/static/vendor static/vendor
# Static files are hashed and compressed once, here, not at every start (WhiteNoise's
# manifest storage needs DEBUG off, and settings then need a key: a throwaway one).
RUN SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" DEBUG=0 \
    python manage.py collectstatic --noinput
RUN useradd --system --home /app app && mkdir -p var/media && chown -R app var
USER app
EXPOSE 8000
# docker-compose.yml gives each service its command; this default serves the web.
CMD ["sh", "-c", "exec gunicorn config.wsgi:application --bind 0.0.0.0:8000 --workers ${WEB_WORKERS:-5} --preload --timeout 60 --access-logfile -"]
