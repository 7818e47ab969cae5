"""What the browser tests share: a tinbao to test against, a headless Chromium (Debian's),
checks that collect failures, waits that leave the page behind when they fail, axe-core,
and screenshots at a phone's and a desktop's width.

Every test script is called as `SCRIPT TINBAO_BINARY AXE_JS OUTPUT_DIR`; `setup()` reads
those and `finish()` ends the run with the failures counted.
"""

import base64
import hashlib
import hmac
import json
import os
import socket
import sqlite3
import struct
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.support.ui import WebDriverWait

BINARY = AXE = OUT = None
SIZES = [(360, 740), (1280, 800)]
FAILURES = []


def setup():
    global BINARY, AXE, OUT
    BINARY, OUT = sys.argv[1], sys.argv[3]
    AXE = open(sys.argv[2], encoding="utf-8").read()
    os.makedirs(OUT, exist_ok=True)


def finish():
    print(f"screenshots: {OUT}")
    if FAILURES:
        print(f"{len(FAILURES)} browser check(s) failed")
        sys.exit(1)
    print("every browser check passed")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One tinbao on a SQLite file, which the tests stop and start again."""

    def __init__(self, **settings):
        self.dir = tempfile.mkdtemp(prefix="tinbao-browser-")
        self.settings = settings
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = None

    def start(self):
        log = open(os.path.join(self.dir, "server.log"), "a")
        self.process = subprocess.Popen([BINARY, "serve"], env=self.env(), stdout=log, stderr=log)
        for _ in range(240):
            try:
                with urllib.request.urlopen(self.base + "/readyz", timeout=2):
                    return
            except OSError:
                time.sleep(0.25)
        raise RuntimeError("tinbao did not start: " + open(os.path.join(self.dir, "server.log")).read())

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)

    def env(self, **more):
        return dict(os.environ, TINBAO_LISTEN=f"127.0.0.1:{self.port}", TINBAO_DATA_DIR=self.dir, TINBAO_LOG="info",
                    TINBAO_RATE_ANON_REPORTS="1000", TINBAO_RATE_TRACKING="1000", **self.settings, **more)

    def cli(self, *args, **env):
        """Runs `tinbao ARGS` on the same database, as an operator would."""
        subprocess.run([BINARY, *args], env=self.env(**env), check=True, capture_output=True)

    def log(self):
        return open(os.path.join(self.dir, "server.log"), encoding="utf-8").read()

    def api(self, method, path, body=None, token=None, headers=None):
        """One JSON call to the API; answers (status, document)."""
        request = urllib.request.Request(self.base + path, method=method,
                                         data=None if body is None else json.dumps(body).encode())
        request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", "Bearer " + token)
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                text = answer.read()
                return answer.status, (json.loads(text) if text else None)
        except urllib.error.HTTPError as refused:
            return refused.code, json.loads(refused.read() or b"null")

    def reports(self):
        with sqlite3.connect(os.path.join(self.dir, "tinbao.db")) as db:
            return db.execute("SELECT COUNT(*) FROM reports").fetchone()[0]

    def track(self, reference, code):
        body = json.dumps({"reference": reference, "receipt_code": code}).encode()
        request = urllib.request.Request(self.base + "/api/v1/tracking", data=body,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.load(answer)


def browser(javascript=True):
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--window-size=1280,800", "--lang=vi"]:
        options.add_argument(flag)
    # A Vietnamese phone: its browser asks for Vietnamese.
    prefs = {"intl.accept_languages": "vi-VN,vi"}
    if not javascript:
        prefs["profile.managed_default_content_settings.javascript"] = 2
    options.add_experimental_option("prefs", prefs)
    driver = webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))
    driver.set_page_load_timeout(30)
    return driver


def check(condition, what):
    if condition:
        print("  ok:", what)
    else:
        print("  FAILED:", what)
        FAILURES.append(what)


def wait(driver, condition, seconds=20):
    try:
        # A page being replaced (a form's reload) leaves stale elements for a moment.
        return WebDriverWait(driver, seconds, ignored_exceptions=(StaleElementReferenceException,)).until(condition)
    except Exception:
        # What the page showed instead, for whoever reads the failure.
        path = os.path.join(OUT, f"failure-{int(time.time())}")
        driver.save_screenshot(path + ".png")
        with open(path + ".html", "w", encoding="utf-8") as f:
            f.write(driver.page_source)
        print(f"  the page when waiting failed: {path}.png, {path}.html")
        raise


def shoot(driver, name):
    """Full-page screenshots at a phone's and a desktop's width, and the page must not
    scroll sideways at either."""
    # 320 px is the narrowest phone WCAG asks for; 640 px is 1280 px at 200 % zoom.
    for width in (320, 640):
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": width, "height": 700, "deviceScaleFactor": 1, "mobile": width < 500})
        time.sleep(0.1)
        overflow = driver.execute_script("return document.documentElement.scrollWidth")
        check(overflow <= width, f"{name} at {width}px does not scroll sideways ({overflow})")
    for width, height in SIZES:
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 500})
        time.sleep(0.2)
        overflow = driver.execute_script("return document.documentElement.scrollWidth")
        check(overflow <= width, f"{name} at {width}px does not scroll sideways ({overflow})")
        full = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
        shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
            "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": width, "height": max(height, full["height"]), "scale": 1}})
        with open(os.path.join(OUT, f"{name}-{width}x{height}.png"), "wb") as f:
            f.write(base64.b64decode(shot["data"]))
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def axe(driver, name):
    driver.execute_script(AXE)
    violations = driver.execute_async_script(
        "var done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
        ".then(function (r) { done(r.violations.map(function (v) {"
        "  return v.id + ': ' + v.nodes.map(function (n) { return n.target.join(' '); }).join(', '); })); });")
    check(violations == [], f"axe finds nothing on {name}: {violations}")


def look(driver, name, javascript=True):
    if javascript:
        axe(driver, name)
    shoot(driver, name)



def totp(secret, step):
    """RFC 6238's six digits for one 30-second step of a base32 secret."""
    secret = secret.replace(" ", "").upper()
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return "%06d" % (number % 1_000_000)


class Authenticator:
    """An officer's authenticator app: it gives each 30-second step's code once, because
    tinbao accepts a step only once per account (and the steps next to now)."""

    def __init__(self, secret):
        self.secret = secret
        self.last = None

    def code(self):
        while True:
            now = int(time.time()) // 30
            for step in (now - 1, now, now + 1):
                if self.last is None or step > self.last:
                    self.last = step
                    return totp(self.secret, step)
            time.sleep(1)
