from django.apps import AppConfig


class PersonnelConfig(AppConfig):
    name = "personnel"
    verbose_name = "Nhân sự, tự vệ"

    def ready(self):
        from units.extensions import register_board_holders

        from .selectors import board_holders

        register_board_holders(board_holders)
