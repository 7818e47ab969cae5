"""The staff console in a real headless Chromium (Debian's), driven by Selenium.

An admin created with the CLI enrols in the browser (reading the enrolment page's secret
and computing codes like an authenticator app) and creates the staff through the API. A
supervisor watches the open work list while a citizen files an urgent tip: it must appear
within 5 seconds without a reload. An officer reaches it with the keyboard alone, works it
from new to resolved with a note and a message, reveals the reporter's contact with a
reason and a fresh code; a colleague who opened the case before a change is told, not
overwritten; the reporter then sees the officer's message on the tracking page. axe-core
runs on every page, and screenshots of each go to the output folder.

Usage: test_console.py TINBAO_BINARY AXE_JS OUTPUT_DIR
"""

import time
import uuid

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select

import harness
from harness import Authenticator, browser, check, look, wait

PASSWORD = "browser tulip garage seventy"
NARRATIVE = "Khoảng 21 giờ tôi thấy năm người đi bộ theo đường mòn từ phía Campuchia sang."
REPORTER = {"identity_mode": "confidential", "name": "Trần Thị Bé", "phone": "0987 654 321"}
MESSAGE = "Cảm ơn anh chị, công an xã đã đến kiểm tra."
# What the officer and the reporter saw that the server's log must never hold.
SECRETS = ["Trần Thị Bé", "0987 654 321", "0987654321", PASSWORD]


def sign_in(driver, server, login, authenticator=None):
    """Password, then (for an enrolled account) the code; answers the authenticator that an
    account enrolling for the first time gets from the enrolment page."""
    driver.get(server.base + "/staff/login")
    driver.find_element(By.ID, "f-login").send_keys(login)
    driver.find_element(By.ID, "f-password").send_keys(PASSWORD)
    driver.find_element(By.ID, "sign-in").click()
    if authenticator is None:
        wait(driver, ec.presence_of_element_located((By.ID, "totp-secret")))
        secret = driver.find_element(By.ID, "totp-secret").text
        authenticator = Authenticator(secret)
        check(len(secret.split(" ")[0]) == 4 and secret == secret.upper(),
              f"{login}: the secret shows upper-case in groups of four")
        check(driver.find_elements(By.CSS_SELECTOR, "figure.qr svg"), f"{login}: the QR code is drawn")
        driver.find_element(By.ID, "f-totp_code").send_keys(authenticator.code())
        driver.find_element(By.ID, "confirm-enrolment").click()
    else:
        wait(driver, ec.presence_of_element_located((By.ID, "code-form")))
        driver.find_element(By.ID, "f-totp_code").send_keys(authenticator.code())
        driver.find_element(By.ID, "confirm-code").click()
    wait(driver, lambda d: d.execute_script("return location.pathname") == "/staff/cases")
    return authenticator


def api_token(server, login, authenticator):
    status, answer = server.api("POST", "/api/v1/auth/login",
                                {"login": login, "password": PASSWORD, "totp_code": authenticator.code()})
    assert status == 200, answer
    return answer["access_token"]


def create_staff(server, admin, login, role, **scope):
    status, answer = server.api("POST", "/api/v1/users", {"login": login, "password": PASSWORD, "role": role, **scope},
                                admin)
    assert status == 201, answer


def file_urgent_tip(server):
    status, answer = server.api("POST", "/api/v1/reports", {
        "matter": "illegal_entry", "observed_at": "2026-11-20T21:30:00+07:00", "urgency": "present",
        "location": {"scheme": "2024", "commune_code": 30787}, "narrative": NARRATIVE, "reporter": REPORTER,
        "acknowledged_false_report_warning": True}, headers={"Idempotency-Key": str(uuid.uuid4())})
    assert status == 201, answer
    SECRETS.append(answer["receipt_code"])
    return answer["reference"], answer["receipt_code"]


def act(driver, action, outcome=None, reason=None):
    driver.find_element(By.ID, f"action-{action}").click()
    if outcome:
        Select(driver.find_element(By.ID, "f-outcome")).select_by_value(outcome)
    if reason:
        driver.find_element(By.ID, "f-reason").send_keys(reason)
    driver.find_element(By.ID, "take-action").click()
    wait(driver, lambda d: f"done={action}" in d.current_url)


