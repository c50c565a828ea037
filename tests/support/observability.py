"""What the Prometheus rules and the Grafana dashboards in ``deploy/`` query."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
DASHBOARDS = sorted((DEPLOY / "grafana" / "dashboards").glob("*.json"))
ALERTS = DEPLOY / "prometheus" / "alerts.yml"
_METRIC = re.compile(r"\bvault_[a-z0-9_]+\b")
_HISTOGRAM_PARTS = ("_bucket", "_sum", "_count")


def dashboard_exprs() -> dict[str, list[str]]:
    """Each dashboard's file name and every PromQL expression its panels query."""
    found: dict[str, list[str]] = {}
    for path in DASHBOARDS:
        board: dict[str, Any] = json.loads(path.read_text())
        found[path.name] = [t["expr"] for p in board["panels"] for t in p.get("targets", [])]
    return found


def alert_exprs() -> dict[str, str]:
    rules = yaml.safe_load(ALERTS.read_text())
    return {r["alert"]: r["expr"] for g in rules["groups"] for r in g["rules"]}


def queried_metrics() -> set[str]:
    """Every ``vault_`` metric named in a dashboard or an alert rule (histogram series as
    their family's name)."""
    exprs = [e for es in dashboard_exprs().values() for e in es] + list(alert_exprs().values())
    names = {name for expr in exprs for name in _METRIC.findall(expr)}
    return {_family(name) for name in names}


def _family(name: str) -> str:
    for part in _HISTOGRAM_PARTS:
        if name.endswith(part):
            return name.removesuffix(part)
    return name
