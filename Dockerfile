# tensor-grader: one image for the API, the workers and the one-shot migration.
# docs/deployment.md explains how docker-compose.yml runs it and what the worker needs.
#
# Build arguments (leave them empty for the defaults):
#   TORCH_INDEX_URL  the package index that serves torch's CPU build (and torch's own
#                    dependencies); empty: plain `pip install torch==2.13.0` from pip's default
#                    index. Build arguments are visible in `docker history`: put no credentials
#                    in them.
#   PIP_INDEX_URL, PIP_EXTRA_INDEX_URL  read by pip itself for every other package.
FROM python:3.11-slim-bookworm

# libseccomp2: the sandbox compiles its seccomp filter through pyseccomp, which loads it.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libseccomp2 \
    && rm -rf /var/lib/apt/lists/*

# The unprivileged account of the API and the migration (the workers run as root: they must
# create namespaces). Its uid is not GRADER_SANDBOX_UID (61234), which student code runs as.
RUN useradd --system --uid 10001 --user-group --no-create-home \
        --home-dir /var/lib/tensor-grader --shell /usr/sbin/nologin grader \
    && install -d -o grader -g grader -m 0750 /var/lib/tensor-grader

# A world-readable venv outside /root: the sandbox binds it read-only into its minimal root, and
# student code (uid 61234) must be able to import torch from it.
ENV VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    GRADER_INSTANCE_DIR=/var/lib/tensor-grader
RUN python -m venv /opt/venv

# torch first, pinned, as a CPU build: every torch range of the project is satisfied by it, so
# the later installs never pull another (CUDA) build. This layer changes only with this line.
ARG TORCH_INDEX_URL=
ARG PIP_INDEX_URL=
ARG PIP_EXTRA_INDEX_URL=
RUN if [ -n "$TORCH_INDEX_URL" ]; then \
        pip install --index-url "$TORCH_INDEX_URL" torch==2.13.0; \
    else \
        pip install torch==2.13.0; \
    fi

WORKDIR /app

# The other dependencies, read from pyproject.toml alone: editing the sources does not
# invalidate this layer, only a change of pyproject.toml does.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

# The project itself, last. Installed editable from /app on purpose: `grader db upgrade` finds
# the Alembic scripts at <parent of the grader package>/migrations, i.e. /app/migrations; a
# regular install would put grader/ in site-packages, where no migrations/ lies beside it.
# (/app is not bound into the sandbox's root either, so student code cannot read the bank.)
COPY README.md ./
COPY migrations ./migrations
COPY worker ./worker
COPY grader ./grader
COPY exercises ./exercises
RUN pip install --no-deps -e . \
    && python -m compileall -q /app/grader /app/worker /app/exercises /app/migrations

USER grader
EXPOSE 8000
# The API by default; docker-compose.yml gives the workers and the migration their commands
# (workers as root: see docs/deployment.md).
CMD ["grader", "serve", "--host", "0.0.0.0", "--port", "8000"]
