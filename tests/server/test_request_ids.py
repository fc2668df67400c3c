"""Request ids made in batches: UUID4s as `uuid4().hex`, each handed out once,
never shared with a forked child."""

from __future__ import annotations

import os
import uuid
import warnings

import pytest

from wethod_graphql.server import request_ids
from wethod_graphql.server.request_ids import BATCH, _made, new_request_id


def test_ids_are_spelled_as_uuid_spells_them() -> None:
    blocks = [bytes(16), b"\xff" * 16, bytes(range(16))]
    blocks += [os.urandom(16) for _ in range(BATCH)]
    spelled = [uuid.UUID(bytes=block, version=4).hex for block in blocks]
    assert _made(b"".join(blocks)) == spelled


def test_ids_over_several_batches_are_distinct_uuid4s() -> None:
    ids = [new_request_id() for _ in range(3 * BATCH + 1)]
    assert len(set(ids)) == len(ids)
    for request_id in ids:
        made = uuid.UUID(hex=request_id)
        assert made.hex == request_id
        assert made.version == 4
        assert made.variant == uuid.RFC_4122


def test_one_read_of_randomness_per_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    reads: list[int] = []

    def urandom(size: int) -> bytes:
        reads.append(size)
        return bytes(size)

    monkeypatch.setattr(request_ids, "_ready", [])
    monkeypatch.setattr(os, "urandom", urandom)
    for _ in range(BATCH):
        new_request_id()
    assert reads == [16 * BATCH]
    new_request_id()
    assert reads == [16 * BATCH, 16 * BATCH]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_child_never_hands_out_its_parents_ids() -> None:
    new_request_id()  # the parent holds ids made ahead
    pending = set(request_ids._ready)
    assert pending
    reader, writer = os.pipe()
    with warnings.catch_warnings():
        # Python 3.12 warns about forking with threads alive (the suite's
        # helpers may have some); this child only draws one id and exits.
        warnings.simplefilter("ignore", DeprecationWarning)
        child = os.fork()
    if child == 0:  # pragma: no cover - the child's lines are not traced
        try:
            os.write(writer, new_request_id().encode())
        finally:
            os._exit(0)
    os.close(writer)
    with os.fdopen(reader, "rb") as pipe:
        drawn = pipe.read().decode()
    os.waitpid(child, 0)
    assert uuid.UUID(hex=drawn).version == 4
    assert drawn not in pending
    assert set(request_ids._ready) == pending  # the parent's are left as they were
