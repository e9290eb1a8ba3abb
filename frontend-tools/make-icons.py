"""Draws the PWA's PNG icons from SVG with Debian's Chromium (run by hand when the logo
changes: `.venv/bin/python frontend-tools/make-icons.py`, then re-stamp the service worker)."""

from pathlib import Path

from playwright.sync_api import sync_playwright

ICONS = Path(__file__).resolve().parent.parent / "frontend" / "icons"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run"]
# Maskable: a full-bleed background with the mark inside the central safe zone (80 %).
MASKABLE = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">
  <rect width="64" height="64" fill="#1d5c63"/>
  <g transform="translate(32 32) scale(0.62) translate(-32 -32)">
    <circle cx="24" cy="32" r="13" fill="none" stroke="#ffffff" stroke-width="6"/>
    <circle cx="40" cy="32" r="13" fill="none" stroke="#f3b27a" stroke-width="6"/>
  </g>
</svg>"""


def render(page: object, svg: str, size: int, target: Path) -> None:
    page.set_viewport_size({"width": size, "height": size})  # type: ignore[attr-defined]
    style = f"html,body{{margin:0}}svg{{display:block;width:{size}px;height:{size}px}}"
    html = f"<style>{style}</style>{svg}"
    page.set_content(html)  # type: ignore[attr-defined]
    page.screenshot(path=str(target), omit_background=True)  # type: ignore[attr-defined]


def main() -> None:
    logo = (ICONS / "icon.svg").read_text()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        page = browser.new_page()
        render(page, logo, 192, ICONS / "icon-192.png")
        render(page, logo, 512, ICONS / "icon-512.png")
        render(page, MASKABLE, 512, ICONS / "maskable-512.png")
        browser.close()


if __name__ == "__main__":
    main()
