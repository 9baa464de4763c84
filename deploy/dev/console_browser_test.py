"""Signs in to the Holdfast console in a real browser (Debian's chromium through chromedriver and
selenium), password then TOTP enrolment, walks the pages, signs out, and fails on any Content
Security Policy violation or other console error the browser reports.

    python3 console_browser_test.py BASE_URL USERNAME PASSWORD

Called by deploy/dev/console-browser, which starts the coordinator and creates the user.
"""
import base64
import hashlib
import hmac
import struct
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.wait import WebDriverWait


def totp(secret_base32: str, at: float) -> str:
    """RFC 6238 with the console's settings: SHA-1, 6 digits, 30 s."""
    padded = secret_base32 + "=" * (-len(secret_base32) % 8)
    key = base64.b32decode(padded)
    counter = int(at) // 30
    mac = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def main() -> int:
    base, username, password = sys.argv[1], sys.argv[2], sys.argv[3]
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    failures = []
    log = []

    def check(condition, message):
        if not condition:
            failures.append(message)

    def settle(condition):
        """Waits (at most 20 s) for the page a click started to load and meet `condition`."""
        try:
            WebDriverWait(driver, 20).until(lambda d: d.execute_script("return document.readyState") == "complete" and condition(d))
        except Exception:
            pass

    def collect(page):
        for entry in driver.get_log("browser"):
            log.append((page, entry))

    try:
        driver.get(base + "/console")
        check(driver.current_url.endswith("/console/sign-in"), f"unauthenticated /console went to {driver.current_url}")
        collect("sign-in")
        driver.find_element(By.NAME, "username").send_keys(username)
        driver.find_element(By.NAME, "password").send_keys(password)
        driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
        settle(lambda d: d.current_url.endswith("/console/enrol"))
        check(driver.current_url.endswith("/console/enrol"), f"after the password: {driver.current_url}")
        collect("enrol")
        secret = driver.find_element(By.CSS_SELECTOR, "code.secret").text.strip()
        driver.find_element(By.NAME, "code").send_keys(totp(secret, time.time()))
        driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
        settle(lambda d: d.title.startswith("Fleet overview"))
        check(driver.title.startswith("Fleet overview"), f"after the code: title {driver.title!r} at {driver.current_url}")
        collect("overview")
        cookies = {cookie["name"]: cookie for cookie in driver.get_cookies()}
        session = cookies.get("holdfast-console")
        check(session is not None and session.get("httpOnly") and session.get("sameSite") == "Strict",
              f"session cookie attributes: {session}")
        # The stylesheet applied: the header is laid out as flex by console.css, not the default block.
        header = driver.find_element(By.CSS_SELECTOR, "header.top")
        check(header.value_of_css_property("display") == "flex", "console.css was not applied")
        for path, title in (("/console/tenants", "Tenants"), ("/console/jobs", "Jobs"),
                            ("/console/workers", "Workers and queue"), ("/console/workers?stopped=true", "Workers and queue"),
                            ("/console/audit", "Audit log"), ("/console/audit?action=console.sign_in", "Audit log"),
                            ("/console/policies", "Policies"), ("/console/policies/new", "New policy"),
                            ("/console/sla", "SLA"), ("/console/sla?state=breached", "SLA"),
                            ("/console/jobs?state=exploded", "That request cannot be used")):
            driver.get(base + path)
            check(driver.title.startswith(title), f"{path}: title {driver.title!r}")
            collect(path)
        # The pages show their data: the queue table, and this very sign-in in the audit log.
        driver.get(base + "/console/workers")
        check(len(driver.find_elements(By.CSS_SELECTOR, "table tbody tr")) >= 6, "the workers page shows no queue table")
        driver.get(base + "/console/audit?action=console.sign_in")
        actors = [cell.text for cell in driver.find_elements(By.CSS_SELECTOR, "tr[data-entry] td:nth-child(2)")]
        check(f"console:{username}" in actors, f"the audit log shows no sign-in by {username}: {actors}")
        collect("audit")
        # A policy made through its form, then a bad change refused with the form shown again.
        driver.get(base + "/console/policies/new")
        driver.find_element(By.NAME, "name").send_keys("browser-policy")
        driver.find_element(By.CSS_SELECTOR, "form.policy-form button[type=submit]").click()
        settle(lambda d: d.title.startswith("Policy browser-policy"))
        check(driver.title.startswith("Policy browser-policy") and "The policy was created." in driver.page_source,
              f"creating a policy: title {driver.title!r} at {driver.current_url}")
        collect("policy created")
        keep_last = driver.find_element(By.NAME, "keep_last")
        keep_last.clear()
        keep_last.send_keys("0")
        driver.find_element(By.CSS_SELECTOR, "form.policy-form button[type=submit]").click()
        settle(lambda d: "Nothing was changed" in d.page_source)
        check("keep_last" in driver.find_element(By.CSS_SELECTOR, "p.error").text, "a bad policy change showed no error")
        collect("policy refused")
        driver.get(base + "/console")
        driver.find_element(By.CSS_SELECTOR, "form.sign-out button").click()
        settle(lambda d: "signed out" in d.page_source)
        check("/console/sign-in" in driver.current_url and "signed out" in driver.page_source,
              f"after sign-out: {driver.current_url}")
        driver.get(base + "/console/jobs")
        check(driver.current_url.endswith("/console/sign-in"), "the console is reachable after signing out")
        collect("signed out")
    finally:
        driver.quit()

    for page, entry in log:
        text = entry.get("message", "")
        # A 4xx page is logged as a failed resource load; that is the page under test, not an error.
        if "status of 400" in text or "status of 409" in text:
            continue
        if entry.get("level") == "SEVERE" or "Content Security Policy" in text or "Refused to" in text:
            failures.append(f"browser console on {page}: {text}")
    for failure in failures:
        print("FAIL:", failure)
    if failures:
        return 1
    print(f"console browser test passed ({len(log)} console messages, none an error or CSP violation)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
