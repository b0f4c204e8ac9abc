"""Run every app's demo or scale seeder, in INSTALLED_APPS order.

Each app may have a ``demo.py`` with ``seed_demo(stdout)`` and a ``scale.py`` with
``seed_scale(options, stdout)``. Discovering them here keeps the dependency direction
(a lower app never imports a higher one) while one command seeds everything.
"""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps


def app_modules(module_name):
    for config in apps.get_app_configs():
        dotted = f"{config.name}.{module_name}"
        if find_spec(dotted) is not None:
            yield import_module(dotted)
