"""bench_people.py with the query changes proposed in docs/performance.md patched in.

Nothing in the application changes: the patches live in this process only.

- PROPOSED_DEFERRED_JOIN=1 (default): the caseload list finds a page's ids first (an
  index-only scan), then fetches those 25 rows.
- PROPOSED_UPPER_ORDER=1 (default): search results ordered by UPPER(family_name),
  UPPER(given_name), id.

Pair it with benchmarks/proposed_person_indexes.sql. Same options as bench_people.py.
"""

import os

import bench_people  # sets Django up
from django.core.paginator import Paginator
from django.db.models.functions import Upper

import assessments.views
from assessments.models import PersonQuerySet


class DeferredJoinPaginator(Paginator):
    """Find the page's ids on the index first, then fetch only those rows."""

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ids = self.object_list.values("pk")[bottom:top]
        return self._get_page(self.object_list.filter(pk__in=ids), number, self)


def _search_in_name_order(original):
    def search(self, text):
        found = original(self, text)
        if found is self:
            return found
        return found.order_by(Upper("family_name"), Upper("given_name"), "id")

    return search


if __name__ == "__main__":
    if os.environ.get("PROPOSED_DEFERRED_JOIN", "1") == "1":
        assessments.views.Paginator = DeferredJoinPaginator
    if os.environ.get("PROPOSED_UPPER_ORDER", "1") == "1":
        PersonQuerySet.search = _search_in_name_order(PersonQuerySet.search)
    bench_people.main()
