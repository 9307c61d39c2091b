"""The two-file stack "shop" that the declared-stack and pre-commit tests both lint, and the
clean single-service stack it starts from (no rule reports GOOD)."""
from __future__ import annotations

GOOD = """version: "3.8"
services:
  web:
    image: nginx:1.27
    ports:
      - "80:8080"
    healthcheck:
      test: ["CMD", "true"]
    deploy:
      resources:
        limits:
          cpus: "0.5"
          memory: 256M
"""
# The base: its image has no tag (SL209) and it declares the external secret db (SL106).
SHOP_BASE = GOOD.replace("nginx:1.27", "nginx") + "secrets:\n  db:\n    external: true\n"
# The override uses the secret only the base declares: fine merged; alone, an undeclared
# secret (SL101) and a service without an image (SL601).
SHOP_OVERRIDE = 'version: "3.8"\nservices:\n  web:\n    secrets:\n      - db\n'
