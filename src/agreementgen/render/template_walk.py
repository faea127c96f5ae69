"""Reading templates without rendering them: the types of names, and a walk of the syntax tree.

The walk follows what every name of a template refers to (the context declared in
`agreementgen.render.context`) and reports the variables and attributes nothing provides.
"""

from __future__ import annotations

import collections.abc
import dataclasses
import functools
import inspect
import types
import typing
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Union

from jinja2 import nodes
from markupsafe import Markup

from agreementgen.errors import suggestion
from agreementgen.language import tr
from agreementgen.render.context import JINJA_GLOBALS, PARTIAL_CONTEXT
from agreementgen.render.problems import SANDBOX_HINT
from agreementgen.render.templating import UNTOUCHABLE

# -- types: what a name in a template refers to ------------------------------------------------
# A type is a frozenset of Python types (a union). ANY is "could be anything": nothing is said
# about it. NOTHING is "not known yet": a macro parameter before its calls have been seen;
# it adds nothing to a union and nothing is said about it either.

Ty = frozenset[Any]
ANY: Ty = frozenset({Any})
NOTHING: Ty = frozenset()


def type_of(hint: Any) -> Ty:
    """Return a type hint as a Ty, unions flattened."""
    if typing.get_origin(hint) in (Union, types.UnionType):
        return frozenset().union(*(type_of(arg) for arg in typing.get_args(hint)))
    if hint is Any or hint is object:
        return ANY
    return frozenset({hint})


def _unknown(ty: Ty) -> bool:
    return Any in ty


def _hints(owner: Any) -> dict[str, Any]:
    return _cached_hints(owner)


@functools.cache
def _cached_hints(owner: Any) -> dict[str, Any]:
    try:
        return typing.get_type_hints(owner)
    except Exception:  # a type whose annotations cannot be resolved: say nothing about it
        return {}


def attribute(ty: Ty, name: str) -> Ty | None:
    """Return the type of attribute `name` of a value of type `ty`; None if it has none.

    A union has an attribute when one of its members has it: templates tell blocks apart
    by their kind before using what only one kind has.
    """
    if _unknown(ty) or not ty:
        return ty
    found = [t for t in (_member_attribute(atom, name) for atom in ty) if t is not None]
    return frozenset().union(*found) if found else None


def _member_attribute(atom: Any, name: str) -> Ty | None:
    if atom is type(None):
        return None
    origin: Any = typing.get_origin(atom) or atom
    if typing.is_typeddict(atom):
        hints = _hints(atom)
        if name in hints:
            return type_of(hints[name])
        return ANY if hasattr(dict, name) else None
    if dataclasses.is_dataclass(origin):
        hints = _hints(origin)
        if name in hints:
            return type_of(hints[name])
        member = inspect.getattr_static(origin, name, None)
        if isinstance(member, property) and member.fget is not None:
            return type_of(_hints(member.fget).get("return", Any))
    if origin is collections.abc.Callable:
        return None
    if isinstance(origin, type) and hasattr(origin, name):
        return ANY  # a method, e.g. str.split
    return None


def element(ty: Ty) -> Ty:
    """Return the type of the items a `{% for %}` over a value of type `ty` yields."""
    if _unknown(ty) or not ty:
        return ty
    found: set[Any] = set()
    for atom in ty:
        origin: Any = typing.get_origin(atom)
        args = typing.get_args(atom)
        if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
            found |= type_of(args[0])
        elif origin is tuple:
            found |= frozenset().union(*(type_of(a) for a in args))
        elif origin in (list, set, frozenset, dict, collections.abc.Sequence) and args:
            found |= type_of(args[0])
        elif atom in (str, Markup):
            found.add(str)
        else:
            return ANY
    return frozenset(found)


def _untouchable(ty: Ty) -> bool:
    return any(isinstance(atom, type) and issubclass(atom, UNTOUCHABLE) for atom in ty)


