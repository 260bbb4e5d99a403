from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ObjectDoesNotExist


class ChqsAuthenticationForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Tên đăng nhập hoặc mật khẩu không đúng.",
        "inactive": "Tài khoản này đã bị khóa.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Tên đăng nhập"
        self.fields["password"].label = "Mật khẩu"
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"
            field.error_messages["required"] = "Trường này là bắt buộc."
        self.fields["username"].widget = forms.TextInput(
            attrs={"class": "form-control", "autofocus": True, "autocomplete": "username"}
        )


class LoginView(auth_views.LoginView):
    form_class = ChqsAuthenticationForm
    redirect_authenticated_user = True


class UserBackend(ModelBackend):
    """Django's model backend, reading the signed-in user with their unit and its kind
    in the same query: every page starts from the user's place in the command tree
    (units.scope), which was a query of its own on every request."""

    def get_user(self, user_id):
        users = get_user_model()._default_manager.select_related("unit__kind")
        try:
            user = users.get(pk=user_id)
        except ObjectDoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
