"""Read a bridged Terraform provider's plan-time rules out of its Go source.

For each resource this walks the ``map[string]*schema.Schema{…}`` literal of the
function the provider registers for it (``ResourcesMap`` in ``provider.go``)
and turns every attribute into data: type, required/optional/computed, list
bounds, nested blocks, ``ConflictsWith`` / ``RequiredWith`` / ``ExactlyOneOf``
/ ``AtLeastOneOf``, and its ``ValidateFunc`` as a validator tree
(:data:`VALIDATORS` names the ones understood).  Validators are followed
through the provider's own helper functions (a ``switch`` over constants, a
``return validation.X(…)``) and constants are resolved across packages
(gophercloud's ``ikepolicies.AuthAlgorithmSHA1`` → ``"sha1"``).  What cannot
be read stays in the data as ``{"op": "opaque", "func": …}``, which the
checker reports as skipped, never as passed.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from medcloud.conformance.golang import (
    Function,
    GoSyntaxError,
    Node,
    Parser,
    Token,
    constants,
    find_composite,
    functions,
    imports,
    tokenize,
)

#: validation helpers understood, by function name (``validation.X`` or the provider's wrapper ``X``)
ENUMS = {"StringInSlice": "in", "IntInSlice": "in", "StringNotInSlice": "not_in"}
RANGES = {"IntBetween": ("int", 2), "IntAtLeast": ("int", 1), "IntAtMost": ("int", 1),
          "FloatBetween": ("number", 2), "FloatAtLeast": ("number", 1), "FloatAtMost": ("number", 1)}
FORMATS = frozenset({
    "IsCIDR", "IsCIDRNetwork", "IsIPAddress", "IsIPv4Address", "IsIPv6Address", "IsPortNumber",
    "IsPortNumberOrZero", "StringIsJSON", "IsUUID", "IsRFC3339Time", "IsURLWithHTTPorHTTPS", "IsURLWithHTTPS",
    "StringIsNotEmpty", "StringIsNotWhiteSpace", "NoZeroValues", "StringIsBase64", "IsMACAddress",
    "StringIsEmpty", "StringIsWhiteSpace", "IsIPv4Range",
})
VALIDATORS = sorted({*ENUMS, *RANGES, *FORMATS, "StringLenBetween", "StringMatch", "StringDoesNotMatch",
                     "All", "Any", "ToDiagFunc"})


class Source:
    """Files of one Go module at one version: a git directory at a ref, or a checked-out tree."""

    def __init__(self, root: Path, ref: str | None = None) -> None:
        self.root = root
        self.ref = ref
        self._cache: dict[str, str] = {}

    @property
    def commit(self) -> str:
        if self.ref is None:
            try:
                return self._git("rev-parse", "HEAD").strip()
            except (OSError, subprocess.CalledProcessError):
                return "working tree"
        return self._git("rev-parse", f"{self.ref}^{{commit}}").strip()

    def _git(self, *args: str) -> str:
        return subprocess.run(["git", f"--git-dir={self._git_dir()}", *args], check=True,
                              capture_output=True, text=True).stdout

    def _git_dir(self) -> Path:
        return self.root / ".git" if (self.root / ".git").exists() else self.root

    def read(self, path: str) -> str:
        if path not in self._cache:
            if self.ref is None:
                self._cache[path] = (self.root / path).read_text(encoding="utf-8")
            else:
                self._cache[path] = self._git("show", f"{self.ref}:{path}")
        return self._cache[path]

    def grep(self, pattern: str, under: str) -> list[str]:
        """Files under ``under`` (non-test ``.go``) with a line matching the extended regex."""
        if self.ref is None:
            proc = subprocess.run(["grep", "-rlE", "--include=*.go", pattern, str(self.root / under)],
                                  check=False, capture_output=True, text=True)
            names = [str(Path(p).relative_to(self.root)) for p in proc.stdout.split()]
        else:
            proc = subprocess.run(["git", f"--git-dir={self._git_dir()}", "grep", "-lE", pattern, self.ref,
                                   "--", f"{under}/*.go"], check=False, capture_output=True, text=True)
            names = [line.split(":", 1)[1] for line in proc.stdout.split()]
        return sorted(n for n in names if not n.endswith("_test.go"))


@dataclass
class Package:
    """One Go package of a module: its functions and constants, read on demand."""

    source: Source
    directory: str
    module: str
    _functions: dict[str, tuple[str, Function, list[Token]]] = field(default_factory=dict)
    _constants: dict[str, str | int] | None = None

    def function(self, name: str) -> tuple[str, Function, list[Token]] | None:
        if name not in self._functions:
            for path in self.source.grep(rf"^func (\([^)]*\) )?{name}\(", self.directory):
                tokens = tokenize(self.source.read(path))
                for fn in functions(tokens):
                    if fn.name == name:
                        self._functions[name] = (path, fn, tokens)
                        break
                if name in self._functions:
                    break
        return self._functions.get(name)

    def constant(self, name: str) -> str | int | None:
        if self._constants is None:
            self._constants = {}
            for path in self.source.grep(r"^(const|\t[A-Za-z_]\w*( [A-Za-z_][\w.]*)? +=)", self.directory):
                self._constants.update(constants(self.source.read(path)))
        return self._constants.get(name)


@dataclass
class World:
    """The provider's main package plus the modules its imports resolve to (module path → Source)."""

    main: Package
    modules: dict[str, Source]
    _packages: dict[str, Package] = field(default_factory=dict)

    def package_for(self, import_path: str) -> Package | None:
        if import_path.startswith(self.main.module + "/"):
            rel = import_path[len(self.main.module) + 1:]
            if rel == self.main.directory:
                return self.main
            return self._package(self.main.source, rel, import_path)
        for module, source in self.modules.items():
            if import_path == module or import_path.startswith(module + "/"):
                rel = import_path[len(module) + 1:] if import_path != module else "."
                return self._package(source, rel, module)
        return None

    def _package(self, source: Source, rel: str, module: str) -> Package:
        key = f"{id(source)}:{rel}"
        if key not in self._packages:
            self._packages[key] = Package(source, rel, module)
        return self._packages[key]


