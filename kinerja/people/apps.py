from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "kinerja.people"
    label = "people"

    def ready(self) -> None:
        # Connects the log-in receiver that records whether the session needs a 2FA code.
        from kinerja.people import twofactor  # noqa: F401
