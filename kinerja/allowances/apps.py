from django.apps import AppConfig


class AllowancesConfig(AppConfig):
    name = "kinerja.allowances"
    label = "allowances"
    verbose_name = "TPP"