class Context:
    """Where an expression lives (package, file imports), for resolving names."""

    def __init__(self, world: World, package: Package, path: str) -> None:
        self.world = world
        self.package = package
        self.path = path
        self.imports = imports(package.source.read(path))

    def resolve(self, node: Node) -> str | int | float | bool | None:
        kind = node[0]
        if kind in ("str", "int", "float"):
            literal: str | int | float = node[1]
            return literal
        if kind == "ident":
            if node[1] in ("true", "false"):
                return bool(node[1] == "true")
            return self.package.constant(str(node[1]))
        if kind == "sel" and node[1][0] == "ident":
            target = self.imports.get(node[1][1])
            package = self.world.package_for(target) if target else None
            return package.constant(str(node[2])) if package else None
        if kind == "call" and len(node[2]) == 1:  # a conversion: string(X), ikepolicies.PFS("group5")
            return self.resolve(node[2][0])
        if kind == "unary" and node[1] == "-":
            operand = self.resolve(node[2])
            return -operand if isinstance(operand, int | float) and not isinstance(operand, bool) else None
        if kind == "binary" and node[1] == "+":
            left, right = self.resolve(node[2]), self.resolve(node[3])
            if isinstance(left, str) and isinstance(right, str):
                return left + right
        if kind == "binary" and node[1] == "*":
            left, right = self.resolve(node[2]), self.resolve(node[3])
            if isinstance(left, int) and isinstance(right, int):
                return left * right
        return None

    def function(self, node: Node) -> tuple[Context, Function, list[Token]] | None:
        """The function ``node`` names (``f`` in this package or ``pkg.f`` in an imported one)."""
        if node[0] == "ident":
            found = self.package.function(node[1])
            package = self.package
        elif node[0] == "sel" and node[1][0] == "ident" and node[1][1] in self.imports:
            pkg = self.world.package_for(self.imports[node[1][1]])
            if pkg is None:
                return None
            found = pkg.function(node[2])
            package = pkg
        else:
            return None
        if found is None:
            return None
        path, fn, tokens = found
        return Context(self.world, package, path), fn, tokens


def _name(node: Node) -> str:
    if node[0] == "ident":
        return str(node[1])
    if node[0] == "sel":
        return str(node[2])
    return ""


def _fields(node: Node) -> dict[str, tuple[Node, int]]:
    """``Key: value`` elements of a composite literal, with the line of each key."""
    while node[0] == "unary" and node[1] == "&":
        node = node[2]
    if node[0] != "composite":
        return {}
    return {_name(el[1]): (el[2], el[3]) for el in node[2] if el[0] == "kv" and el[1][0] in ("ident", "sel")}


def _strings(node: Node, ctx: Context) -> list[Any] | None:
    if node[0] != "composite":
        return None
    values = [ctx.resolve(el) for el in node[2]]
    return None if any(v is None for v in values) else values


