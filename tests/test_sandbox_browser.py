"""The sandbox in headless Chromium, as a new user meets it: open the page, `/escalate sev1
Acme`, fill the modal (a required field left empty first), see the pinned root, move the
clock to the next 09:00 in the DRI's zone, answer the morning prompt with an update and see
it in the thread. Needs Debian's `chromium` and `chromium-driver` (`.ci/run` installs them)."""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

import pytest
from waitress.server import create_server

from bot.sandbox import roster as rosters
from bot.sandbox.run import Sandbox
from bot.settings import Settings

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.common.exceptions import (  # noqa: E402
    NoSuchElementException,
    StaleElementReferenceException,
)
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.remote.webdriver import WebDriver  # noqa: E402
from selenium.webdriver.remote.webelement import WebElement  # noqa: E402
from selenium.webdriver.support import expected_conditions as seen  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

# Monday 09:00 in Los Angeles (the PM), 12:00 in New York (the DRI).
START = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)
PM, DRI, MANAGER = "UPM0001", "UDRI0001", "UMGR0001"
SCREENSHOT_DIR = os.environ.get("SANDBOX_SCREENSHOT_DIR")
T = TypeVar("T")


def _browser_paths() -> tuple[str, str] | None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    return (chromium, driver) if chromium and driver else None


@pytest.fixture
def sandbox_url(tmp_path: Path) -> Iterator[tuple[str, Sandbox]]:
    sandbox = Sandbox.start(
        Settings(_env_file=None),
        rosters.load(None),
        database_url=f"sqlite:///{tmp_path / 'sandbox.db'}",
        start_at=START,
        with_scheduler=False,  # the clock buttons run it; nothing moves behind the test
    )
    server = create_server(sandbox.wsgi, host="127.0.0.1", port=0, asyncore_loop_timeout=0.02)
    thread = threading.Thread(target=lambda: _run(server), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}/", sandbox
    server.close()
    thread.join(timeout=5)
    sandbox.stop()


def _run(server: object) -> None:
    with contextlib.suppress(OSError):
        server.run()  # type: ignore[attr-defined]


@pytest.fixture
def browser() -> Iterator[WebDriver]:
    paths = _browser_paths()
    if paths is None:
        if os.environ.get("CI"):
            pytest.fail("CI must run the browser test: install chromium and chromium-driver")
        pytest.skip("no chromium / chromedriver (apt-get install chromium chromium-driver)")
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = paths[0]
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
        options.add_argument(flag)
    options.add_argument("--window-size=1400,1000")
    driver = webdriver.Chrome(service=Service(paths[1]), options=options)
    yield driver
    driver.quit()


def _wait(driver: WebDriver, timeout: float = 20) -> WebDriverWait[WebDriver]:
    return WebDriverWait(driver, timeout, poll_frequency=0.1)


def _field(modal: WebElement, block: str) -> WebElement:
    return modal.find_element(By.CSS_SELECTOR, f'.sb-input[data-block="{block}"]')


def _modal(driver: WebDriver, title: str) -> WebElement:
    _wait(driver).until(
        seen.text_to_be_present_in_element((By.CSS_SELECTOR, "#modal-layer .modal-head h2"), title)
    )
    return driver.find_element(By.CSS_SELECTOR, "#modal-layer .modal")


def _steady(driver: WebDriver, find: Callable[[WebDriver], T]) -> T:
    """`find`'s answer once it has one: the page re-renders a channel as messages arrive,
    so an element found a moment ago may be gone (stale) and is looked up again."""

    def attempt(d: WebDriver) -> T | None:
        try:
            return find(d)
        except (StaleElementReferenceException, NoSuchElementException):
            return None

    found: T = _wait(driver).until(attempt)
    return found


def _type(driver: WebDriver, text: str) -> None:
    box = driver.find_element(By.ID, "composer-text")
    box.send_keys(text)
    box.send_keys(Keys.ENTER)


