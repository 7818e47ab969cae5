"""The citizens' pages in a real headless Chromium (Debian's), driven by Selenium.

A tip filed with JavaScript on (the phone's position emulated through the DevTools
protocol), the same with JavaScript off, a tip filled in without a signal (the server
stopped) and sent once when it is back, tracking with a message, and axe-core on every
page. Screenshots of each page at 360x740 and 1280x800 go to the output folder.

Usage: test_pages.py TINBAO_BINARY AXE_JS OUTPUT_DIR
"""

import json
import time

from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select

import harness
from harness import browser, check, look, shoot, wait

# Thị trấn Kiên Lương's centre (2024 commune 30787, district 902, Kiên Giang 91).
KIEN_LUONG = (10.245671, 104.606319)
NARRATIVE = "Khoảng 21 giờ tôi thấy năm người đi bộ theo đường mòn từ phía Campuchia sang."
# Every receipt code and phone number the pages saw: none may reach the server's log.
SECRETS = ["0912 345 678", "0912345678", "Nguyễn Văn An"]


def has_option(driver, select_id, value):
    return any(o.get_attribute("value") == value for o in Select(driver.find_element(By.ID, select_id)).options)


def fill_tip(driver, anonymous=True):
    driver.find_element(By.CSS_SELECTOR, "input[name='matter'][value='illegal_entry']").click()
    # The date and time control's segments follow the browser's locale; its value is
    # always the same form (WebDriver sets it, with the page's JavaScript on or off).
    driver.execute_script("arguments[0].value = '2026-11-20T21:30'", driver.find_element(By.ID, "f-observed_at"))
    driver.find_element(By.CSS_SELECTOR, "input[name='urgency'][value='present']").click()
    driver.find_element(By.ID, "f-persons_count").send_keys("5")
    driver.find_element(By.CSS_SELECTOR, "input[name='health_flags'][value='fever']").click()
    driver.find_element(By.ID, "f-narrative").send_keys(NARRATIVE)
    mode = "anonymous" if anonymous else "confidential"
    driver.find_element(By.CSS_SELECTOR, f"input[name='reporter.identity_mode'][value='{mode}']").click()


def continue_and_send(driver):
    driver.find_element(By.ID, "review").click()
    wait(driver, ec.presence_of_element_located((By.ID, "check-form")))
    driver.find_element(By.ID, "ack").click()
    driver.find_element(By.ID, "send").click()
    wait(driver, ec.presence_of_element_located((By.ID, "receipt-code")))
    return (driver.find_element(By.ID, "receipt-reference").text.strip(),
            driver.find_element(By.ID, "receipt-code").text.strip())