def _returned(ctx: Context, fn: Function, tokens: list[Token]) -> Node | None:
    """The expression of a function's single top-level ``return``, if it has exactly one."""
    body = fn.body
    returns = [i for i, tok in enumerate(body) if tok.text == "return"]
    if len(returns) != 1:
        return None
    parser = Parser(body)
    parser.pos = returns[0] + 1
    try:
        return parser.expr()
    except GoSyntaxError:
        return None


def _switch_enum(ctx: Context, fn: Function) -> list[Any] | None:
    """A validator written as ``switch T(v.(string)) { case A, B: return nil, nil }`` → [A, B]."""
    body = fn.body
    values: list[Any] = []
    i = 0
    while i < len(body):
        if body[i].text == "case":
            parser = Parser(body)
            parser.pos = i + 1
            items: list[Node] = []
            try:
                while True:
                    items.append(parser.expr())
                    if parser.peek() is not None and parser.peek().text == ",":  # type: ignore[union-attr]
                        parser.next()
                        continue
                    break
                parser.expect(":")
            except GoSyntaxError:
                return None
            after = [t.text for t in body[parser.pos:parser.pos + 4]]
            if after == ["return", "nil", ",", "nil"]:
                for item in items:
                    value = ctx.resolve(item)
                    if value is None:
                        return None
                    values.append(value)
            i = parser.pos
            continue
        i += 1
    return values or None


def validator(node: Node, ctx: Context, depth: int = 0) -> dict[str, Any]:
    """A ``ValidateFunc`` expression as a validator tree (``op`` plus its parameters)."""
    if depth > 6:
        return {"op": "opaque", "func": "nested too deep"}
    if node[0] == "call":
        name = _name(node[1])
        args = node[2]
        if name == "ToDiagFunc" and args:
            return validator(args[0], ctx, depth + 1)
        if name in ENUMS and args:
            values = _strings(args[0], ctx)
            if values is not None:
                ignore = len(args) > 1 and ctx.resolve(args[1]) is True
                return {"op": ENUMS[name], "values": values, "ignore_case": ignore}
        if name in RANGES:
            kind, arity = RANGES[name]
            bounds = [ctx.resolve(a) for a in args[:arity]]
            if len(bounds) == arity and all(isinstance(b, int | float) for b in bounds):
                if name.endswith("Between"):
                    return {"op": "range", "type": kind, "min": bounds[0], "max": bounds[1]}
                if name.endswith("AtLeast"):
                    return {"op": "range", "type": kind, "min": bounds[0]}
                return {"op": "range", "type": kind, "max": bounds[0]}
        if name == "StringLenBetween" and len(args) == 2:
            lo, hi = ctx.resolve(args[0]), ctx.resolve(args[1])
            if isinstance(lo, int) and isinstance(hi, int):
                return {"op": "length", "min": lo, "max": hi}
        if name in ("StringMatch", "StringDoesNotMatch") and args and args[0][0] == "call" \
                and _name(args[0][1]) == "MustCompile" and args[0][2]:
            pattern = ctx.resolve(args[0][2][0])
            message = ctx.resolve(args[1]) if len(args) > 1 else None
            if isinstance(pattern, str):
                out: dict[str, Any] = {"op": "match" if name == "StringMatch" else "not_match", "pattern": pattern}
                if isinstance(message, str) and message:
                    out["message"] = message
                return out
        if name in ("All", "Any"):
            return {"op": name.lower(), "of": [validator(a, ctx, depth + 1) for a in args]}
        if name in FORMATS:
            params = [ctx.resolve(a) for a in args]
            return {"op": "format", "format": name, "args": params} if params else {"op": "format", "format": name}
        found = ctx.function(node[1])
        if found is not None:  # a factory in the provider: func x(…) schema.SchemaValidateFunc { return … }
            fctx, fn, tokens = found
            ret = _returned(fctx, fn, tokens)
            if ret is not None and ret[0] in ("call", "ident", "sel"):
                inner = validator(ret, fctx, depth + 1)
                if inner["op"] != "opaque":
                    return inner
        return {"op": "opaque", "func": _expr_text(node)}
    if node[0] in ("ident", "sel"):
        name = _name(node)
        if name in FORMATS:
            return {"op": "format", "format": name}
        found = ctx.function(node)
        if found is not None:
            fctx, fn, tokens = found
            values = _switch_enum(fctx, fn)
            if values is not None:
                return {"op": "in", "values": values, "ignore_case": False}
            ret = _returned(fctx, fn, tokens)
            if ret is not None and ret[0] == "call" and ret[1][0] == "call":
                # return validation.X(...)(v, k)
                inner = validator(ret[1], fctx, depth + 1)
                if inner["op"] != "opaque":
                    return inner
        return {"op": "opaque", "func": name}
    return {"op": "opaque", "func": _expr_text(node)}


