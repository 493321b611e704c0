"""The installed Pulumi provider SDK's schema, read from its generated Python classes.

Each resource class ``pulumi_<provider>.<module>.<Name>`` has a ``<Name>Args``
input type whose ``__init__`` lists every input (required ones without a
default) and whose getters carry the wire (camelCase) names.  Nested inputs
are ``…Args`` classes of the package's ``_inputs`` module.  This is the SDK the
program is typed against, so the conformance data records it beside the
Terraform rules (and a test compares the two against the installed package).
"""

from __future__ import annotations

import collections.abc
import importlib
import inspect
import sys
import typing
import warnings
from typing import Any

from pulumi._types import input_type_py_to_pulumi_names


def _core(annotation: Any) -> Any:
    """The plain type inside ``pulumi.Input[Optional[T]]`` (a Union with Awaitable and Output[T])."""
    for _ in range(8):
        if typing.get_origin(annotation) is typing.Union:
            members = [a for a in typing.get_args(annotation)
                       if a is not type(None) and typing.get_origin(a) is not collections.abc.Awaitable
                       and not (isinstance(a, typing.ForwardRef) and a.__forward_arg__.startswith("Output"))]
            if not members:
                return Any
            annotation = members[0]
            continue
        return annotation
    return annotation


def _kind(annotation: Any) -> tuple[str, str | None]:
    """(schema type, nested Args class name) of an input's annotation."""
    core = _core(annotation)
    origin = typing.get_origin(core)
    if origin in (collections.abc.Sequence, list):
        item = _kind(typing.get_args(core)[0])[1] if typing.get_args(core) else None
        return "array", item
    if origin in (collections.abc.Mapping, dict):
        return "map", None
    if isinstance(core, typing.ForwardRef):
        return "object", core.__forward_arg__
    if isinstance(core, type):
        if core.__name__.endswith("Args"):
            return "object", core.__name__
        kinds = {str: "string", bool: "boolean", int: "integer", float: "number"}
        return kinds.get(core, "any"), None
    return "any", None


def _describe(cls: type, module: Any, depth: int = 0) -> dict[str, Any]:
    names = input_type_py_to_pulumi_names(cls)
    params = inspect.signature(cls.__init__).parameters  # type: ignore[misc]
    out: dict[str, Any] = {}
    for py_name, wire in sorted(names.items(), key=lambda kv: kv[1]):
        param = params.get(py_name)
        kind, nested = _kind(param.annotation if param is not None else Any)
        prop: dict[str, Any] = {"type": kind, "python": py_name}
        if param is not None and param.default is inspect.Parameter.empty:
            prop["required"] = True
        if nested and depth < 8:
            nested_cls = getattr(module, nested, None) or getattr(sys.modules.get(cls.__module__), nested, None)
            if isinstance(nested_cls, type):
                prop["properties"] = _describe(nested_cls, module, depth + 1)
        out[wire] = prop
    return out


def resource_class(package: str, token: str) -> type:
    """``alicloud:vpn/gateway:Gateway`` → ``pulumi_alicloud.vpn.Gateway``."""
    _, middle, name = token.split(":")
    module_name = middle.split("/")[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        module = importlib.import_module(f"{package}.{module_name}" if module_name != "index" else package)
        cls = getattr(module, name)
    if not isinstance(cls, type):
        raise TypeError(f"{token}: {package}.{module_name}.{name} is not a class")
    return cls


def resource_schema(package: str, token: str) -> dict[str, Any]:
    """Input properties of one resource as the installed SDK declares them (wire name → type, required)."""
    cls = resource_class(package, token)
    module = sys.modules[cls.__module__]
    args = getattr(module, f"{cls.__name__}Args")
    inputs = sys.modules.get(module.__name__.rsplit(".", 1)[0] + "._inputs")
    return _describe(args, inputs or module)
