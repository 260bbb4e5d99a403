"""Hooks through which apps built on `units` add to its pages without `units` importing
them (the arrows point one way: personnel → units)."""

from collections.abc import Callable

# A provider takes a Board and returns {BoardPositionKind pk: [holder label, ...]}.
BoardHolders = Callable[[object], dict[int, list[str]]]
_board_holder_providers: list[BoardHolders] = []


def register_board_holders(provider: BoardHolders) -> BoardHolders:
    if provider not in _board_holder_providers:
        _board_holder_providers.append(provider)
    return provider


def board_holders(board) -> dict[int, list[str]]:
    holders: dict[int, list[str]] = {}
    for provider in _board_holder_providers:
        for kind_id, names in provider(board).items():
            holders.setdefault(kind_id, []).extend(names)
    return holders
