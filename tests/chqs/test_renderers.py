"""The form renderer (chqs.renderers): Django's Jinja2 widget templates, Django's own
templates for widgets that have no Jinja2 copy."""

from django import forms
from django.contrib.admin.widgets import AdminDateWidget
from django.forms.renderers import get_default_renderer
from django.template.backends.jinja2 import Template as JinjaTemplate

from chqs.renderers import FastRenderer


class Sample(forms.Form):
    name = forms.CharField(label="Họ và tên", max_length=20)
    kind = forms.ChoiceField(choices=[("a", "Ấp <1>"), ("b", "Bản")])
    day = forms.DateField(widget=AdminDateWidget)


def test_the_project_renders_forms_with_the_fast_renderer():
    assert isinstance(get_default_renderer(), FastRenderer)


def test_plain_widgets_render_from_jinja2_with_escaped_values():
    renderer = FastRenderer()
    assert isinstance(renderer.get_template("django/forms/widgets/select.html"), JinjaTemplate)
    form = Sample(data={"name": '<b>"Lê"</b>', "kind": "b"})
    html = str(form["name"]) + str(form["kind"])
    assert 'value="&lt;b&gt;&#34;Lê&#34;&lt;/b&gt;"' in html
    assert 'maxlength="20"' in html and "required" in html
    assert '<option value="b" selected>Bản</option>' in html
    assert "Ấp &lt;1&gt;" in html


def test_widgets_without_a_jinja2_template_fall_back_to_django_templates():
    html = str(Sample()["day"])
    assert 'class="vDateField"' in html and 'name="day"' in html