def case_of(server, token, case_id):
    status, case = server.api("GET", f"/api/v1/cases/{case_id}", token=token)
    assert status == 200, case
    return case


def admin_enrols_and_creates_the_staff(server):
    print("the first admin enrols in the browser and creates the staff")
    driver = browser()
    try:
        driver.get(server.base + "/staff/cases")
        check(driver.execute_script("return location.pathname") == "/staff/login", "without a session: the sign-in page")
        look(driver, "staff-login")
        driver.find_element(By.ID, "sign-in").click()
        wait(driver, ec.presence_of_element_located((By.ID, "error-summary")))
        look(driver, "staff-login-errors")
        driver.get(server.base + "/staff/login")
        driver.find_element(By.ID, "f-login").send_keys("admin.kiengiang")
        driver.find_element(By.ID, "f-password").send_keys(PASSWORD)
        driver.find_element(By.ID, "sign-in").click()
        wait(driver, ec.presence_of_element_located((By.ID, "totp-secret")))
        look(driver, "staff-enrol")
        authenticator = Authenticator(driver.find_element(By.ID, "totp-secret").text)
        driver.find_element(By.ID, "f-totp_code").send_keys("000000" if authenticator.code() != "000000" else "111111")
        driver.find_element(By.ID, "confirm-enrolment").click()
        wait(driver, ec.presence_of_element_located((By.ID, "error-summary")))
        check(driver.find_element(By.ID, "f-totp_code").get_attribute("aria-invalid") == "true",
              "a wrong code marks the field")
        driver.find_element(By.ID, "f-totp_code").send_keys(authenticator.code())
        driver.find_element(By.ID, "confirm-enrolment").click()
        # An admin handles no cases: signing in lands on the staff accounts.
        wait(driver, lambda d: d.execute_script("return location.pathname") == "/staff/admin/accounts")
        look(driver, "staff-admin-accounts-empty")
        print("the admin creates the first officer in the browser, with a typo first")
        driver.find_element(By.ID, "f-login").send_keys("kl.officer.an")
        driver.find_element(By.ID, "f-display_name").send_keys("Nguyễn Văn An")
        Select(driver.find_element(By.ID, "f-role")).select_by_value("district_officer")
        driver.find_element(By.ID, "f-password").send_keys(PASSWORD)
        driver.find_element(By.ID, "f-authority_code").send_keys("2024-D9O2")
        driver.find_element(By.ID, "create-account").click()
        wait(driver, ec.presence_of_element_located((By.ID, "error-summary")))
        check(driver.find_element(By.ID, "f-authority_code").get_attribute("aria-invalid") == "true",
              "an unknown authority code marks its field")
        look(driver, "staff-admin-account-errors")
        driver.find_element(By.ID, "f-authority_code").clear()
        driver.find_element(By.ID, "f-authority_code").send_keys("2024-D902")
        driver.find_element(By.ID, "f-password").send_keys(PASSWORD)
        driver.find_element(By.ID, "create-account").click()
        wait(driver, ec.presence_of_element_located((By.ID, "admin-notice")))
        listed = driver.find_element(By.ID, "accounts").text
        check("kl.officer.an" in listed and "Nguyễn Văn An" in listed, "the new officer is listed")
        look(driver, "staff-admin-accounts")
        driver.find_element(By.LINK_TEXT, "Hệ thống kết nối").click()
        driver.find_element(By.ID, "f-name").send_keys("Cổng thông tin điện tử tỉnh")
        driver.find_element(By.CSS_SELECTOR, "#f-scopes input[value='reports:submit']").click()
        driver.find_element(By.ID, "create-client").click()
        secret = wait(driver, ec.presence_of_element_located((By.ID, "client-secret"))).text
        check(secret.startswith("cs_"), "the client's secret is shown once")
        SECRETS.append(secret)
        look(driver, "staff-admin-client-created")
        driver.find_element(By.LINK_TEXT, "Quy tắc phân tuyến").click()
        wait(driver, ec.presence_of_element_located((By.ID, "new-rule")))
        look(driver, "staff-admin-rules")
        driver.find_element(By.LINK_TEXT, "Điện thoại của cơ quan").click()
        driver.find_element(By.ID, "f-q").send_keys("kien luong", Keys.ENTER)
        wait(driver, ec.presence_of_element_located((By.ID, "authorities")))
        look(driver, "staff-admin-authorities")
        driver.get(server.base + "/staff/account")
        look(driver, "staff-account")
    finally:
        driver.quit()
    admin = api_token(server, "admin.kiengiang", authenticator)
    status, page = server.api("GET", "/api/v1/authorities?q=2024-D902", token=admin)
    kien_luong = next(a["id"] for a in page["items"] if a["code"] == "2024-D902")
    create_staff(server, admin, "kl.officer.binh", "district_officer", authority_id=kien_luong)
    create_staff(server, admin, "kg.supervisor", "supervisor", province_code=91)
    create_staff(server, admin, "vn.auditor", "auditor")
    return authenticator


