"""graphql/lookahead.py: a list finds what its rows select, through fragments too, and a
DataLoader's settled values are read without waiting."""

from __future__ import annotations

from strawberry.dataloader import DataLoader
from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField

from talentloop.graphql.lookahead import MISSING, cached, selects


def field(name: str, *selections: object) -> SelectedField:
    return SelectedField(name=name, directives={}, arguments={}, selections=list(selections))


def test_selects_follows_fields_fragments_and_inline_fragments() -> None:
    row = FragmentSpread(
        name="Row",
        type_condition="Employee",
        directives={},
        selections=[
            field("name"),
            InlineFragment(type_condition=None, directives={}, selections=[field("position")]),
        ],
    )
    tree = [field("totalCount"), field("edges", field("node", row))]
    assert selects(tree, "edges", "node", "position")
    assert selects(tree, "edges", "node", "name")
    assert not selects(tree, "edges", "node", "manager")
    assert not selects(tree, "node", "position")  # a path from the top, not anywhere
    assert not selects([field("edges")], "edges", "node")


async def test_cached_reads_only_settled_values() -> None:
    calls: list[list[int]] = []

    async def load(keys: list[int]) -> list[str | None]:
        calls.append(keys)
        return [f"v{k}" if k != 3 else None for k in keys]

    loader: DataLoader[int, str | None] = DataLoader(load_fn=load)
    assert cached(loader, 1) is MISSING
    pending = loader.load(1)
    assert cached(loader, 1) is MISSING  # asked for, not there yet
    await pending
    await loader.load_many([2, 3])
    assert (cached(loader, 1), cached(loader, 2), cached(loader, 3)) == ("v1", "v2", None)
    assert cached(loader, 4) is MISSING
    assert calls == [[1], [2, 3]]
