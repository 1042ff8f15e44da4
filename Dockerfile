# Sinergi production image: `docker build -t sinergi .`, or `docker compose up` with
# docker-compose.yml. The code runs from /app: pyproject.toml installs no package of its
# own (`packages = []`), only the runtime dependencies, never the dev extras.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    SINERGI_ENV=production \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/app/media

# A writable home of its own: gunicorn keeps its control socket in ~/.gunicorn.
RUN groupadd --system --gid 10001 sinergi \
    && useradd --system --uid 10001 --gid sinergi --create-home --home-dir /home/sinergi \
        --shell /usr/sbin/nologin sinergi

# Dependencies get their own layer, so a code change does not reinstall them.
COPY pyproject.toml /tmp/sinergi/
RUN pip install /tmp/sinergi && rm -rf /tmp/sinergi

WORKDIR /app
COPY . .

# Static files are collected at build time: production settings refuse to load without
# their secrets, so this one command gets throwaway values made here, which end with it
# and never reach the image's environment.
RUN python -m config.translations \
    && SECRET_KEY="build-only-$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
       FIELD_ENCRYPTION_KEYS="$(python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')" \
       IDENTITY_HASH_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(32))')" \
       ALLOWED_HOSTS=build.invalid \
       DATABASE_URL=postgres://build:build@build.invalid:5432/build \
       REDIS_URL=redis://build.invalid:6379/0 \
       python manage.py collectstatic --noinput \
    && mkdir -p /app/var /app/media \
    && chown sinergi:sinergi /app/var /app/media

# The code stays root-owned and read-only; the app writes only var/ and media/.
USER sinergi
EXPOSE 8000

CMD ["gunicorn", "--config", "config/gunicorn.conf.py", "config.wsgi:application"]
