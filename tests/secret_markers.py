"""A stack that plants marker values wherever a secret can hide, for the secret-value audits
(tests/test_secret_audit.py through every output format, tests/lsp/test_secret_audit.py through
the language server). No marker may appear in anything stacklint prints."""
from __future__ import annotations

from pathlib import Path
from typing import Dict, List

# Each marker is a value nobody else would print; `$` inside literals is the trap of issue 15.
LITERAL_AFTER_DOLLAR = "QXLITERALAFTERDOLLAR"
LITERAL_BEFORE_DOLLAR = "QXLITERALBEFOREDOLLAR"
LITERAL_INVALID = "QXLITERALINVALID"
URL_PASSWORD = "QXURLPASSWORD"
ENV_VALUES = {  # variables used in typed and checked fields: the deploy's (CI's) environment
    "QX_REPLICAS": "QXENVREPLICAS", "QX_MODE": "QXENVMODE", "QX_MEMORY": "QXENVMEMORY",
    "QX_CPUS": "QXENVCPUS", "QX_PORT": "QXENVPORT", "QX_INTERVAL": "QXENVINTERVAL",
    "QX_SECRET": "QXENVSECRETNAME", "QX_PRIVILEGED": "QXENVPRIVILEGED", "QX_CONSTRAINT": "QXENVCONSTRAINT",
    "QX_NETWORK": "QXENVNETWORK", "QX_VOLUME": "QXENVVOLUME", "QX_USER": "QXENVUSER",
}
ENV_FILE_VALUE = "QXENVFILEVALUE"
ENV_FILE_BARE_LINE = "QXENVFILEBARELINE"
ENV_FILE_BAD_NAME_VALUE = "QXENVFILEBADNAMEVALUE"
SECRET_FILE_VALUE = "QXSECRETFILEVALUE"

STACK = f"""\
version: "3.8"
services:
  db:
    image: postgres:16
    user: ${{QX_USER}}
    privileged: ${{QX_PRIVILEGED}}
    environment:
      POSTGRES_PASSWORD: "hunter$${{X}}{LITERAL_BEFORE_DOLLAR}$oops{LITERAL_AFTER_DOLLAR}"
      API_TOKEN: "ab$!{LITERAL_INVALID}"
      DATABASE_URL: "postgres://app:pw${URL_PASSWORD}@db:5432/app"
    env_file: [./valid.env, ./bare.env, ./badname.env]
    secrets: [db_password, "${{QX_SECRET}}"]
    networks: ["${{QX_NETWORK}}"]
    volumes: ["${{QX_VOLUME}}:/var/lib/postgresql/data"]
    ports:
      - "${{QX_PORT}}:5432"
      - target: 5432
        published: ${{QX_PORT}}
    healthcheck:
      test: ["CMD", "pg_isready"]
      interval: ${{QX_INTERVAL}}
    deploy:
      mode: ${{QX_MODE}}
      replicas: ${{QX_REPLICAS}}
      placement:
        constraints: ["${{QX_CONSTRAINT}}"]
      resources:
        limits: {{cpus: "${{QX_CPUS}}", memory: "${{QX_MEMORY}}"}}
secrets:
  db_password:
    file: ./db_password.txt
"""

FILES = {
    "valid.env": f"SECRET_KEY={ENV_FILE_VALUE}\n",
    "bare.env": f"# a pasted password on a line of its own\nhunter2 {ENV_FILE_BARE_LINE} x\n",
    "badname.env": f"MY KEY={ENV_FILE_BAD_NAME_VALUE}\n",
    "db_password.txt": f"{SECRET_FILE_VALUE}\n",
}


# --- a stack of two files (`-c base.yml -c prod.yml --env-file deploy.env`) ------------------------
# Each file loads on its own, so the checks run on the merged stack: the values the environment
# and --env-file give reach the merged findings, and literal secrets sit next to fixable keys
# (the --diff shows the lines around a fix).
OVERRIDE_LITERAL = "QXOVERRIDELITERAL"
OVERRIDE_AFTER_DOLLAR = "QXOVERRIDEAFTERDOLLAR"
OVERRIDE_LIST_TOKEN = "QXOVERRIDELISTTOKEN"
DIFF_URL_PASSWORD = "QXDIFFURLPASSWORD"
ARG_ENV_FILE_VALUES = {"QX_MODE": "QXARGFILEMODE", "QX_CPUS": "QXARGFILECPUS", "QX_NETWORK": "QXARGFILENETWORK"}
ARG_ENV_FILE_BAD_LINE = "QXARGFILEBADLINE"

BASE = f"""\
version: "3.8"
services:
  db:
    image: postgres:16
    restart: always
    environment:
      POSTGRES_PASSWORD: "hunter$${{X}}{LITERAL_BEFORE_DOLLAR}$oops{LITERAL_AFTER_DOLLAR}"
      DATABASE_URL: "postgres://app:{DIFF_URL_PASSWORD}@db:5432/app"
    container_name: db
    env_file: [./valid.env, ./bare.env]
    secrets: [db_password]
    deploy:
      mode: ${{QX_MODE}}
      placement:
        constraints: ["${{QX_CONSTRAINT}}"]
secrets:
  db_password:
    file: ./db_password.txt
"""

OVERRIDE = f"""\
version: "3.8"
services:
  db:
    environment:
      REDIS_PASSWORD: "{OVERRIDE_LITERAL}$oops{OVERRIDE_AFTER_DOLLAR}"
    deploy:
      resources:
        limits: {{cpus: "${{QX_CPUS}}", memory: "${{QX_MEMORY}}"}}
  web:
    image: nginx:1.27
    environment:
      - ADMIN_TOKEN={OVERRIDE_LIST_TOKEN}
    container_name: web
    user: ${{QX_USER}}
    ports: ["${{QX_PORT}}:80"]
    networks: ["${{QX_NETWORK}}"]
"""

ARG_ENV_FILE = "".join(f"{k}={v}\n" for k, v in ARG_ENV_FILE_VALUES.items())


def markers() -> List[str]:
    return [LITERAL_AFTER_DOLLAR, LITERAL_BEFORE_DOLLAR, LITERAL_INVALID, URL_PASSWORD, ENV_FILE_VALUE,
            ENV_FILE_BARE_LINE, ENV_FILE_BAD_NAME_VALUE, SECRET_FILE_VALUE, *ENV_VALUES.values(),
            OVERRIDE_LITERAL, OVERRIDE_AFTER_DOLLAR, OVERRIDE_LIST_TOKEN, DIFF_URL_PASSWORD,
            *ARG_ENV_FILE_VALUES.values(), ARG_ENV_FILE_BAD_LINE]


def plant(folder: Path) -> Path:
    """Write the stack and its files into folder; return the stack's path."""
    for name, text in FILES.items():
        (folder / name).write_text(text, encoding="utf-8")
    stack = folder / "docker-stack.yml"
    stack.write_text(STACK, encoding="utf-8")
    return stack


def plant_stack(folder: Path) -> List[Path]:
    """Write the two-file stack, its files and deploy.env (for --env-file) into folder; return
    [base, override, env file]."""
    plant(folder)
    paths = [folder / "base.yml", folder / "prod.yml", folder / "deploy.env"]
    for path, text in zip(paths, [BASE, OVERRIDE, ARG_ENV_FILE]):
        path.write_text(text, encoding="utf-8")
    return paths


def leaks(text: str) -> Dict[str, int]:
    """marker -> how often it appears in text (empty when nothing leaked)."""
    return {m: text.count(m) for m in markers() if m in text}
