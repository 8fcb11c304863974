"""axe-core in the browser tests: the engine comes from the ``axe-playwright-python`` package
(its bundled ``axe.min.js``), installed by the project's dev dependencies; nothing is fetched at
test time."""

from __future__ import annotations

import functools
from importlib import resources

# WCAG 2.1 AA: the rules tagged A and AA of 2.0 and 2.1.
WCAG21AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}


@functools.cache
def axe_source() -> str:
    return resources.files("axe_playwright_python").joinpath("axe.min.js").read_text("utf-8")


def axe_violations(page) -> list[dict]:
    """Violations of WCAG 2.1 AA on the page as loaded, all impacts."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_source())
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})", WCAG21AA)
    return result["violations"]


def blocking(violations: list[dict]) -> list[str]:
    """Serious and critical violations, one readable line per rule with a few targets."""
    lines = []
    for v in violations:
        if v.get("impact") in BLOCKING:
            targets = ", ".join(" ".join(n["target"]) if isinstance(n["target"], list)
                                else str(n["target"]) for n in v["nodes"][:4])
            summary = v["nodes"][0].get("failureSummary", "").replace("\n", " ")[:200]
            lines.append(f"{v['id']} ({v['impact']}, {len(v['nodes'])}×): {targets} — {summary}")
    return lines
