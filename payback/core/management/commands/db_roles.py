"""Give the application's database role exactly what it needs. Run as the owner, after `migrate`."""

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from payback.core.db_roles import APP_ROLE, RoleError, describe, grant_app_role


class Command(BaseCommand):
    help = (
        "Create the application's database role if it is missing and grant it what the service needs: "
        "no ownership, no TRUNCATE, and only SELECT and INSERT on the append-only records. "
        "Run with the owner's DATABASE_URL after every migrate."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--role", default=APP_ROLE, help=f"The application role (default {APP_ROLE})")
        parser.add_argument(
            "--password-env",
            default="",
            help="The name of an environment variable holding the role's password (set when given)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("Database roles apply to PostgreSQL only")
        password = None
        if options["password_env"]:
            password = os.environ.get(options["password_env"])
            if not password:
                raise CommandError(f"{options['password_env']} is not set")
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                granted = grant_app_role(cursor.cursor, role=options["role"], password=password)
        except RoleError as error:
            raise CommandError(str(error)) from error
        for line in describe(granted):
            self.stdout.write(line)