def the_urgent_tip_appears_without_a_reload(server, supervisor):
    print("a supervisor's open work list shows a new urgent tip within 5 seconds, without a reload")
    supervisor.get(server.base + "/staff/cases?status=new&status=accepted&status=investigating")
    supervisor.execute_script("window.notReloaded = true")
    reference, code = file_urgent_tip(server)
    filed = time.monotonic()
    row = f"//tr[contains(@class, 'urgent')]//a[normalize-space(text())='{reference}']"
    wait(supervisor, ec.presence_of_element_located((By.XPATH, row)), 10)
    took = time.monotonic() - filed
    check(took <= 5, f"the urgent tip appeared after {took:.1f} s")
    check(supervisor.execute_script("return window.notReloaded === true"), "the page was not reloaded")
    counts = supervisor.find_element(By.ID, "quick-filters").text
    check("1" in counts, f"the quick filters count it: {counts!r}")
    look(supervisor, "staff-cases")
    return reference, code


def the_overview_draws_its_chart_and_map(supervisor):
    print("the supervisor's overview: figures, the chart of tips per day, the map of open cases")
    supervisor.find_element(By.LINK_TEXT, "Tổng quan").click()
    wait(supervisor, ec.presence_of_element_located((By.ID, "tips-chart")))
    bars = supervisor.find_elements(By.CSS_SELECTOR, "#tips-chart rect")
    check(len(bars) >= 1, f"the chart draws today's tips: {len(bars)} bars")
    width = supervisor.find_element(By.ID, "tips-chart").size["width"]
    check(width > 200, f"the chart fills the column: {width} px wide")
    drawn = wait(supervisor, lambda d: d.find_element(By.ID, "map").get_attribute("data-drawn"))
    points = supervisor.find_elements(By.CSS_SELECTOR, "#map path.leaflet-interactive")
    check(int(drawn) >= 1 and len(points) == int(drawn), f"the map draws each commune with open cases: {drawn}")
    tiles = supervisor.find_elements(By.CSS_SELECTOR, "#map img.leaflet-tile")
    check(not tiles, "without TINBAO_MAP_TILES the points lie on a plain ground, nothing is fetched elsewhere")
    check(supervisor.find_element(By.ID, "fig-total").text != "0", "the figures count the province's cases")
    look(supervisor, "console-overview")


