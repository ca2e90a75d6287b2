"""The per-request context: the viewer and the request's DataLoaders."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, TypeAlias, TypeVar

import strawberry
from starlette.requests import Request
from strawberry.dataloader import DataLoader

from talentloop.access.policy import Viewer

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
BatchFactory = Callable[[Viewer], Callable[[list[K]], Awaitable[list[V]]]]


@dataclass
class Context:
    viewer: Viewer
    request: Request | None = None
    _loaders: dict[str, DataLoader[Any, Any]] = field(default_factory=dict)

    def loader(self, name: str, factory: BatchFactory[K, V]) -> DataLoader[K, V]:
        """One DataLoader per name and request, scoped to this request's viewer."""
        if name not in self._loaders:
            self._loaders[name] = DataLoader(load_fn=factory(self.viewer))
        return self._loaders[name]


Info: TypeAlias = strawberry.Info[Context, None]
