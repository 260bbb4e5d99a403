"""Hooks through which apps built on `units` add to its pages without `units` importing
them (the arrows point one way: personnel → units)."""

from collections.abc import Callable
from typing import NamedTuple

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


class BoardLink(NamedTuple):
    """A link in the Ban CHQS card of the unit page; `badge` is an optional count."""

    label: str
    url: str
    badge: int | None = None


# A provider takes a Board and the user, and returns [(label, url)] or
# [(label, url, badge)] — only what that user may open.
BoardLinks = Callable[[object, object], list[tuple]]
_board_link_providers: list[BoardLinks] = []


def register_board_links(provider: BoardLinks) -> BoardLinks:
    if provider not in _board_link_providers:
        _board_link_providers.append(provider)
    return provider


def board_links(board, user) -> list[BoardLink]:
    return [
        BoardLink(*link) for provider in _board_link_providers for link in provider(board, user)
    ]


# Demo data of apps above units: each step runs inside seed_demo's transaction, after
# the command tree exists, and returns rows of (label, created, updated, unchanged).
DemoStep = Callable[[], list[tuple[str, int, int, int]]]
_demo_steps: list[DemoStep] = []


def register_demo_step(step: DemoStep) -> DemoStep:
    if step not in _demo_steps:
        _demo_steps.append(step)
    return step


def demo_steps() -> list[DemoStep]:
    return list(_demo_steps)


class PersonSection(NamedTuple):
    """A card on the person page from an app above personnel: a template and its context."""

    template: str
    context: dict


# A provider takes a Person and the request's scope and returns sections (or none).
PersonSections = Callable[[object, object], list[PersonSection]]
_person_section_providers: list[PersonSections] = []


def register_person_sections(provider: PersonSections) -> PersonSections:
    if provider not in _person_section_providers:
        _person_section_providers.append(provider)
    return provider


def person_sections(person, scope) -> list[PersonSection]:
    return [s for provider in _person_section_providers for s in provider(person, scope)]


# Panels of the home page from apps above units (the reports dashboard): a provider
# takes the request and returns rendered HTML, or "" when that user gets no panel.
HomePanel = Callable[[object], str]
_home_panels: list[HomePanel] = []


def register_home_panel(provider: HomePanel) -> HomePanel:
    if provider not in _home_panels:
        _home_panels.append(provider)
    return provider


def home_panels(request) -> list[str]:
    return [html for provider in _home_panels if (html := provider(request))]