def officer_works_the_case(server, an, an_codes, binh, reference):
    print("an officer works the case from new to resolved; a colleague is told of a change in between")
    an.get(server.base + "/staff/cases")
    wait(an, ec.presence_of_element_located((By.CSS_SELECTOR, "a.case-link")))
    # The keyboard alone: "/" reaches the search box, "j" the first case, Enter opens it.
    an.find_element(By.TAG_NAME, "body").send_keys("/")
    check(an.switch_to.active_element.get_attribute("id") == "f-q", "'/' puts the cursor in the search box")
    # Typed without diacritics, as on a keyboard without Telex: "duong mon" finds "đường mòn".
    an.find_element(By.ID, "f-q").send_keys("duong mon", Keys.ENTER)
    wait(an, lambda d: "q=" in d.current_url)
    found = [a.text.strip() for a in an.find_elements(By.CSS_SELECTOR, "a.case-link")]
    check(found == [reference], f"the search finds the case without diacritics: {found}")
    an.find_element(By.TAG_NAME, "body").send_keys("j")
    check(an.switch_to.active_element.text.strip() == reference, "'j' reaches the first case")
    an.switch_to.active_element.send_keys(Keys.ENTER)
    wait(an, ec.presence_of_element_located((By.ID, "case-facts")))
    case_url = an.current_url
    check(an.get_cookie("tinbao_staff") is not None and an.get_cookie("tinbao_staff")["httpOnly"],
          "the session cookie is HttpOnly")
    look(an, "staff-case-new")

    binh.get(case_url)
    wait(binh, ec.presence_of_element_located((By.ID, "set-priority")))
    act(an, "accept")
    Select(binh.find_element(By.ID, "f-priority")).select_by_value("high")
    binh.find_element(By.ID, "set-priority").click()
    wait(binh, ec.presence_of_element_located((By.ID, "case-notice")))
    notice = binh.find_element(By.ID, "case-notice")
    check("notice-error" in notice.get_attribute("class"), f"the colleague is told: {notice.text!r}")
    check(binh.find_elements(By.CSS_SELECTOR, "#history li.fresh"), "the colleague sees what changed, marked")
    look(binh, "staff-case-changed-meanwhile")
    check("urgent-tag" in an.find_element(By.ID, "case-priority").get_attribute("innerHTML"),
          "the stale change overwrote nothing")

    an.find_element(By.ID, "assign-me").click()
    wait(an, lambda d: "done=assign_me" in d.current_url)
    act(an, "start_investigation")
    an.find_element(By.ID, "f-body").send_keys("Đã gọi công an xã Kiên Lương.")
    an.find_element(By.ID, "add-note").click()
    wait(an, lambda d: "done=note" in d.current_url)
    check("Đã gọi công an xã" in an.find_element(By.ID, "notes").text, "the note is on the case")
    an.find_element(By.ID, "f-body").send_keys(MESSAGE)
    an.find_element(By.ID, "send-message").click()
    wait(an, lambda d: "done=message" in d.current_url)
    look(an, "staff-case-investigating")

    an.find_element(By.ID, "f-reveal_reason").send_keys("Cần gọi người báo tin để xác định nhà.")
    an.find_element(By.ID, "reveal").click()
    wait(an, ec.presence_of_element_located((By.ID, "error-summary")))
    check(an.find_element(By.ID, "f-totp_code").get_attribute("aria-invalid") == "true",
          "the reveal without a code marks the code's field")
    an.find_element(By.ID, "f-reveal_reason").clear()
    an.find_element(By.ID, "f-reveal_reason").send_keys("Cần gọi người báo tin để xác định nhà.")
    an.find_element(By.ID, "f-totp_code").send_keys(an_codes.code())
    an.find_element(By.ID, "reveal").click()
    wait(an, ec.presence_of_element_located((By.ID, "contact-1")))
    contact = an.find_element(By.ID, "contact-1").text
    check("Trần Thị Bé" in contact and "987654321" in contact.replace(" ", ""), "the contact is shown")
    look(an, "staff-reveal")
    an.get(case_url)
    routing = an.find_element(By.ID, "case-facts").text
    check("chưa có quy tắc phân tuyến" in routing and "no routing rule" not in routing.split("Ghi nhận")[0],
          f"the routing is explained in the page's language: {routing!r}")
    # Resolving needs a reason: the summary names the reason's field by its label.
    an.find_element(By.ID, "action-resolve").click()
    Select(an.find_element(By.ID, "f-outcome")).select_by_value("located_and_handled")
    an.find_element(By.ID, "take-action").click()
    wait(an, ec.presence_of_element_located((By.ID, "error-summary")))
    summary = an.find_element(By.ID, "error-summary")
    link = summary.find_element(By.TAG_NAME, "a")
    check(link.text.startswith("Lý do") and link.get_attribute("href").endswith("#f-reason"),
          f"the summary names the reason and links to it: {link.text!r}")
    check(an.find_element(By.ID, "f-reason").get_attribute("aria-invalid") == "true", "the reason is marked")
    look(an, "staff-case-reason-missing")
    an.get(case_url)
    act(an, "resolve", outcome="located_and_handled", reason="Đã xác minh, đối tượng đã được cách ly.")
    status = an.find_element(By.ID, "case-status").text
    check(status == "Đã giải quyết", f"the case page says resolved: {status!r}")
    offered = [e.get_attribute("id") for e in an.find_elements(By.CSS_SELECTOR, "[id^=action-]")]
    check("action-resolve" not in offered and "action-accept" not in offered,
          f"a resolved case offers only what the state machine allows now: {offered}")
    look(an, "staff-case-resolved")
    an.get(case_url + "/history")
    history = an.find_element(By.ID, "lines").text
    check("Đã giải quyết: Đã tìm thấy và xử lý" in history,
          f"the whole history says the resolution in words: {history[:120]!r}")
    check("case.resolve" not in history, "no codes in the officer's history")
    look(an, "staff-case-history")
    return case_url.rsplit("/", 1)[1]


