# Tandem production image: migrations, then uvicorn. Never seeds demo data.
# Behind a load balancer, set FORWARDED_ALLOW_IPS to its address so client addresses
# (used by login throttling and the audit trail) and the scheme (HSTS) come from
# X-Forwarded-For and X-Forwarded-Proto; by default only a proxy on loopback is believed.
FROM python:3.11-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
RUN python -m venv /opt/venv
COPY pyproject.toml README.md requirements.lock ./
COPY app ./app
# The versions the tests ran with (requirements.lock), setuptools that builds us included.
RUN /opt/venv/bin/pip install --constraint requirements.lock pip setuptools \
    && /opt/venv/bin/pip install --constraint requirements.lock \
       --build-constraint requirements.lock .

FROM python:3.11-slim-bookworm
ENV PATH=/opt/venv/bin:$PATH PYTHONUNBUFFERED=1 TANDEM_ENV=production \
    TANDEM_MEDIA_DIR=/var/lib/tandem/media TANDEM_FRONTEND_DIR=/app/frontend \
    FORWARDED_ALLOW_IPS=127.0.0.1
RUN useradd --system --uid 10001 --home-dir /app tandem \
    && mkdir -p /var/lib/tandem/media && chown -R tandem /var/lib/tandem
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY alembic.ini ./
COPY migrations ./migrations
COPY frontend ./frontend
USER tandem
EXPOSE 8000
CMD ["sh", "-c", "alembic upgrade head && exec uvicorn app.main:create_app --factory --host 0.0.0.0 --port 8000 --proxy-headers --forwarded-allow-ips \"$FORWARDED_ALLOW_IPS\" --no-access-log"]
