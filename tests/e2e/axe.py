"""Run axe-core (vendored under static/vendor/axe-core) in a Playwright page.

The script is evaluated through the DevTools protocol, so it never appears in a page
CareHub serves and needs nothing from the Content-Security-Policy.
"""

from functools import cache
from pathlib import Path

from django.conf import settings

AXE = Path(settings.BASE_DIR) / "static" / "vendor" / "axe-core" / "axe.min.js"

# WCAG 2.0-2.2 A and AA, as the law asks of public-sector software.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
FAILING_IMPACTS = ("serious", "critical")

RUN = """async ([tags, impacts]) => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  return result.violations
    .filter(v => impacts.includes(v.impact))
    .map(v => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ")),
    }));
}"""


@cache
def _source():
    return AXE.read_text(encoding="utf-8")


def serious_violations(page):
    """axe-core's serious and critical WCAG A/AA violations on the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(_source())
    return page.evaluate(RUN, [WCAG_TAGS, list(FAILING_IMPACTS)])


def describe(violations):
    return "\n".join(
        f"  {v['impact']}: {v['id']} ({v['help']}) at {', '.join(v['nodes'])}"
        for v in violations
    )
