"""axe-core (shipped in the axe-playwright-python wheel, no download) on a page of a browser test:
the WCAG 2 A/AA rules, violations by impact."""

from axe_playwright_python.sync_playwright import Axe

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa"]}, "resultTypes": ["violations"]}


def serious_violations(page) -> list[str]:
    """The critical and serious violations on the page as it is now, one line each."""
    violations = Axe().run(page, options=WCAG).response["violations"]
    return [
        f"{v['impact']} {v['id']}: {v['help']} ({len(v['nodes'])}: {v['nodes'][0]['target']})"
        for v in violations
        if v["impact"] in ("critical", "serious")
    ]
