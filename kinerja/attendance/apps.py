from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    name = "kinerja.attendance"
    label = "attendance"
    verbose_name = "Kehadiran"

    def ready(self) -> None:
        # The presensi and leave imports run on the SIMPEG import engine (people.imports).
        from kinerja.attendance.imports import register

        register()
