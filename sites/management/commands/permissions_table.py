import re

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from sites.permissions import DOC_TABLES

DOC = settings.BASE_DIR / "docs" / "permissions.md"


def block(name):
    """The generated part of docs/permissions.md between a table's two markers."""
    return re.compile(
        rf"(<!-- {name}-table:[^>]*-->\n).*?(<!-- /{name}-table -->)", re.S
    )


class Command(BaseCommand):
    help = (
        "Print the role x capability, rule and page tables, or write them into "
        "docs/permissions.md."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--write", action="store_true", help="Update docs/permissions.md in place."
        )

    def handle(self, *args, write=False, **options):
        tables = {name: make() for name, make in DOC_TABLES.items()}
        if not write:
            self.stdout.write("\n\n".join(tables.values()))
            return
        text = DOC.read_text()
        for name, table in tables.items():
            text, found = block(name).subn(
                lambda m, t=table: f"{m[1]}{t}\n{m[2]}", text
            )
            if not found:
                raise CommandError(f"docs/permissions.md has no {name}-table markers.")
        DOC.write_text(text)
        self.stdout.write(f"Updated {DOC.relative_to(settings.BASE_DIR)}.")
