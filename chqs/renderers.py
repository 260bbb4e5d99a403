"""The form renderer: Django's Jinja2 widget templates, with a fallback.

Django renders every widget through a template; with its own template language a form
of twenty fields (the person form) spent two thirds of the page's CPU there. Its Jinja2
copies of the same templates give the same markup in about a third of the time. A widget
whose template exists only for Django's template language (the admin's, a package's)
falls back to Django's renderer, so every form renders as before.
"""

from django.forms.renderers import BaseRenderer, DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist


class FastRenderer(BaseRenderer):
    def __init__(self):
        self.jinja2 = Jinja2()
        self.django = DjangoTemplates()

    def get_template(self, template_name):
        try:
            return self.jinja2.get_template(template_name)
        except TemplateDoesNotExist:
            return self.django.get_template(template_name)
