from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = "Huấn luyện"

    def ready(self):
        from units.extensions import register_demo_step, register_person_sections

        from .demo import build_training
        from .selectors import person_training

        register_person_sections(person_training)
        register_demo_step(build_training)
