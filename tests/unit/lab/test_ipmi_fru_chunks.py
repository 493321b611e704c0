"""Read FRU Data sizes learnt per BMC model: the next BMC of a model skips the refused sizes."""

from __future__ import annotations

from typing import Any

import pytest
from medcloud.hardware.transports import ipmi

FRU = bytes(range(200))
MODEL = (2011, 0x0230)


class FruBMC:
    """Read FRU Data like OpenIPMI: at most ``limit`` bytes, else C8h; counts refusals."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.refused = 0
        self.reads = 0

    def raw_command(self, netfn: int, command: int, data: Any = ()) -> dict[str, Any]:
        if command == 0x10:
            return {"code": 0, "data": [len(FRU) & 0xFF, len(FRU) >> 8, 0]}
        _, low, high, count = data
        if count > self.limit:
            self.refused += 1
            return {"code": 0xC8, "error": "Request data field length limit exceeded", "data": b""}
        self.reads += 1
        offset = low | high << 8
        chunk = FRU[offset:offset + count]
        return {"code": 0, "data": bytes([len(chunk)]) + chunk}


@pytest.fixture(autouse=True)
def fresh_memo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ipmi, "_FRU_CHUNK_BY_MODEL", {})


def test_second_bmc_of_a_model_starts_at_the_accepted_size() -> None:
    first, second = FruBMC(limit=34), FruBMC(limit=34)
    assert ipmi.read_fru(first, 0, model=MODEL) == FRU
    # 200 (the whole area), 100, 50 refused, 25 answered; then bisected: 37 refused, 31 and 34
    # answered, 35 refused: 34 it is, OpenIPMI's limit.
    assert first.refused == 5
    assert ipmi._FRU_CHUNK_BY_MODEL[MODEL] == 34
    assert ipmi.read_fru(second, 0, model=MODEL) == FRU
    assert second.refused == 0 and second.reads == 6  # 200 bytes in 34-byte reads


def test_a_stricter_bmc_of_the_same_model_still_backs_off() -> None:
    assert ipmi.read_fru(FruBMC(limit=34), 0, model=MODEL) == FRU
    strict = FruBMC(limit=16)
    assert ipmi.read_fru(strict, 0, model=MODEL) == FRU
    assert strict.refused == 2  # 34 and 17 refused; 8, 12, 14, 15, 16 answered
    assert ipmi._FRU_CHUNK_BY_MODEL[MODEL] == 16


def test_other_models_and_unnamed_reads_are_unaffected() -> None:
    assert ipmi.read_fru(FruBMC(limit=34), 0, model=MODEL) == FRU
    other = FruBMC(limit=34)
    assert ipmi.read_fru(other, 0, model=(25506, 1)) == FRU and other.refused == 5
    anonymous = FruBMC(limit=34)
    assert ipmi.read_fru(anonymous, 0) == FRU and anonymous.refused == 3  # no model to remember for: halving only