def _screenshot(driver: WebDriver, tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    assert driver.save_screenshot(str(path))
    assert path.stat().st_size > 10_000, "the screenshot is empty"
    if SCREENSHOT_DIR:
        shutil.copyfile(path, Path(SCREENSHOT_DIR) / name)
    return path


def test_a_pm_runs_a_sev1_to_the_first_morning_in_the_browser(
    sandbox_url: tuple[str, Sandbox], browser: WebDriver, tmp_path: Path
) -> None:
    url, sandbox = sandbox_url
    browser.get(url)
    _wait(browser).until(
        seen.text_to_be_present_in_element((By.ID, "title"), "#ps-project-leadership")
    )
    assert (
        Select(browser.find_element(By.ID, "person")).first_selected_option.get_attribute("value")
        == PM
    )

    _type(browser, "/escalate sev1 Acme")
    modal = _modal(browser, "Open Sev 1 escalation")
    assert _field(modal, "customer").get_attribute("value") == "Acme"
    _field(modal, "project").send_keys("Acme - Phase 2 rollout")
    Select(_field(modal, "level")).select_by_value("critical")
    Select(_field(modal, "triggers")).select_by_value("formal_escalation")
    # The summary is left empty: Slack refuses the submission beside the field, keeping
    # everything else that was typed.
    modal.find_element(By.CSS_SELECTOR, ".sb-submit").click()
    _wait(browser).until(
        seen.text_to_be_present_in_element(
            (By.CSS_SELECTOR, '.blk.input[data-block="summary"] .field-error'),
            "Please complete this required field.",
        )
    )
    modal = browser.find_element(By.CSS_SELECTOR, "#modal-layer .modal")
    assert _field(modal, "project").get_attribute("value") == "Acme - Phase 2 rollout"
    _field(modal, "summary").send_keys("CIO escalated <!channel>: go-live slipped twice.")
    Select(_field(modal, "dri")).select_by_value(DRI)
    Select(_field(modal, "manager")).select_by_value(MANAGER)
    assert Select(_field(modal, "director")).first_selected_option.get_attribute("value") == (
        "UDIR0001"
    ), "the Director PS is pre-filled from the workspace file"
    Select(_field(modal, "internal_channel")).select_by_visible_text("#proj-acme-internal")
    Select(_field(modal, "customer_channel")).select_by_visible_text("#acme-shared")
    modal.find_element(By.CSS_SELECTOR, ".sb-submit").click()

    done = _modal(browser, "Escalation saved")
    done.find_element(By.CSS_SELECTOR, ".sb-close").click()
    _wait(browser).until(seen.invisibility_of_element_located((By.ID, "modal-layer")))
    _wait(browser).until(seen.text_to_be_present_in_element((By.ID, "pins-toggle"), "1 pinned"))
    root_text, broadcasts = _steady(
        browser,
        lambda d: (
            (root := d.find_element(By.CSS_SELECTOR, "#messages .msg.is-pinned")).text,
            root.find_elements(By.CSS_SELECTOR, ".mention.broadcast"),
        ),
    )
    assert "ESC-1" in root_text and "Sev 1 Critical" in root_text
    assert "<!channel>" in root_text, "the summary's broadcast is shown as text, not sent"
    assert broadcasts == []
    _wait(browser).until(
        seen.text_to_be_present_in_element((By.CSS_SELECTOR, "#messages"), "Only visible to you")
    )
    _screenshot(browser, tmp_path, "sandbox.png")
    # The receipt's link opens the thread here, as it would in Slack.
    _steady(
        browser,
        lambda d: (
            d.find_element(By.CSS_SELECTOR, ".ephemeral a[href*='/archives/']").click() or True
        ),
    )
    _wait(browser).until(
        seen.text_to_be_present_in_element((By.ID, "thread-messages"), "Phase 1 checklist")
    )

    Select(browser.find_element(By.ID, "person")).select_by_value(DRI)
    _wait(browser).until(seen.text_to_be_present_in_element((By.ID, "clock-zone"), "New_York"))
    browser.find_element(By.ID, "next-nine").click()
    _wait(browser, 60).until(
        seen.text_to_be_present_in_element((By.ID, "clock-local"), "Tue 24 Nov 2026, 09:00")
    )
    assert sandbox.clock.now() == datetime(2026, 11, 24, 14, 0, tzinfo=UTC)
    browser.find_element(By.ID, "nav-dm").click()
    _wait(browser).until(seen.text_to_be_present_in_element((By.ID, "title"), "Escalation Bot"))
    morning = "//div[@id='messages']/div[contains(@class,'msg')][contains(., 'Morning review')]"

    def press_post_update(d: WebDriver) -> str:
        prompt = d.find_element(By.XPATH, morning)
        text = str(prompt.text)
        prompt.find_element(By.CSS_SELECTOR, 'button[data-action="prompt_post_update"]').click()
        return text

    assert "ESC-1" in _steady(browser, press_post_update)

    update = _modal(browser, "Post update")
    _field(update, "summary").send_keys("Senior engineer added; go-live re-baselined to Dec 12.")
    update.find_element(By.CSS_SELECTOR, 'input[type="radio"][value="yes"]').click()
    update.find_element(By.CSS_SELECTOR, ".sb-submit").click()
    _wait(browser).until(seen.invisibility_of_element_located((By.ID, "modal-layer")))

    browser.find_element(By.CSS_SELECTOR, '#channels a[data-name="ps-project-leadership"]').click()
    _wait(browser).until(
        seen.text_to_be_present_in_element((By.ID, "title"), "#ps-project-leadership")
    )
    _steady(
        browser,
        lambda d: (
            d.find_element(By.CSS_SELECTOR, "#messages .msg.is-pinned .thread-link").click() or True
        ),
    )
    _wait(browser).until(
        seen.text_to_be_present_in_element(
            (By.ID, "thread-messages"), "Senior engineer added; go-live re-baselined to Dec 12."
        )
    )
    assert "Update on ESC-1" in _steady(
        browser, lambda d: d.find_element(By.ID, "thread-messages").text
    )
    _screenshot(browser, tmp_path, "sandbox-thread.png")
