"""A real browser (Debian's Chromium, headless, driven by Selenium) on the query page:
run a named query, see results, follow an entity link to its page."""

from __future__ import annotations

import shutil
from urllib.parse import urlsplit

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.slow]

CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
    "--window-size=1400,1000",
)


@pytest.fixture()
def browser(monkeypatch):  # type: ignore[no-untyped-def]
    # Both paths are given, so selenium-manager never runs; should it, it stays offline.
    monkeypatch.setenv("SE_OFFLINE", "true")
    monkeypatch.setenv("SE_AVOID_STATS", "true")
    if not (CHROMIUM and CHROMEDRIVER):
        pytest.fail(
            "chromium and chromedriver are needed: apt-get install chromium chromium-driver"
        )
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def test_query_page_runs_a_named_query_and_links_to_entity_pages(live_server, browser) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    server = live_server()  # the bundled sample, built by the pipeline
    wait = WebDriverWait(browser, 60)
    browser.get(server.url + "/")
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "#yasgui .yasqe")))
    browser.find_element(
        By.CSS_SELECTOR, 'button.named-query[data-name="entities-mentioned"]'
    ).click()
    rows = wait.until(
        EC.presence_of_all_elements_located((By.CSS_SELECTOR, "#yasgui .yasr table tbody tr"))
    )
    assert len(rows) > 5
    link = wait.until(EC.element_to_be_clickable((By.CSS_SELECTOR, "#yasgui .yasr a.entity-link")))
    target = link.get_attribute("href")
    assert urlsplit(target).netloc == urlsplit(server.url).netloc  # a page on this server
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", link)
    link.click()
    wait.until(EC.url_to_be(target))
    heading = wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "h1#label")))
    assert heading.text.strip()
    assert browser.find_elements(
        By.CSS_SELECTOR, "ol.mentions li mark"
    )  # a mention in its sentence
    assert "GET /sparql" in server.output() or "POST /sparql" in server.output()
