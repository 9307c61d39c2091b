"""The collector waits while push lints are in flight and runs again after the last one."""
from __future__ import annotations

import asyncio
import gc

from stacklint.lsp.gc_pause import CollectorPause


def test_the_collector_waits_for_every_task_held_even_one_cancelled_before_it_started():
    async def scenario():
        pause, gate = CollectorPause(), asyncio.Event()
        first = asyncio.get_running_loop().create_task(gate.wait())
        pause.hold_until_done(first)
        second = asyncio.get_running_loop().create_task(gate.wait())
        pause.hold_until_done(second)
        first.cancel()  # a newer key replaced it before it ran
        await asyncio.sleep(0)
        states = [gc.isenabled()]
        gate.set()
        await second
        await asyncio.sleep(0)  # done callbacks run on the next turn of the loop
        return states + [gc.isenabled()]

    assert gc.isenabled()
    try:
        assert asyncio.run(scenario()) == [False, True]
    finally:
        gc.enable()


def test_a_collector_already_off_stays_off():
    async def scenario():
        pause = CollectorPause()
        task = asyncio.get_running_loop().create_task(asyncio.sleep(0))
        pause.hold_until_done(task)
        await task
        await asyncio.sleep(0)
        return gc.isenabled()

    gc.disable()
    try:
        assert asyncio.run(scenario()) is False
    finally:
        gc.enable()
