"""Per-site export and verified restore (issue 13 item 3).

``catalogue`` finds what a site owns through the app registry, ``archive`` writes
and reads the ZIP (format in docs/export-format.md), ``export`` streams a site out,
``restore`` verifies an archive and writes it back inside one transaction.
"""

FORMAT_NAME = "carehub-site-export"
FORMAT_VERSION = 1