def _type_name(ty: Ty) -> str:
    names = sorted(getattr(atom, "__name__", str(atom)) for atom in ty if atom is not type(None))
    return " | ".join(names) or "None"


def _attribute_names(ty: Ty) -> list[str]:
    names: set[str] = set()
    for atom in ty:
        origin = typing.get_origin(atom) or atom
        if typing.is_typeddict(atom) or dataclasses.is_dataclass(origin):
            names |= set(_hints(origin))
            if isinstance(origin, type):
                names |= {
                    n
                    for n, member in inspect.getmembers(origin)
                    if isinstance(member, property) and not n.startswith("_")
                }
    return sorted(names)


# -- the walk ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Macro:
    template: str
    name: str


@dataclass(frozen=True)
class _Module:
    template: str


@dataclass
class Finding:
    """A problem the walk found: where (template, line), code, message, hint."""

    template: str
    line: int
    code: str
    message: str
    hint: str = ""


@dataclass
class _Walk:
    """One pass over a set of parsed templates.

    `params` holds, per macro, the types its parameters were called with anywhere in the
    set; passes repeat until that settles, so `{{ blocks(section.blocks) }}` in a page types
    the `items` of the macro `blocks` in the template it imports it from.
    """

    trees: dict[str, nodes.Template]
    contexts: dict[str, dict[str, Any]]
    known: dict[tuple[str, str, str], Ty]  # from the pass before
    final: bool = False  # the last pass: a parameter never called with a type is ANY
    params: dict[tuple[str, str, str], Ty] = field(default_factory=dict)  # from this pass
    findings: list[Finding] = field(default_factory=list)
    template: str = ""

    def run(self) -> None:
        for name, tree in self.trees.items():
            self.template = name
            self.block(tree.body, [{}])

    # statements ---------------------------------------------------------------------------

    def block(self, body: Sequence[nodes.Node], scopes: list[dict[str, Any]]) -> None:
        for node in body:
            self.statement(node, scopes)

    def statement(self, node: nodes.Node, scopes: list[dict[str, Any]]) -> None:
        if isinstance(node, nodes.Output):
            for child in node.nodes:
                if not isinstance(child, nodes.TemplateData):
                    self.expr(child, scopes)
        elif isinstance(node, nodes.If):
            self.expr(node.test, scopes)
            self.block(node.body, scopes)
            self.block(node.elif_, scopes)
            self.block(node.else_, scopes)
        elif isinstance(node, nodes.For):
            items = element(self.expr(node.iter, scopes))
            inner = [*scopes, {"loop": ANY}]
            self.bind(node.target, items, inner)
            if node.test is not None:
                self.expr(node.test, inner)
            self.block(node.body, inner)
            self.block(node.else_, scopes)
        elif isinstance(node, nodes.Macro):
            self.macro(node, scopes)
        elif isinstance(node, nodes.CallBlock):
            self.expr(node.call, scopes)
            inner = [*scopes, {"caller": ANY}]
            for arg in node.args:
                self.bind(arg, ANY, inner)
            self.block(node.body, inner)
        elif isinstance(node, nodes.With):
            inner = [*scopes, {}]
            for target, value in zip(node.targets, node.values, strict=True):
                self.bind(target, self.expr(value, scopes), inner)
            self.block(node.body, inner)
        elif isinstance(node, nodes.Assign):
            self.bind(node.target, self.expr(node.node, scopes), scopes)
        elif isinstance(node, nodes.AssignBlock):
            self.block(node.body, scopes)
            self.bind(node.target, frozenset({Markup}), scopes)
        elif isinstance(node, nodes.Import):
            name = self.imported(node.template, node.lineno)
            scopes[-1][node.target] = _Module(name) if name else ANY
        elif isinstance(node, nodes.FromImport):
            name = self.imported(node.template, node.lineno)
            for item in node.names:
                real, alias = item if isinstance(item, tuple) else (item, item)
                scopes[-1][alias] = _Macro(name, real) if name else ANY
        elif isinstance(node, nodes.Include | nodes.Extends):
            missing_ok = bool(getattr(node, "ignore_missing", False))
            self.imported(node.template, node.lineno, missing_ok=missing_ok)
        else:
            for inner_node in node.iter_child_nodes():
                if isinstance(inner_node, nodes.Expr):
                    self.expr(inner_node, scopes)
                else:
                    self.statement(inner_node, scopes)

    def macro(self, node: nodes.Macro, scopes: list[dict[str, Any]]) -> None:
        scopes[-1][node.name] = _Macro(self.template, node.name)
        for default in node.defaults:
            self.expr(default, scopes)
        inner: dict[str, Any] = {"varargs": ANY, "kwargs": ANY, "caller": ANY}
        for arg in node.args:
            unseen = ANY if self.final else NOTHING
            inner[arg.name] = self.known.get((self.template, node.name, arg.name), unseen)
        self.block(node.body, [*scopes, inner])

    def imported(self, template: nodes.Expr, line: int, *, missing_ok: bool = False) -> str:
        """Return the name of an imported or included template, checking that it exists."""
        if not isinstance(template, nodes.Const) or not isinstance(template.value, str):
            self.expr(template, [{}])
            return ""
        name = template.value
        if name not in self.trees and not missing_ok:
            self.report(line, "AG187", tr("template {name!r} not found").format(name=name), "")
            return ""
        return name

    def bind(self, target: nodes.Node, ty: Ty, scopes: list[dict[str, Any]]) -> None:
        if isinstance(target, nodes.Name):
            scopes[-1][target.name] = ty
        elif isinstance(target, nodes.Tuple):
            for item in target.items:
                self.bind(item, ANY, scopes)
        elif isinstance(target, nodes.NSRef):
            self.lookup(target.name, target.lineno, scopes)

    # expressions --------------------------------------------------------------------------

    def expr(self, node: nodes.Node | None, scopes: list[dict[str, Any]]) -> Ty:
        if node is None:
            return ANY
        if isinstance(node, nodes.Name):
            found = self.lookup(node.name, node.lineno, scopes)
            return found if isinstance(found, frozenset) else ANY
        if isinstance(node, nodes.Const):
            return type_of(type(node.value))
        if isinstance(node, nodes.TemplateData):
            return frozenset({str})
        if isinstance(node, nodes.Getattr):
            return self.member(node, node.node, node.attr, scopes)
        if isinstance(node, nodes.Getitem):
            if isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
                return self.member(node, node.node, node.arg.value, scopes)
            self.expr(node.arg, scopes)
            return element(self.expr(node.node, scopes))
        if isinstance(node, nodes.Call):
            self.call(node, scopes)
            return ANY
        if isinstance(node, nodes.CondExpr):
            self.expr(node.test, scopes)
            return self.expr(node.expr1, scopes) | self.expr(node.expr2, scopes)
        if isinstance(node, nodes.Concat):
            for child in node.nodes:
                self.expr(child, scopes)
            return frozenset({str})
        for part in node.iter_child_nodes():
            if isinstance(part, nodes.Expr):
                self.expr(part, scopes)
            elif isinstance(part, nodes.Keyword | nodes.Pair):
                for value in part.iter_child_nodes():
                    self.expr(value, scopes)
        return ANY

    def lookup(self, name: str, line: int, scopes: list[dict[str, Any]]) -> Any:
        for scope in reversed(scopes):
            if name in scope:
                return scope[name]
        context = self.contexts.get(self.template, PARTIAL_CONTEXT)
        if name in context:
            return type_of(context[name])
        if name in JINJA_GLOBALS:
            return ANY
        names = [*context, *JINJA_GLOBALS]
        message = tr("unknown variable {name!r}").format(name=name)
        self.report(line, "AG188", message, suggestion(name, names))
        return ANY

    def member(
        self, node: nodes.Node, base: nodes.Node, name: str, scopes: list[dict[str, Any]]
    ) -> Ty:
        if isinstance(base, nodes.Name):
            found = self.lookup(base.name, base.lineno, scopes)
            if isinstance(found, _Module):
                return ANY
        owner = self.expr(base, scopes)
        text = f"{_text(base)}.{name}"
        if name.startswith("_") or _untouchable(owner):
            self.refuse(node.lineno, text)
            return ANY
        found_ty = attribute(owner, name)
        if found_ty is None:
            message = tr("{text!r}: {type} has no attribute {name!r}").format(
                text=text, type=_type_name(owner), name=name
            )
            self.report(node.lineno, "AG188", message, suggestion(name, _attribute_names(owner)))
            return ANY
        if _untouchable(found_ty):
            self.refuse(node.lineno, text)
            return ANY
        return found_ty

    def refuse(self, line: int, text: str) -> None:
        """Report a name the sandbox keeps from templates."""
        message = tr("{text!r} is not available to templates").format(text=text)
        self.report(line, "AG185", message, tr(SANDBOX_HINT))

    def call(self, node: nodes.Call, scopes: list[dict[str, Any]]) -> None:
        target: Any = None
        if isinstance(node.node, nodes.Name):
            target = self.lookup(node.node.name, node.node.lineno, scopes)
        elif isinstance(node.node, nodes.Getattr) and isinstance(node.node.node, nodes.Name):
            module = self.lookup(node.node.node.name, node.node.lineno, scopes)
            if isinstance(module, _Module):
                target = _Macro(module.template, node.node.attr)
        if not isinstance(target, _Macro):
            self.expr(node.node, scopes)
        args = [self.expr(arg, scopes) for arg in node.args]
        kwargs = {kw.key: self.expr(kw.value, scopes) for kw in node.kwargs}
        self.expr(node.dyn_args, scopes)
        self.expr(node.dyn_kwargs, scopes)
        if isinstance(target, _Macro):
            self.called(target, args, kwargs)

    def called(self, target: _Macro, args: list[Ty], kwargs: dict[str, Ty]) -> None:
        """Record the types a macro was called with."""
        tree = self.trees.get(target.template)
        definition = (
            next((m for m in tree.find_all(nodes.Macro) if m.name == target.name), None)
            if tree is not None
            else None
        )
        if definition is None:
            return
        names = [arg.name for arg in definition.args]
        given = dict(zip(names, args, strict=False))
        given |= {key: ty for key, ty in kwargs.items() if key in names}
        for name, ty in given.items():
            key = (target.template, target.name, name)
            before = self.params.get(key, NOTHING)
            self.params[key] = ANY if _unknown(ty) or _unknown(before) else before | ty

    def report(self, line: int, code: str, message: str, hint: str) -> None:
        self.findings.append(Finding(self.template, line, code, message, hint))


def _text(node: nodes.Node) -> str:
    """Return an expression as the template writes it, for names and attribute chains."""
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        return f"{_text(node.node)}.{node.attr}"
    if isinstance(node, nodes.Getitem):
        inner = repr(node.arg.value) if isinstance(node.arg, nodes.Const) else "…"
        return f"{_text(node.node)}[{inner}]"
    if isinstance(node, nodes.Const):
        return repr(node.value)
    return "…"


def walk(trees: dict[str, nodes.Template], contexts: dict[str, dict[str, Any]]) -> list[Finding]:
    """Walk a set of templates; return what they use that their context does not provide."""
    known: dict[tuple[str, str, str], Ty] = {}
    for _ in range(6):  # until the macros' parameter types settle (nesting depth, in practice)
        current = _Walk(trees, contexts, known)
        current.run()
        if current.params == known:
            break
        known = current.params
    final = _Walk(trees, contexts, known, final=True)
    final.run()
    unique = {(f.template, f.line, f.code, f.message): f for f in final.findings}
    return list(unique.values())
