"""The Grafana dashboards and their provisioning hang together (no Grafana runs here)."""

from __future__ import annotations

import json

import yaml

from tests.support.observability import DASHBOARDS, DEPLOY, dashboard_exprs

PROVISIONING = DEPLOY / "grafana" / "provisioning"


def test_every_panel_queries_the_provisioned_prometheus() -> None:
    [source] = yaml.safe_load((PROVISIONING / "datasources" / "prometheus.yml").read_text())[
        "datasources"
    ]
    assert source["type"] == "prometheus"
    assert source["url"] == "http://prometheus:9090"
    for path in DASHBOARDS:
        board = json.loads(path.read_text())
        assert board["panels"], path.name
        for panel in board["panels"]:
            assert panel["datasource"]["uid"] == source["uid"], (path.name, panel["title"])
            assert panel["targets"], (path.name, panel["title"])


def test_dashboards_have_unique_ids_and_panels_do_not_overlap() -> None:
    uids = [json.loads(p.read_text())["uid"] for p in DASHBOARDS]
    assert len(uids) == len(set(uids)) == 2
    for path in DASHBOARDS:
        cells: set[tuple[int, int]] = set()
        for panel in json.loads(path.read_text())["panels"]:
            g = panel["gridPos"]
            mine = {
                (x, y)
                for x in range(g["x"], g["x"] + g["w"])
                for y in range(g["y"], g["y"] + g["h"])
            }
            assert not cells & mine, (path.name, panel["title"])
            assert g["x"] + g["w"] <= 24
            cells |= mine


def test_the_dashboards_folder_is_where_provisioning_and_compose_mount_it() -> None:
    [provider] = yaml.safe_load((PROVISIONING / "dashboards" / "vault.yml").read_text())[
        "providers"
    ]
    compose = yaml.safe_load((DEPLOY.parent / "docker-compose.yml").read_text())
    mounts = compose["services"]["grafana"]["volumes"]
    assert f"./deploy/grafana/dashboards:{provider['options']['path']}:ro" in mounts
    assert "./deploy/grafana/provisioning:/etc/grafana/provisioning:ro" in mounts
    assert all(exprs for exprs in dashboard_exprs().values())
