"""Both reference stacks, previewed once per session through the real ``__main__.py``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from medcloud.model import Region
from medcloud.preview import Preview, preview
from medcloud.preview.engine import Registration
from medcloud.stacks import load

ROOT = Path(__file__).resolve().parents[3]


@dataclass
class Graph:
    """Query helpers over a preview's registrations."""

    region: Region
    result: Preview

    @property
    def steps(self) -> tuple[Registration, ...]:
        return self.result.steps

    def of_type(self, token: str) -> list[Registration]:
        return [s for s in self.steps if s.type == token]

    def by_urn(self, urn: str) -> Registration:
        return self.result.run.registrations[urn]

    def chain(self, step: Registration) -> list[Registration]:
        """The step's ancestors, nearest first (bounded by the number of steps)."""
        out: list[Registration] = []
        current = step
        for _ in range(len(self.steps)):
            if not current.parent:
                return out
            current = self.by_urn(current.parent)
            out.append(current)
        raise AssertionError(f"parent cycle at {step.urn}")

    def centre_of(self, step: Registration) -> str | None:
        for ancestor in self.chain(step):
            if ancestor.type == "medcloud:centre:Centre":
                return str(ancestor.inputs["centre"])
        return None

    def inputs(self, token: str) -> list[dict[str, Any]]:
        return [s.inputs for s in self.of_type(token)]


def _graph(stack: str) -> Graph:
    return Graph(load(stack, ROOT).region, preview(stack, ROOT))


@pytest.fixture(scope="session")
def dev() -> Graph:
    return _graph("dev")


@pytest.fixture(scope="session")
def ref002() -> Graph:
    return _graph("ref002")


@pytest.fixture(params=["dev", "ref002"])
def graph(request: pytest.FixtureRequest, dev: Graph, ref002: Graph) -> Graph:
    return dev if request.param == "dev" else ref002
