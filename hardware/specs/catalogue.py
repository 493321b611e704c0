"""The set of spec profiles a run can use: the shipped ones plus the user's."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from medcloud.hardware.specs.server import ServerProfile
from medcloud.hardware.specs.switch import SwitchProfile

from medcloud.errors import SourceError
from medcloud.yamlio import load_document, validate

SHIPPED = Path(__file__).resolve().parent.parent / "profiles"



@dataclass(frozen=True)
class Catalogue:
    profiles: Mapping[str, ServerProfile | SwitchProfile]

    def names(self) -> frozenset[str]:
        return frozenset(self.profiles)

    def __getitem__(self, name: str) -> ServerProfile | SwitchProfile:
        return self.profiles[name]




def load_profile(path: Path) -> ServerProfile | SwitchProfile:
    document = load_document(path)
    kind = document.data.get("kind") if isinstance(document.data, dict) else None
    model: type[ServerProfile] | type[SwitchProfile]
    if kind == "server":
        model = ServerProfile
    elif kind == "switch":
        model = SwitchProfile
    else:
        where = document.position(("kind",))
        raise SourceError(path, "kind must be 'server' or 'switch'", field="kind",
                          line=where[0] if where else None, column=where[1] if where else None)
    profile = validate(model, document)
    if profile.name != path.name.removesuffix(".yaml"):
        where = document.position(("name",))
        raise SourceError(path, f"profile name {profile.name!r} must match the file name", field="name",
                          line=where[0] if where else None, column=where[1] if where else None)
    return profile


def load_catalogue(extra: Iterable[Path] = ()) -> Catalogue:
    """Shipped profiles, then ``extra`` directories (a later profile of the same name wins)."""
    profiles: dict[str, ServerProfile | SwitchProfile] = {}
    for directory in (SHIPPED, *extra):
        if not directory.is_dir():
            raise SourceError(directory, "profile directory not found")
        for path in sorted(directory.glob("*.yaml")):
            profile = load_profile(path)
            profiles[profile.name] = profile
    return Catalogue(profiles)
