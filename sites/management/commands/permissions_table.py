from django.core.management.base import BaseCommand

from sites.permissions import markdown_table


class Command(BaseCommand):
    help = "Print the role x capability table that docs/permissions.md shows."

    def handle(self, *args, **options):
        self.stdout.write(markdown_table())
