"""Package list for setuptools: ``src/medcloud`` plus the top-level folders mapped into it.

``[tool.setuptools.packages.find]`` only searches ``src``, so it never sees
``hardware/`` and ``components/`` (installed as ``medcloud.hardware`` and
``medcloud.components`` through ``package-dir``); this lists their
sub-packages too.  Everything else lives in pyproject.toml.
"""

from pathlib import Path

from setuptools import find_namespace_packages, setup

ROOT = Path(__file__).resolve().parent


def _mapped(package: str, folder: str) -> list[str]:
    if not (ROOT / folder / "__init__.py").is_file():
        return []
    return [package] + [f"{package}.{sub}" for sub in _find(folder)]


def _find(folder: str) -> list[str]:
    # Namespace search, as pyproject's packages.find does by default: data-only
    # folders (hardware/profiles) are packages too, so their files get installed.
    return find_namespace_packages(str(ROOT / folder), exclude=["*__pycache__*"])


setup(
    packages=_find("src")
    + _mapped("medcloud.hardware", "hardware")
    + _mapped("medcloud.components", "components"),
)
