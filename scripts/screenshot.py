"""Take screenshots of pages of a running server, signed in as a demo user.

    .venv/bin/python scripts/screenshot.py USER URLPATH OUT.png [--width 1280] [--full]
"""
import argparse

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("user")
    p.add_argument("path")
    p.add_argument("out")
    p.add_argument("--base", default="http://127.0.0.1:8000")
    p.add_argument("--width", type=int, default=1280)
    p.add_argument("--password", default="demo12345")
    p.add_argument("--full", action="store_true")
    a = p.parse_args()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": a.width, "height": 900})
        if a.user != "-":
            page.goto(a.base + "/accounts/login/")
            page.fill("#id_username", a.user)
            page.fill("#id_password", a.password)
            page.click("button[type=submit]")
        page.goto(a.base + a.path)
        page.screenshot(path=a.out, full_page=a.full)
        browser.close()


if __name__ == "__main__":
    main()
