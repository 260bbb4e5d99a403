"""What a browser gets from the production configuration: a Content-Security-Policy
with nothing inline, no framing, static files with long-lived hashed names."""

import os
import subprocess
import sys

import pytest
from django.urls import reverse

from tests.test_settings_and_login import PRODUCTION_ENV, ROOT

pytestmark = pytest.mark.django_db


def test_every_page_forbids_inline_scripts_styles_and_framing(world, client_for):
    client = client_for(world.staff)
    for url in (reverse("login"), reverse("home"), reverse("personnel:roster")):
        response = client.get(url)
        policy = response["Content-Security-Policy"]

        assert "script-src 'self'" in policy and "style-src 'self'" in policy
        assert "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy
        assert response["X-Frame-Options"] == "DENY"


def test_the_pages_carry_no_inline_script_or_style(world, client_for):
    client = client_for(world.staff)
    for url in (reverse("home"), reverse("units:tree"), reverse("personnel:roster"),
                reverse("imports:index")):  # fmt: skip
        page = client.get(url).content.decode()

        assert "<script>" not in page and "<style" not in page and " style=" not in page


def test_the_error_page_uses_the_stylesheet_not_an_inline_style(client):
    from django.template.loader import render_to_string

    page = render_to_string("500.html")

    assert "style=" not in page and "/static/css/chqs.css" in page


def test_production_serves_static_files_compressed_under_hashed_names(tmp_path):
    """collectstatic then a request through the WSGI app, as gunicorn would make it."""
    env = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV}
    env.update(PRODUCTION_ENV, STATIC_ROOT=str(tmp_path / "static"), CHQS_TLS="0")
    collect = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert collect.returncode == 0, collect.stderr
    probe = (
        "import django, json; django.setup()\n"
        "from django.templatetags.static import static\n"
        "from django.test import Client\n"
        "url = static('css/chqs.css')\n"
        "r = Client(HTTP_ACCEPT_ENCODING='gzip', SERVER_NAME='chqs.bo-chqs.local')"
        ".get(url)\n"
        "print(json.dumps([url, r.status_code, r.get('Cache-Control', ''),"
        " r.get('Content-Encoding', '')]))\n"
    )
    env["DJANGO_SETTINGS_MODULE"] = "chqs.settings"
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    url, status, cache, encoding = __import__("json").loads(done.stdout.strip().splitlines()[-1])

    assert url.startswith("/static/css/chqs.") and url != "/static/css/chqs.css"  # hashed
    assert status == 200 and "max-age=315360000" in cache and encoding == "gzip"