def the_reporter_sees_the_message(server, reference, code):
    print("the reporter sees the officer's message on the tracking page")
    driver = browser()
    try:
        driver.get(server.base + "/track")
        driver.find_element(By.ID, "f-reference").send_keys(reference)
        driver.find_element(By.ID, "f-receipt_code").send_keys(code)
        driver.find_element(By.ID, "track").click()
        wait(driver, ec.presence_of_element_located((By.ID, "track-status")))
        staff_messages = [m.text for m in driver.find_elements(By.CSS_SELECTOR, ".message.from-staff")]
        check(any(MESSAGE in m for m in staff_messages), f"the officer's message is there: {staff_messages}")
        look(driver, "track-after-console")
    finally:
        driver.quit()


def the_reveal_is_in_the_trail(server, case_id):
    print("an auditor finds the reveal in the case's chain and verifies the trail")
    driver = browser()
    try:
        authenticator = sign_in(driver, server, "vn.auditor")
        driver.find_element(By.LINK_TEXT, "Nhật ký kiểm toán").click()
        wait(driver, ec.presence_of_element_located((By.ID, "events")))
        look(driver, "console-audit")
        driver.find_element(By.ID, "f-object_id").send_keys(case_id)
        Select(driver.find_element(By.ID, "f-object_type")).select_by_value("case")
        driver.find_element(By.ID, "apply-audit-filters").click()
        wait(driver, ec.presence_of_element_located((By.ID, "chain-title")))
        actions = [a.text for a in driver.find_elements(By.CSS_SELECTOR, "#events code")]
        check("case.reporter_contact_revealed" in actions, f"the reveal is in the case's chain: {actions}")
        look(driver, "console-audit-chain")
        driver.find_element(By.ID, "verify-link").click()
        driver.find_element(By.ID, "run-verify").click()
        result = wait(driver, ec.presence_of_element_located((By.ID, "verify-result"))).text
        check("Nhật ký còn nguyên vẹn" in result, f"the trail verifies, in words: {result}")
        look(driver, "console-audit-verify")
        token = api_token(server, "vn.auditor", authenticator)
    finally:
        driver.quit()
    status, events = server.api("GET", f"/api/v1/audit?object_id={case_id}&limit=100", token=token)
    check(status == 200, f"the auditor reads the case's trail: {status}")
    actions = [e["action"] for e in events.get("items", [])]
    check("case.reporter_contact_revealed" in actions, f"the reveal is in the audit trail: {actions}")


def main():
    harness.setup()
    server = harness.Server()
    server.cli("users", "create-admin", "--login", "admin.kiengiang", TINBAO_ADMIN_PASSWORD=PASSWORD)
    server.start()
    try:
        admin_codes = admin_enrols_and_creates_the_staff(server)
        supervisor, an, binh = browser(), browser(), browser()
        try:
            sign_in(supervisor, server, "kg.supervisor")
            an_codes = sign_in(an, server, "kl.officer.an")
            sign_in(binh, server, "kl.officer.binh")
            reference, code = the_urgent_tip_appears_without_a_reload(server, supervisor)
            the_overview_draws_its_chart_and_map(supervisor)
            case_id = officer_works_the_case(server, an, an_codes, binh, reference)
            token = api_token(server, "kl.officer.an", an_codes)
            case = case_of(server, token, case_id)
            check(case["status"] == "resolved" and case["outcome"] == "located_and_handled",
                  f"the API sees the case resolved: {case['status']}, {case.get('outcome')}")
        finally:
            for driver in (supervisor, an, binh):
                driver.quit()
        the_reveal_is_in_the_trail(server, case_id)
        the_reporter_sees_the_message(server, reference, code)
    finally:
        if server.process and server.process.poll() is None:
            server.stop()
    log = server.log()
    leaked = [s for s in SECRETS if s in log]
    check(not leaked, f"no password, receipt code, name or phone in the server's log ({len(SECRETS)} looked for)")
    harness.finish()


if __name__ == "__main__":
    main()