def tip_with_javascript(server):
    print("a tip filed with JavaScript on, the commune chosen from the phone's position")
    driver = browser()
    try:
        driver.execute_cdp_cmd("Browser.grantPermissions", {"origin": server.base, "permissions": ["geolocation"]})
        driver.execute_cdp_cmd("Emulation.setGeolocationOverride",
                               {"latitude": KIEN_LUONG[0], "longitude": KIEN_LUONG[1], "accuracy": 50})
        driver.get(server.base + "/")
        check(driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "vi", "Vietnamese by default")
        driver.find_element(By.TAG_NAME, "body").send_keys("\t")
        focused = driver.switch_to.active_element
        check(focused.get_attribute("class") == "skip", "the first Tab reaches the skip link")
        look(driver, "home")
        driver.get(server.base + "/guidance")
        look(driver, "guidance")
        driver.get(server.base + "/?lang=en")
        check(driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en", "the switch to English")
        look(driver, "home-en")
        driver.get(server.base + "/report?lang=vi")
        check(not driver.find_element(By.CSS_SELECTOR, ".reload").is_displayed(), "the reload buttons hide with JavaScript")
        look(driver, "report")
        # By keyboard alone: Tab from the last answer to "Continue", and Enter.
        narrative = driver.find_element(By.ID, "f-narrative")
        narrative.click()
        for _ in range(12):
            webdriver.ActionChains(driver).send_keys(Keys.TAB).perform()
            if driver.switch_to.active_element.get_attribute("id") == "review":
                break
        check(driver.switch_to.active_element.get_attribute("id") == "review", "Tab reaches Continue")
        webdriver.ActionChains(driver).send_keys(Keys.ENTER).perform()
        wait(driver, ec.presence_of_element_located((By.ID, "error-summary")))
        check(driver.switch_to.active_element.get_attribute("id") == "error-summary",
              "the page with errors starts at the summary")
        look(driver, "report-errors")
        driver.find_element(By.CSS_SELECTOR, "#error-summary a[href='#f-narrative']").click()
        check(driver.switch_to.active_element.get_attribute("id") == "f-narrative", "the summary's link reaches its field")
        driver.find_element(By.ID, "locate").click()
        wait(driver, lambda d: Select(d.find_element(By.ID, "f-location-commune_code")).first_selected_option
             .get_attribute("value") == "30787", 30)
        check(Select(driver.find_element(By.ID, "f-place-district")).first_selected_option.get_attribute("value") == "902",
              "the position chose Kiên Lương's district and commune")
        fill_tip(driver)
        driver.find_element(By.ID, "review").click()
        wait(driver, ec.presence_of_element_located((By.ID, "check-form")))
        look(driver, "check")
        driver.find_element(By.ID, "ack").click()
        driver.find_element(By.ID, "send").click()
        wait(driver, ec.presence_of_element_located((By.ID, "receipt-code")))
        reference = driver.find_element(By.ID, "receipt-reference").text.strip()
        code = driver.find_element(By.ID, "receipt-code").text.strip()
        SECRETS.append(code)
        check(reference.startswith("TB-") and len(code) == 31, f"the receipt shows {reference}")
        check("/report" == driver.execute_script("return location.pathname"), "the receipt code is in no URL")
        check(server.track(reference, code)["matter"] == "illegal_entry", "the tip is on the server")
        look(driver, "receipt")
        print("tracking the tip and adding information")
        driver.get(server.base + "/track")
        look(driver, "track")
        driver.find_element(By.ID, "f-reference").send_keys(reference)
        driver.find_element(By.ID, "f-receipt_code").send_keys(code)
        driver.find_element(By.ID, "track").click()
        wait(driver, ec.presence_of_element_located((By.ID, "message-form")))
        check("Đã nhận" in driver.find_element(By.ID, "track-status").text, "the coarse status")
        driver.find_element(By.ID, "f-body").send_keys("Họ đã chuyển sang nhà bên cạnh.")
        driver.find_element(By.ID, "send-message").click()
        wait(driver, ec.presence_of_element_located((By.CSS_SELECTOR, ".message")))
        check("Họ đã chuyển sang nhà bên cạnh." in driver.find_element(By.CSS_SELECTOR, ".message").text,
              "the message is on the tip")
        look(driver, "track-found")
        driver.delete_all_cookies()
        driver.get(server.base + "/track")
        driver.delete_cookie("tinbao_csrf")
        driver.find_element(By.ID, "f-reference").send_keys(reference)
        driver.find_element(By.ID, "track").click()
        # The wait fails the run if the refusal page never comes.
        wait(driver, lambda d: "Trang đã hết hạn" in d.find_element(By.TAG_NAME, "h1").text)
        look(driver, "csrf-refused")
    finally:
        driver.quit()


def tip_without_javascript(server):
    print("a tip filed with JavaScript off")
    driver = browser(javascript=False)
    before = server.reports()
    try:
        driver.get(server.base + "/report")
        check(driver.find_element(By.CSS_SELECTOR, ".reload").is_displayed(), "the reload buttons show without JavaScript")
        Select(driver.find_element(By.ID, "f-place-province")).select_by_value("91")
        driver.find_element(By.CSS_SELECTOR, "button[value='districts']").click()
        wait(driver, lambda d: has_option(d, "f-place-district", "902"))
        Select(driver.find_element(By.ID, "f-place-district")).select_by_value("902")
        driver.find_element(By.CSS_SELECTOR, "button[value='communes']").click()
        wait(driver, lambda d: has_option(d, "f-location-commune_code", "30787"))
        Select(driver.find_element(By.ID, "f-location-commune_code")).select_by_value("30787")
        fill_tip(driver, anonymous=False)
        driver.find_element(By.ID, "f-reporter-name").send_keys("Nguyễn Văn An")
        driver.find_element(By.ID, "f-reporter-phone").send_keys("0912 345 678")
        shoot(driver, "report-nojs")
        reference, code = continue_and_send(driver)
        SECRETS.append(code)
        check(reference.startswith("TB-") and len(code) == 31, f"the receipt without JavaScript shows {reference}")
        check(server.reports() == before + 1, "one tip filed")
        driver.refresh()
        time.sleep(1)
        shown = driver.find_elements(By.ID, "receipt-reference")
        check(not shown or shown[0].text.strip() == reference, "a reload of the answer shows the same receipt")
        check(server.reports() == before + 1, "a reload of the answer files nothing more")
        shoot(driver, "receipt-nojs")
    finally:
        driver.quit()


def tip_kept_offline(server):
    print("a tip filled in without a signal, sent once when it returns")
    driver = browser()
    before = server.reports()
    try:
        driver.get(server.base + "/report")
        driver.execute_async_script(
            "var done = arguments[arguments.length - 1];"
            "navigator.serviceWorker.ready.then(function () { done(true); });")
        wait(driver, lambda d: d.execute_script("return !!navigator.serviceWorker.controller"), 20)
        # The lists looked at while there was a signal stay for later.
        Select(driver.find_element(By.ID, "f-place-province")).select_by_value("91")
        wait(driver, lambda d: len(Select(d.find_element(By.ID, "f-place-district")).options) > 1)
        Select(driver.find_element(By.ID, "f-place-district")).select_by_value("902")
        wait(driver, lambda d: len(Select(d.find_element(By.ID, "f-location-commune_code")).options) > 1)
        server.stop()
        driver.get(server.base + "/report")
        check(driver.find_element(By.ID, "report-form").is_displayed(), "the form opens without a signal")
        Select(driver.find_element(By.ID, "f-place-province")).select_by_value("91")
        wait(driver, lambda d: len(Select(d.find_element(By.ID, "f-place-district")).options) > 1)
        Select(driver.find_element(By.ID, "f-place-district")).select_by_value("902")
        wait(driver, lambda d: len(Select(d.find_element(By.ID, "f-location-commune_code")).options) > 1)
        Select(driver.find_element(By.ID, "f-location-commune_code")).select_by_value("30787")
        fill_tip(driver)
        driver.find_element(By.ID, "review").click()
        wait(driver, ec.visibility_of_element_located((By.ID, "offline-send")))
        driver.find_element(By.ID, "offline-ack").click()
        driver.find_element(By.ID, "offline-keep").click()
        wait(driver, lambda d: d.execute_script("return !!localStorage.getItem('tinbao-drafts')"))
        check("điện thoại này" in driver.find_element(By.ID, "offline-status").text, "the page says the tip is kept")
        drafts = json.loads(driver.execute_script("return localStorage.getItem('tinbao-drafts')"))
        check(len(drafts) == 1 and len(drafts[0]["key"]) == 36, "one draft, with a UUID key")
        doc = drafts[0]["doc"]
        check(doc["location"]["commune_code"] == 30787 and doc["persons_count"] == 5
              and doc["observed_at"] == "2026-11-20T21:30:00+07:00" and doc["health_flags"] == ["fever"]
              and "reporter" in doc and "name" not in doc["reporter"], "the draft is the API's document")
        check(driver.find_element(By.ID, "f-narrative").get_attribute("value") == "",
              "the form empties once its tip is kept, so it cannot be sent twice")
        shoot(driver, "offline-kept")
        server.start()
        wait(driver, ec.presence_of_element_located((By.CSS_SELECTOR, "#offline-receipts .code.big")), 60)
        reference = driver.find_element(By.CSS_SELECTOR, "#offline-receipts .code").text.strip()
        code = driver.find_element(By.CSS_SELECTOR, "#offline-receipts .code.big").text.strip()
        SECRETS.append(code)
        holder = driver.find_element(By.CSS_SELECTOR, "#offline-receipts .receipt-holder").text
        check("Công an Huyện Kiên Lương" in holder and "{" not in holder, f"the receipt names the authority: {holder}")
        check(server.track(reference, code)["reference"] == reference, "the kept tip reached the server")
        check(driver.execute_script("return localStorage.getItem('tinbao-drafts')") is None,
              "nothing of the tip stays on the phone")
        look(driver, "offline-sent")
        time.sleep(12)
        driver.refresh()
        time.sleep(12)
        check(server.reports() == before + 1, "sent exactly once")
        driver.find_element(By.ID, "clear-phone").click()
        wait(driver, lambda d: "Đã xóa" in d.find_element(By.ID, "offline-status").text)
        left = driver.execute_async_script(
            "var done = arguments[arguments.length - 1];"
            "caches.keys().then(function (k) { done(k.length + localStorage.length); });")
        check(left == 0, "clearing the phone leaves nothing of tinbao's")
    finally:
        driver.quit()


def main():
    harness.setup()
    server = harness.Server()
    server.start()
    try:
        tip_with_javascript(server)
        tip_without_javascript(server)
        tip_kept_offline(server)
    finally:
        if server.process and server.process.poll() is None:
            server.stop()
    log = server.log()
    check("request finished" in log, "the server logged its requests")
    leaked = [s for s in SECRETS if s in log]
    check(not leaked, f"no receipt code, name or phone in the server's log ({len(SECRETS)} looked for)")
    harness.finish()


if __name__ == "__main__":
    main()
