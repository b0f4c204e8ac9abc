import re

from django.conf import settings
from django.core.management.base import BaseCommand

from sites.permissions import markdown_table

DOC = settings.BASE_DIR / "docs" / "permissions.md"
BLOCK = re.compile(
    r"(<!-- permissions-table:[^>]*-->\n).*?(<!-- /permissions-table -->)", re.S
)


class Command(BaseCommand):
    help = "Print the role x capability table, or write it into docs/permissions.md."

    def add_arguments(self, parser):
        parser.add_argument(
            "--write", action="store_true", help="Update docs/permissions.md in place."
        )

    def handle(self, *args, write=False, **options):
        table = markdown_table()
        if not write:
            self.stdout.write(table)
            return
        text = DOC.read_text()
        DOC.write_text(BLOCK.sub(lambda m: f"{m[1]}{table}\n{m[2]}", text))
        self.stdout.write(f"Updated {DOC.relative_to(settings.BASE_DIR)}.")
