"""What every benchmark prints about the machine and the database it ran on."""

import os
import platform
import subprocess


def database_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0]}"
        cursor.execute("select sqlite_version()")
        return f"SQLite {cursor.fetchone()[0]}"


def machine() -> dict:
    import django

    with open("/proc/cpuinfo") as info:
        cpu = next((line.split(":", 1)[1].strip() for line in info if "model name" in line), "")
    free = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout.splitlines()
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu or platform.processor(),
        "memory": free[1].split()[1] if len(free) > 1 else "",
        "python": platform.python_version(),
        "django": django.get_version(),
    }
