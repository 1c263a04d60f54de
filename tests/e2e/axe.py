"""axe-core in a Playwright page: the WCAG 2.2 A/AA rules, violations printed readably.

axe-core comes from npm (package.json / package-lock.json, `npm ci`: `make axe`), never
from a CDN and never served to visitors. It is injected with `page.evaluate(source)`,
which runs through the DevTools protocol: the page keeps the site's own
Content-Security-Policy (script-src 'self' 'nonce-…'), so we check the page exactly as
it is served, without `bypass_csp`.

    check_page(page)          runs axe on the current page; fails on any violation
    axe_violations(page)      the violations (axe's result objects), for other checks
"""
from __future__ import annotations

from functools import lru_cache

import pytest

from finder.config import PROJECT_ROOT

AXE_JS = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")


@lru_cache(maxsize=1)
def axe_source() -> str:
    if not AXE_JS.is_file():
        message = (f"axe-core is not installed ({AXE_JS} is missing): run `make axe` "
                   "(npm ci).")
        pytest.fail(message)              # a missing checker never passes as a skip
    return AXE_JS.read_text(encoding="utf-8")


def axe_violations(page, tags=TAGS) -> list[dict]:
    """Inject axe (once per document) and run it on the whole document."""
    if not page.evaluate("typeof window.axe === 'object'"):
        # The source assigns window.axe; a trailing expression keeps evaluate's result small.
        page.evaluate(axe_source() + "\n;true")
    results = page.evaluate(
        """async (tags) => {
             const r = await window.axe.run(document, {
               runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
             return r.violations.map(v => ({
               id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
               nodes: v.nodes.map(n => ({target: n.target.join(' '),
                                         html: n.html, summary: n.failureSummary}))}));
           }""", list(tags))
    return results


def format_violations(violations: list[dict], where: str = "") -> str:
    lines = [f"{len(violations)} axe violation(s){' on ' + where if where else ''}:"]
    for v in violations:
        lines.append(f"- [{v['impact']}] {v['id']}: {v['help']} ({len(v['nodes'])} element(s))")
        for n in v["nodes"][:6]:
            lines.append(f"    at {n['target']}")
            lines.append(f"       {n['html'][:200]}")
            for s in (n["summary"] or "").splitlines():
                lines.append(f"       {s}")
        if len(v["nodes"]) > 6:
            lines.append(f"    … and {len(v['nodes']) - 6} more")
    return "\n".join(lines)


def check_page(page, where: str = "") -> None:
    """Fail the test on any WCAG 2.2 A/AA violation axe finds in the current page."""
    violations = axe_violations(page)
    assert not violations, format_violations(violations, where or page.url)
