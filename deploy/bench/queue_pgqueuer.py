"""The queue benchmark's workload through pgqueuer, for comparison (run by deploy/bench/queue).

Enqueues N no-op jobs in batches of 1,000, then drains them with one QueueManager whose batch
size equals the slot count; prints one JSON object with the rates it saw.
"""
import argparse
import asyncio
import json
import time

import asyncpg
from pgqueuer import AsyncpgDriver, Queries, QueueManager
from pgqueuer.types import QueueExecutionMode


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dsn", required=True)
    parser.add_argument("--schema", default="bench_pgqueuer")
    parser.add_argument("--jobs", type=int, default=20000)
    parser.add_argument("--slots", type=int, default=16)
    args = parser.parse_args()

    admin = await asyncpg.connect(args.dsn)
    await admin.execute(f"DROP SCHEMA IF EXISTS {args.schema} CASCADE; CREATE SCHEMA {args.schema}")
    await admin.close()
    connection = await asyncpg.connect(args.dsn, server_settings={"search_path": args.schema})
    driver = AsyncpgDriver(connection)
    queries = Queries(driver)
    await queries.install(create_schema=False)

    started = time.perf_counter()
    remaining = args.jobs
    while remaining > 0:
        count = min(1000, remaining)
        await queries.enqueue(["noop"] * count, [None] * count, [0] * count)
        remaining -= count
    enqueue_seconds = time.perf_counter() - started

    manager = QueueManager(queries)
    done = 0

    @manager.entrypoint("noop")
    async def noop(job) -> None:
        nonlocal done
        done += 1

    started = time.perf_counter()
    await manager.run(batch_size=args.slots, mode=QueueExecutionMode.drain)
    drain_seconds = time.perf_counter() - started
    await connection.close()
    admin = await asyncpg.connect(args.dsn)
    await admin.execute(f"DROP SCHEMA IF EXISTS {args.schema} CASCADE")
    await admin.close()
    print(json.dumps({
        "pgqueuer_jobs": done,
        "pgqueuer_slots": args.slots,
        "pgqueuer_enqueue_jobs_per_s": round(args.jobs / enqueue_seconds),
        "pgqueuer_jobs_per_s": round(done / drain_seconds),
    }))


asyncio.run(main())
