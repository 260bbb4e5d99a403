from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm


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
