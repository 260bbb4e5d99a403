from django.apps import AppConfig


class PersonnelConfig(AppConfig):
    name = "personnel"
    verbose_name = "Nhân sự, tự vệ"

    def ready(self):
        from units.extensions import (
            register_board_holders,
            register_board_links,
            register_demo_step,
        )

        from .demo import build_people
        from .duty import imports as duty_imports  # noqa: F401  (registers the `duty` kind)
        from .duty.demo import build_duty
        from .selectors import board_holders, board_links

        register_board_holders(board_holders)
        register_board_links(board_links)
        register_demo_step(build_people)
        register_demo_step(build_duty)
