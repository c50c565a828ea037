"""The launcher itself: durable restarts, a second `up`, clean `down`, a three-node cluster."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time
from pathlib import Path

from aiokafka import AIOKafkaProducer

from tests.support.kafka import create_topic, read_all
from vault.infra.launcher import Endpoints, Launcher
from vault.infra.process import free_port_block, pid_alive


def _kafka_only(state: Path, infra: Endpoints) -> Launcher:
    # Reuse the session's PostgreSQL through DATABASE_URL: only Kafka is launched here.
    env = {k: v for k, v in os.environ.items() if k != "KAFKA_BOOTSTRAP_SERVERS"}
    env["DATABASE_URL"] = infra.admin_database_url or ""
    return Launcher(state=state, env=env)


async def _produce(bootstrap: str, topic: str, count: int) -> None:
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, acks="all", enable_idempotence=True, request_timeout_ms=15000
    )
    await producer.start()
    try:
        for seq in range(count):
            await producer.send_and_wait(topic, key=b"k", value=str(seq).encode())
    finally:
        await producer.stop()


def _wait_dead(pids: list[int], timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while any(pid_alive(p) for p in pids) and time.monotonic() < deadline:
        for pid in pids:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, os.WNOHANG)
        time.sleep(0.1)
    assert not any(pid_alive(p) for p in pids)


async def test_broker_killed_with_sigkill_still_has_its_acknowledged_messages_after_restart(
    tmp_path: Path, infra: Endpoints
) -> None:
    launcher = _kafka_only(tmp_path, infra)
    endpoints, _ = await asyncio.to_thread(launcher.up, kafka_port=free_port_block(2))
    try:
        await create_topic(endpoints.bootstrap_servers, "durable")
        await _produce(endpoints.bootstrap_servers, "durable", 50)
        pids = launcher.kafka(1, 0).running_pids()
        assert len(pids) == 1
        os.kill(pids[0], signal.SIGKILL)
        _wait_dead(pids)

        restarted, already = await asyncio.to_thread(launcher.up)
        assert not already
        assert restarted.bootstrap_servers == endpoints.bootstrap_servers
        values = [v for _, v in await read_all(restarted.bootstrap_servers, "durable", 50)]
        assert values == [str(i).encode() for i in range(50)]
    finally:
        await asyncio.to_thread(launcher.down)


async def test_second_up_reports_the_running_cluster_and_down_leaves_no_process(
    tmp_path: Path, infra: Endpoints
) -> None:
    launcher = _kafka_only(tmp_path, infra)
    first, already_first = await asyncio.to_thread(launcher.up, kafka_port=free_port_block(2))
    pids = launcher.kafka(1, 0).running_pids()
    second, already_second = await asyncio.to_thread(launcher.up)
    assert (already_first, already_second) == (False, True)
    assert second.bootstrap_servers == first.bootstrap_servers
    assert launcher.kafka(1, 0).running_pids() == pids

    assert await asyncio.to_thread(launcher.down)
    _wait_dead(pids)
    assert launcher.running() is None
    assert await asyncio.to_thread(launcher.down) == []


async def test_three_node_cluster_accepts_acks_all_writes_with_one_node_killed(
    tmp_path: Path, infra: Endpoints
) -> None:
    launcher = _kafka_only(tmp_path, infra)
    endpoints, _ = await asyncio.to_thread(launcher.up, brokers=3, kafka_port=free_port_block(6))
    cluster = launcher.kafka(3, 0)
    try:
        assert endpoints.timings_s["kafka_up_to_ready"] > 0
        bootstrap = endpoints.bootstrap_servers
        await create_topic(
            bootstrap, "replicated", partitions=3, replicas=3, configs={"min.insync.replicas": "2"}
        )
        await _produce(bootstrap, "replicated", 20)
        victim = cluster.running_pids()[-1]
        os.kill(victim, signal.SIGKILL)
        _wait_dead([victim])
        # Two in-sync replicas remain, so acks=all writes still succeed.
        await _produce(bootstrap, "replicated", 20)
        assert len(await read_all(bootstrap, "replicated", 40)) == 40
    finally:
        pids = cluster.running_pids()
        await asyncio.to_thread(launcher.down)
        _wait_dead(pids, timeout_s=40)
