"""Uploads go to a temporary PRIVATE_ROOT in every import test."""

import pytest


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_ROOT = tmp_path / "private"
    return settings.PRIVATE_ROOT
