# The wethod-graphql service in a container: a slim Python base, a virtualenv
# built in one stage and copied into the next, a non-root user, a health check.
#
#   docker build -t wethod-graphql .
#   docker run -p 8000:8000 -e WETHOD_TOKEN=... -e WETHOD_COMPANY=acme wethod-graphql
#   docker run -p 8000:8000 wethod-graphql serve --demo --host 0.0.0.0
#
# Configuration is the WETHOD_* variables (README, "Configuration");
# WETHOD_WORKERS sets the server processes. GraphiQL's files are in the
# package, so the page needs no network. BASE may be any Debian-like image
# with python3 (>= 3.11) and its venv module: deploy/build-local-image builds
# one from Debian packages where no registry can be reached.
ARG BASE=python:3.11-slim-bookworm

FROM ${BASE} AS build
# pip reads these from the environment: set them (build args) to install from
# a directory of wheels (wheelhouse/ in the build context) with no index.
ARG PIP_NO_INDEX=
ARG PIP_FIND_LINKS=
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1
COPY . /src
RUN python3 -m venv /opt/venv \
 && /opt/venv/bin/pip install --no-compile /src \
 && /opt/venv/bin/python -m compileall -q /opt/venv/lib \
 && /opt/venv/bin/pip uninstall -y pip

FROM ${BASE}
RUN useradd --system --uid 10001 --user-group --no-create-home \
      --home-dir /nonexistent --shell /usr/sbin/nologin wethod
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    WETHOD_WORKERS=1
USER 10001:10001
EXPOSE 8000
# /healthz answers while the process is alive; /readyz (the upstream) is for
# orchestrators that route traffic, not for restarting the container.
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
  CMD ["python3", "-c", "import urllib.request as r; r.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["wethod-graphql"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
