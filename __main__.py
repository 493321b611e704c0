"""The medcloud Pulumi program: `pulumi up` builds the region named by the stack config."""

from pathlib import Path

from medcloud.components.program import run

run(Path(__file__).resolve().parent)
