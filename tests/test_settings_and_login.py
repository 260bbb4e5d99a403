import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests.personas import PASSWORD

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "CHQS_ENV": "production",
    "SECRET_KEY": "k" * 20 + "-a-long-random-production-secret-0123456789",
    "ALLOWED_HOSTS": "chqs.bo-chqs.local",
    "DATABASE_URL": "postgres://chqs@db.internal:5432/chqs",
}


def manage(*args, env):
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_deployment_check_is_clean_with_production_variables():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"])
def test_production_refuses_to_start_without_a_required_variable(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = manage("check", env=env)

    assert result.returncode != 0
    assert f"Biến môi trường {missing} là bắt buộc" in result.stderr


@pytest.mark.django_db
def test_a_wrong_password_is_answered_in_vietnamese(world, client):
    response = client.post(reverse("login"), {"username": "binh", "password": "sai-mat-khau"})

    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.content.decode()


@pytest.mark.django_db
def test_the_right_password_logs_in_and_lands_on_the_home_page(world, client):
    response = client.post(reverse("login"), {"username": "binh", "password": PASSWORD})

    assert response.status_code == 302 and response.url == reverse("home")


@pytest.mark.django_db
def test_five_failed_logins_lock_the_account_even_with_the_right_password(world, client):
    for _ in range(5):
        client.post(reverse("login"), {"username": "binh", "password": "sai-mat-khau"})
    response = client.post(reverse("login"), {"username": "binh", "password": PASSWORD})

    assert response.status_code == 429
    assert "Tài khoản tạm thời bị khóa" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_logged_out_visitors_are_sent_to_the_login_page(client):
    response = client.get(reverse("units:tree"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login") + "?next=")
