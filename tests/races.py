"""Writers racing on PostgreSQL, each thread with its own connection as two gunicorn workers would.

`Gate`, `Worker` and `blocked` hold one writer at a point and see another wait for it.
`AddedWhileTheCooperativeMoves` is the race every copy of a cooperative's kecamatan must survive
(registry/services/member_areas.py): a new row and its cooperative's move to another kecamatan, in
both orders.
"""

import threading

import pytest
from django.db import connection, transaction

from registry.models import Cooperative
from registry.services import versioning
from registry.services.versioning import remember_loaded, save_versioned


class Gate:
    """Holds one thread at a point until the test lets it go."""

    def __init__(self):
        self.reached, self.go = threading.Event(), threading.Event()

    def hold(self):
        self.reached.set()
        assert self.go.wait(60), "never let go"

    def wrap(self, function, *, thread=None):
        def held(*args, **kwargs):
            result = function(*args, **kwargs)
            if thread is None or threading.current_thread().name == thread:
                self.hold()
            return result
        return held


class Worker(threading.Thread):
    """Runs `target` with its own database connection; keeps its result or exception."""

    def __init__(self, name, target):
        super().__init__(name=name, daemon=True)
        self.target_function, self.result, self.error = target, None, None

    def run(self):
        try:
            self.result = self.target_function()
        except Exception as error:  # noqa: BLE001 (the test reads it)
            self.error = error
        finally:
            connection.close()

    def finish(self):
        self.join(timeout=60)
        assert not self.is_alive(), f"{self.name} still running"
        return self


def blocked(worker, seconds=0.5):
    """Whether `worker` is still waiting (for a row lock) after a while."""
    worker.join(timeout=seconds)
    return worker.is_alive()


class AddedWhileTheCooperativeMoves:
    """A new row and its cooperative's move to another kecamatan on two connections, in both orders.

    Mixed into a `TransactionTestCase` marked `postgres` (SQLite has no row locks to wait on). The
    test class sets `reads`, (the models module, the function's name) the new row's save reads its
    kecamatan through; its `setUp` sets `self.moving` (the cooperative that moves) and
    `self.there` (a desa in another kecamatan); it gives `add()`, which writes the new row and
    returns it, and `assert_rewritten(row)`, which checks the row holds the new kecamatan.
    """

    serialized_rollback = True
    reads = None

    def move(self):
        cooperative = remember_loaded(Cooperative.objects.get(pk=self.moving.pk))
        cooperative.desa = self.there
        return save_versioned(instance=cooperative, expected_version=cooperative.version)

    def add_in_a_transaction(self):
        with transaction.atomic():
            return self.add()

    def race(self, *, first, then, held_after):
        """Runs `first` until it has called `held_after` (module, function name), then `then`, which
        must wait for `first` to commit; both must finish without an error."""
        module, name = held_after
        gate = Gate()
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(module, name, gate.wrap(getattr(module, name), thread=first.name))
            first.start()
            assert gate.reached.wait(30)
            then.start()
            self.assertTrue(blocked(then))
            gate.go.set()
            first.finish()
            then.finish()
        self.assertIsNone(first.error)
        self.assertIsNone(then.error)

    def test_a_row_reading_the_cooperative_first_makes_the_move_wait_and_is_rewritten(self):
        # The new row has read the old kecamatan, not yet written: the move must wait for it.
        adder = Worker("add", self.add_in_a_transaction)
        self.race(first=adder, then=Worker("move", self.move), held_after=self.reads)
        self.assert_rewritten(adder.result)

    def test_a_move_holding_the_cooperative_makes_the_new_row_wait_and_read_the_new_kecamatan(self):
        # The move has rewritten the rows it sees and not yet committed: a new one waits.
        adder = Worker("add", self.add_in_a_transaction)
        self.race(first=Worker("move", self.move), then=adder,
                  held_after=(versioning, "area_copies_follow_cooperatives"))
        self.assert_rewritten(adder.result)
