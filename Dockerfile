# syntax=docker/dockerfile:1
# hmrc-sync's container image.
#
#   docker build -t hmrc-sync .
#   docker run --rm -p 8080:8080 --env-file .env hmrc-sync            # the web service
#   docker run --rm --env-file .env hmrc-sync sync --tax-year current  # one sync
#   docker run --rm --env-file .env --entrypoint python hmrc-sync -m hmrc_sync sync --tax-year current
#
# Kubernetes sets `command:` (e.g. python -m hmrc_sync migrate), which replaces the entrypoint.
# The builder stage makes a virtualenv from uv.lock; the final stage is the slim Python image
# with that virtualenv, no compiler and no uv, running as an unprivileged user.

ARG PYTHON_IMAGE=python:3.11-slim

FROM ${PYTHON_IMAGE} AS builder
RUN pip install --no-cache-dir uv==0.13.9
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/opt/venv
WORKDIR /src
# Dependencies first, so a code change does not reinstall them.
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --no-install-project
COPY hmrc_sync ./hmrc_sync
RUN uv sync --frozen --no-dev --no-editable

FROM ${PYTHON_IMAGE}
LABEL org.opencontainers.image.title="hmrc-sync" \
      org.opencontainers.image.description="An audited record of what HMRC holds about your pay and tax, reconciled against your payslips." \
      org.opencontainers.image.licenses="MIT"
RUN groupadd --system --gid 10001 hmrc \
    && useradd --system --uid 10001 --gid hmrc --home-dir /home/hmrc --create-home \
       --shell /usr/sbin/nologin hmrc
COPY --from=builder /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1
USER 10001:10001
WORKDIR /home/hmrc
# Fails the build if either way of starting the program is broken in the final image.
RUN hmrc-sync --version && python -m hmrc_sync sync --help > /dev/null
EXPOSE 8080
ENTRYPOINT ["hmrc-sync"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8080"]
