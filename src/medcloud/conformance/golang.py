"""Just enough Go to read a Terraform provider's resource schemas: tokens, expressions, functions, constants.

The rule extractor (:mod:`medcloud.conformance.extract`) needs the composite
literals of ``map[string]*schema.Schema{…}`` with their ``ValidateFunc`` calls,
the bodies of small validator functions, and package-level constants.  This
module tokenises Go source (comments, interpreted and raw strings, runes,
numbers, identifiers, operators) and parses expressions into plain tuples:

- ``("str", value)``, ``("int", value)``, ``("float", value)``, ``("ident", name)``
- ``("sel", base, name)`` for ``base.name``
- ``("call", func, [args])`` and ``("composite", type, [elements])`` where an
  element is an expression or ``("kv", key, value)``
- ``("unary", op, operand)``, ``("binary", op, left, right)``, ``("func", None)``
  for a function literal (its body is skipped), ``("other", text)`` otherwise.

Every node carries no position; :func:`parse_expr_at` returns the line of
the token where an expression starts, which is what a rule cites.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from medcloud.errors import GoSyntaxError as GoSyntaxError  # noqa: PLC0414 -- re-export; defined in medcloud.errors

Node = tuple[Any, ...]

_TOKEN = re.compile(
    r"""
    (?P<ws>[ \t\r\n]+)
  | (?P<comment>//[^\n]*|/\*.*?\*/)
  | (?P<raw>`[^`]*`)
  | (?P<str>"(?:[^"\\\n]|\\.)*")
  | (?P<rune>'(?:[^'\\\n]|\\.)+')
  | (?P<num>0[xX][0-9a-fA-F_]+|\d[\d_]*(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+)
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>\.\.\.|<<=|>>=|&\^=|&&|\|\||<-|\+\+|--|==|!=|<=|>=|:=|<<|>>|&\^|[-+*/%&|^<>=!(){}\[\],;.:~])
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    line: int


def tokenize(source: str) -> list[Token]:
    tokens: list[Token] = []
    pos, line = 0, 1
    while pos < len(source):
        match = _TOKEN.match(source, pos)
        if match is None:
            raise GoSyntaxError(f"line {line}: unexpected character {source[pos]!r}")
        kind = match.lastgroup or ""
        text = match.group()
        if kind not in ("ws", "comment"):
            tokens.append(Token(kind, text, line))
        line += text.count("\n")
        pos = match.end()
    return tokens


def unquote(token: Token) -> str:
    """The value of an interpreted or raw string literal."""
    if token.kind == "raw":
        return token.text[1:-1]
    body = token.text[1:-1]
    # Go's escapes are a superset of what Python's unicode_escape reads for schema strings.
    return body.encode("latin-1", "backslashreplace").decode("unicode_escape") if "\\" in body else body


_BINARY = {"||": 1, "&&": 2, "==": 3, "!=": 3, "<": 3, "<=": 3, ">": 3, ">=": 3,
           "+": 4, "-": 4, "|": 4, "^": 4, "*": 5, "/": 5, "%": 5, "<<": 5, ">>": 5, "&": 5, "&^": 5}


class Parser:
    """A recursive-descent parser over a token list (expressions only; statements are skipped)."""

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.pos = 0

    def peek(self, offset: int = 0) -> Token | None:
        i = self.pos + offset
        return self.tokens[i] if i < len(self.tokens) else None

    def at(self, text: str, offset: int = 0) -> bool:
        """Whether the token at ``offset`` is ``text``."""
        tok = self.peek(offset)
        return tok is not None and tok.text == text

    def next(self) -> Token:
        tok = self.peek()
        if tok is None:
            raise GoSyntaxError("unexpected end of source")
        self.pos += 1
        return tok

    def expect(self, text: str) -> Token:
        tok = self.next()
        if tok.text != text:
            raise GoSyntaxError(f"line {tok.line}: expected {text!r}, found {tok.text!r}")
        return tok

    def skip_balanced(self) -> None:
        """Skip from an opening bracket to its match."""
        pairs = {"(": ")", "[": "]", "{": "}"}
        opening = self.next()
        stack = [pairs[opening.text]]
        while stack:
            tok = self.next()
            if tok.text in pairs:
                stack.append(pairs[tok.text])
            elif tok.text in (")", "]", "}") and tok.text != stack.pop():
                raise GoSyntaxError(f"line {tok.line}: unbalanced {tok.text!r}")

    # --- expressions -----------------------------------------------------------------
    def expr(self, min_prec: int = 1) -> Node:
        left = self.unary()
        while True:
            tok = self.peek()
            if tok is None or tok.kind != "op" or tok.text not in _BINARY or _BINARY[tok.text] < min_prec:
                return left
            self.next()
            right = self.expr(_BINARY[tok.text] + 1)
            left = ("binary", tok.text, left, right)

    def unary(self) -> Node:
        tok = self.peek()
        if tok is not None and tok.kind == "op" and tok.text in ("&", "*", "-", "+", "!", "^", "<-"):
            self.next()
            return ("unary", tok.text, self.unary())
        return self.postfix(self.primary())

    def _type_then_composite(self) -> Node:
        """``[]T{…}``, ``[N]T{…}``, ``map[K]V{…}``: the type text, then an optional literal body."""
        start = self.pos
        if self.at("map"):
            self.next()
        self.skip_balanced()  # [..]
        self._skip_type()
        type_text = "".join(t.text for t in self.tokens[start:self.pos])
        if self.at("{"):
            return ("composite", ("other", type_text), self.elements())
        return ("other", type_text)

    def _skip_type(self) -> None:
        while True:
            tok = self.peek()
            if tok is None:
                return
            if tok.text in ("*",):
                self.next()
                continue
            if tok.text == "[":
                self.skip_balanced()
                continue
            if tok.text == "map":
                self.next()
                self.skip_balanced()
                continue
            if tok.text == "func":
                self.next()
                self.skip_balanced()
                nxt = self.peek()
                if nxt is not None and nxt.text == "(":
                    self.skip_balanced()
                elif nxt is not None and (nxt.kind == "ident" or nxt.text in ("*", "[")):
                    self._skip_type()
                return
            if tok.text in ("interface", "struct"):
                self.next()
                self.skip_balanced()
                return
            if tok.kind == "ident":
                self.next()
                while self.at(".") and (after := self.peek(1)) is not None and after.kind == "ident":
                    self.next()
                    self.next()
                return
            return

    def primary(self) -> Node:
        tok = self.peek()
        if tok is None:
            raise GoSyntaxError("unexpected end of source")
        if tok.kind in ("str", "raw"):
            self.next()
            return ("str", unquote(tok))
        if tok.kind == "num":
            self.next()
            text = tok.text.replace("_", "")
            if re.fullmatch(r"0[xX][0-9a-fA-F]+", text):
                return ("int", int(text, 16))
            if re.fullmatch(r"\d+", text):
                return ("int", int(text))
            return ("float", float(text))
        if tok.kind == "rune":
            self.next()
            return ("other", tok.text)
        if tok.text == "(":
            self.next()
            inner = self.expr()
            self.expect(")")
            return inner
        if tok.text in ("[", "map"):
            return self._type_then_composite()
        if tok.text == "func":
            self.next()
            self.skip_balanced()  # parameters
            nxt = self.peek()
            while nxt is not None and nxt.text != "{":
                if nxt.text == "(":
                    self.skip_balanced()
                else:
                    self.next()
                nxt = self.peek()
            self.skip_balanced()  # body
            return ("func", None)
        if tok.text == "{":
            # an untyped composite element, e.g. the values of map[string]*schema.Schema{"k": {…}}
            return ("composite", None, self.elements())
        if tok.kind == "ident":
            self.next()
            return ("ident", tok.text)
        raise GoSyntaxError(f"line {tok.line}: unexpected {tok.text!r}")

    def postfix(self, node: Node) -> Node:
        while True:
            tok = self.peek()
            if tok is None:
                return node
            if tok.text == ".":
                self.next()
                nxt = self.next()
                if nxt.text == "(":  # type assertion x.(T)
                    self.pos -= 1
                    self.skip_balanced()
                    continue
                node = ("sel", node, nxt.text)
            elif tok.text == "(":
                node = ("call", node, self.arguments())
            elif tok.text == "[":
                self.skip_balanced()
            elif tok.text == "{" and node[0] in ("ident", "sel"):
                node = ("composite", node, self.elements())
            else:
                return node

    def arguments(self) -> list[Node]:
        self.expect("(")
        args: list[Node] = []
        while self.peek() is not None and not self.at(")"):
            args.append(self.expr())
            if self.at("..."):
                self.next()
            if self.at(","):
                self.next()
        self.expect(")")
        return args

    def elements(self) -> list[Node]:
        self.expect("{")
        out: list[Node] = []
        while (tok := self.peek()) is not None and tok.text != "}":
            line = tok.line
            first = self.expr()
            if self.at(":"):
                self.next()
                out.append(("kv", first, self.expr(), line))
            else:
                out.append(first)
            if self.at(","):
                self.next()
        self.expect("}")
        return out


@dataclass(frozen=True)
class Function:
    name: str
    line: int
    #: tokens of the body, braces excluded
    body: list[Token]


def functions(tokens: list[Token]) -> Iterator[Function]:
    """Top-level ``func Name(…) … { … }`` declarations (methods included, by their name)."""
    i = 0
    depth = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.text == "{":
            depth += 1
        elif tok.text == "}":
            depth -= 1
        elif tok.text == "func" and depth == 0:
            j = i + 1
            if j < len(tokens) and tokens[j].text == "(":  # receiver
                parser = Parser(tokens)
                parser.pos = j
                parser.skip_balanced()
                j = parser.pos
            if j < len(tokens) and tokens[j].kind == "ident":
                name = tokens[j].text
                k = j + 1
                while k < len(tokens) and tokens[k].text != "{":
                    if tokens[k].text == "(":
                        parser = Parser(tokens)
                        parser.pos = k
                        parser.skip_balanced()
                        k = parser.pos
                    else:
                        k += 1
                parser = Parser(tokens)
                parser.pos = k
                parser.skip_balanced()
                yield Function(name, tok.line, tokens[k + 1:parser.pos - 1])
                i = parser.pos
                continue
        i += 1


_VALUE = r"""("(?:[^"\\\n]|\\.)*"|`[^`]*`|-?\d+)"""
_CONST = re.compile(r"^[ \t]*(?:const[ \t]+)?([A-Za-z_]\w*)[ \t]+(?:[A-Za-z_][\w.]*[ \t]+)?=[ \t]*"
                    + _VALUE + r"[ \t]*(?://.*)?$", re.MULTILINE)
_SINGLE_CONST = re.compile(r"^const[ \t]+([A-Za-z_]\w*)[ \t]+(?:[\w.]+[ \t]+)?=[ \t]*" + _VALUE, re.MULTILINE)


def constants(source: str) -> dict[str, str | int]:
    """Package-level ``Name [Type] = literal`` declarations (const blocks and single consts)."""
    out: dict[str, str | int] = {}
    for block in re.finditer(r"^const\s*\((.*?)^\)", source, re.MULTILINE | re.DOTALL):
        for name, raw in _CONST.findall(block.group(1)):
            out[name] = _literal(raw)
    for name, raw in _SINGLE_CONST.findall(source):
        out[name] = _literal(raw)
    return out


def _literal(raw: str) -> str | int:
    if raw.startswith(("\"", "`")):
        return unquote(Token("raw" if raw.startswith("`") else "str", raw, 0))
    return int(raw)


def imports(source: str) -> dict[str, str]:
    """Import alias (or last path element) → import path."""
    out: dict[str, str] = {}
    block = re.search(r"^import\s*\((.*?)^\)", source, re.MULTILINE | re.DOTALL)
    lines = block.group(1).splitlines() if block else re.findall(r"^import\s+(.*)$", source, re.MULTILINE)
    for line in lines:
        match = re.match(r"\s*(?:([A-Za-z_]\w*)\s+)?\"([^\"]+)\"", line)
        if match:
            path = match.group(2)
            alias = match.group(1) or re.sub(r"^v\d+$", "", path.rsplit("/", 1)[-1]) or path.rsplit("/", 2)[-2]
            out[alias] = path
    return out


def find_composite(tokens: list[Token], start: int, key: str) -> int | None:
    """Index of the ``{`` opening the value of ``key:`` (e.g. ``Schema``) at the top of a literal."""
    for i in range(start, len(tokens) - 1):
        if tokens[i].text == key and tokens[i + 1].text == ":":
            for j in range(i + 2, min(i + 12, len(tokens))):
                if tokens[j].text == "{":
                    return j
    return None
