# One image for web (gunicorn), worker and beat (Celery). See docker-compose.yml.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    MEDIA_ROOT=/data/uploads \
    STATIC_ROOT=/app/staticfiles

# WeasyPrint needs Pango and HarfBuzz-subset (fast font subsetting); CJK fonts for Chinese PDFs.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
        fonts-noto-cjk fonts-arphic-gbsn00lp fonts-arphic-ukai \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .

# Static files are collected (hashed and compressed by WhiteNoise) at build time.
# The key below exists only for this build step; the running containers get SECRET_KEY from .env.
RUN DEBUG=0 SECRET_KEY=build-only-not-secret-collectstatic-3hVq8Zr1Lk5Wn9Tb2Xc7Md4Pf6Gs0Ja \
        ALLOWED_HOSTS=localhost \
        python manage.py collectstatic --noinput

RUN useradd --system --uid 1000 --home-dir /app --shell /usr/sbin/nologin etown \
    && mkdir -p /data/uploads \
    && chown -R etown:etown /data/uploads
USER etown

VOLUME ["/data/uploads"]
EXPOSE 8000
CMD ["gunicorn", "etown.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "120", "--max-requests", "1000", "--max-requests-jitter", "100", "--access-logfile", "-"]
