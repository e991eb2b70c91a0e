"""The feature contract: what one feature package tells the extension about itself.

Each feature exposes one :class:`Feature` (``lms/<feature>/feature.py``); :mod:`lms.extension`
registers the built-in list and, after it, every ``lms.features`` entry point of installed
distributions, and knows nothing else about them. See ARCHITECTURE.md, "Adding a feature".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import click
from flask import Blueprint, Flask

ENTRY_POINT_GROUP = "lms.features"


@dataclass(frozen=True)
class NavEntry:
    """A link in the main navigation, shown to the roles named (admins hold every role);
    ``roles=()`` shows it to every logged-in user. ``hidden_from`` hides it from holders of
    those roles (admins too), e.g. "Join a class" from teachers. Links are shown by ``order``,
    then in the order of the feature list."""

    endpoint: str  # e.g. "lms.badges.mine"
    label: Any  # a lazy_gettext string, translated when the page is drawn
    roles: tuple[str, ...] = ()
    hidden_from: tuple[str, ...] = ()
    order: int = 100  # the built-in links use 10-50


#: In ``access`` rows: a page anyone may open, signed in or not.
VISITOR = "visitor"
#: In ``access`` rows: a page every signed-in account may open (ownership checked inside).
ACCOUNT = "account"


@dataclass(frozen=True)
class Feature:
    """One feature: its pages, tables, commands, navigation and hooks.

    ``setup(app, blueprint)`` runs once per app after the blueprints are registered: it
    connects signal receivers, adds :mod:`lms.hooks` functions, or adds request hooks to the
    LMS blueprint (``blueprint``). The authorization matrix of the feature's endpoints lives
    in ``access`` (endpoint -> roles that may open it, or VISITOR / ACCOUNT; checked by the
    tests against tests/test_authorization_matrix.py).
    """

    name: str
    blueprints: Sequence[Blueprint] = ()
    #: Modules holding the feature's tables, imported before Alembic or ``create_all``.
    models: Sequence[str] = ()
    #: Click commands or groups added to ``lms …`` (``flask …`` in a host).
    commands: Sequence[click.Command] = ()
    nav: Sequence[NavEntry] = ()
    setup: Callable[[Flask, Blueprint], None] | None = None
    access: dict[str, tuple[str, ...]] = field(default_factory=dict)


def load_feature(path: str) -> Feature:
    """The :class:`Feature` at ``module:attribute`` (or a module's ``feature``)."""
    from importlib import import_module

    module_name, _, attribute = path.partition(":")
    found = getattr(import_module(module_name), attribute or "feature")
    if not isinstance(found, Feature):
        raise TypeError(f"{path} is not an lms.features.Feature: {found!r}")
    return found


def plugin_features() -> list[Feature]:
    """The features installed distributions publish (entry point group ``lms.features``)."""
    from lms.plugins import entry_points

    features = []
    for entry_point in entry_points(group=ENTRY_POINT_GROUP):
        found = entry_point.load()
        if not isinstance(found, Feature):
            raise TypeError(f"entry point {entry_point.name!r} ({entry_point.value}) is not an "
                            f"lms.features.Feature: {found!r}")
        features.append(found)
    return features


def visible_nav(features: Sequence[Feature], user: Any) -> list[NavEntry]:
    """The navigation entries ``user`` (Flask-Login's current user) may see."""
    if not getattr(user, "is_authenticated", False):
        return []
    entries = [entry for feature in features for entry in feature.nav
               if (not entry.roles or user.has_role(*entry.roles))
               and not (entry.hidden_from and user.has_role(*entry.hidden_from))]
    return sorted(entries, key=lambda entry: entry.order)