def _expr_text(node: Node) -> str:
    if node[0] == "ident":
        return str(node[1])
    if node[0] == "sel":
        return f"{_expr_text(node[1])}.{node[2]}"
    if node[0] == "call":
        return f"{_expr_text(node[1])}(…)"
    return str(node[0])


_TYPES = {"TypeString": "string", "TypeInt": "integer", "TypeFloat": "number", "TypeBool": "boolean",
          "TypeList": "list", "TypeSet": "set", "TypeMap": "map"}


def attribute(node: Node, ctx: Context, line: int, depth: int = 0) -> dict[str, Any] | None:
    """One ``*schema.Schema`` as data (None when it is not a schema literal this reader follows)."""
    node, ctx = _schema_literal(node, ctx)
    fields = _fields(node)
    if "Type" not in fields:
        return None
    out: dict[str, Any] = {"type": _TYPES.get(_name(fields["Type"][0]), "unknown"), "line": line}
    for flag in ("Required", "Optional", "Computed", "ForceNew", "Sensitive"):
        if flag in fields and ctx.resolve(fields[flag][0]) is True:
            out[flag.lower()] = True
    for key in ("MaxItems", "MinItems"):
        if key in fields:
            value = ctx.resolve(fields[key][0])
            if isinstance(value, int):
                out["max_items" if key == "MaxItems" else "min_items"] = value
    if "Deprecated" in fields:
        out["deprecated"] = True
    for key, name in (("ConflictsWith", "conflicts_with"), ("RequiredWith", "required_with"),
                      ("ExactlyOneOf", "exactly_one_of"), ("AtLeastOneOf", "at_least_one_of")):
        if key in fields:
            values = _strings(fields[key][0], ctx)
            if values:
                out[name] = values
    for key in ("ValidateFunc", "ValidateDiagFunc"):
        if key in fields:
            out["validate"] = dict(validator(fields[key][0], ctx), line=fields[key][1])
    if "Elem" in fields and depth < 8:
        elem_node, elem_ctx = _schema_literal(fields["Elem"][0], ctx)
        elem_fields = _fields(elem_node)
        if "Schema" in elem_fields:
            out["block"] = block(elem_fields["Schema"][0], elem_ctx, depth + 1)
        elif "Type" in elem_fields:
            elem = attribute(elem_node, elem_ctx, fields["Elem"][1], depth + 1)
            if elem is not None:
                out["elem"] = elem
    return out


def _schema_literal(node: Node, ctx: Context) -> tuple[Node, Context]:
    """Follow ``helper()`` calls that return a schema literal (``tagsSchema()``, ``resourceX()``)."""
    for _ in range(4):
        if node[0] == "call" and not node[2]:
            found = ctx.function(node[1])
            if found is None:
                break
            fctx, fn, tokens = found
            ret = _returned(fctx, fn, tokens)
            if ret is None:
                break
            node, ctx = ret, fctx
            continue
        break
    return node, ctx


def block(node: Node, ctx: Context, depth: int = 0) -> dict[str, Any]:
    """A ``map[string]*schema.Schema{…}`` literal → attribute name → attribute data."""
    out: dict[str, Any] = {}
    if node[0] != "composite":
        return out
    for el in node[2]:
        if el[0] != "kv":
            continue
        name = ctx.resolve(el[1])
        if not isinstance(name, str):
            continue
        attr = attribute(el[2], ctx, el[3], depth)
        if attr is not None:
            out[name] = attr
    return out


def resources_map(source: Source, provider_go: str) -> dict[str, str]:
    """``"tf_name": constructor()`` entries of the provider's ResourcesMap."""
    text = source.read(provider_go)
    start = text.find("ResourcesMap")
    section = text[start:] if start >= 0 else text
    return dict(re.findall(r'"([a-z0-9_]+)":\s*([A-Za-z_]\w*)\(\)', section))


def resource_schema(world: World, constructor: str) -> tuple[str, dict[str, Any]]:
    """The file and schema of the resource a constructor function builds."""
    found = world.main.function(constructor)
    if found is None:
        raise GoSyntaxError(f"function {constructor} not found in {world.main.directory}")
    path, fn, _tokens = found
    ctx = Context(world, world.main, path)
    index = find_composite(fn.body, 0, "Schema")
    if index is None:
        raise GoSyntaxError(f"{path}: {constructor} has no Schema literal")
    parser = Parser(fn.body)
    # back up to the map type before the brace: map[string]*schema.Schema{
    start = index
    while start > 0 and fn.body[start - 1].text != ":":
        start -= 1
    parser.pos = start
    node = parser.expr()
    return path, block(node, ctx)
