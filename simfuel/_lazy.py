"""Public names imported on first use (PEP 562), for :mod:`simfuel` and :mod:`simfuel.ensemble`.

Written here rather than taken from ``lazy_loader`` (scientific-python): these 40 lines also
keep a submodule from replacing a public name of the same spelling (``simfuel.run`` the
function, not the module), which ``lazy_loader.attach`` does not do, and they cost no
runtime dependency.
"""

from __future__ import annotations

import importlib
import sys
import types
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["make_lazy"]


def make_lazy(
    package: str, exports: Mapping[str, tuple[str, str]], all_names: list[str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The module ``__getattr__`` and ``__dir__`` of ``package``; also guards its names.

    ``exports`` maps each public name to ``(module, attribute)``. A public name is imported
    on first use and kept in the package's namespace (later lookups are plain attributes);
    any other name is tried as a submodule (``simfuel.plot``), as eager imports used to bind
    them all. The package module's class becomes one whose ``__setattr__`` ignores a
    submodule bound over a public name (importing ``package.sweep`` binds the module on
    its package; the name stays the function; the module stays ``sys.modules[...]``).
    """
    module = sys.modules[package]
    namespace = vars(module)

    def __getattr__(name: str) -> Any:
        if name in exports:
            where, attribute = exports[name]
            value = getattr(importlib.import_module(where), attribute)
            namespace[name] = value
            return value
        if not name.startswith("__"):
            try:
                return importlib.import_module(f"{package}.{name}")  # binds it as an attribute
            except ModuleNotFoundError as exc:
                if exc.name != f"{package}.{name}":
                    raise  # a submodule that exists but fails to import: say why
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__() -> list[str]:
        return sorted(set(namespace) | set(all_names))

    class _Guarded(types.ModuleType):
        def __setattr__(self, name: str, value: Any) -> None:
            if name in exports and isinstance(value, types.ModuleType):
                return  # still reachable as sys.modules[package + "." + name]
            super().__setattr__(name, value)

    module.__class__ = _Guarded
    return __getattr__, __dir__
