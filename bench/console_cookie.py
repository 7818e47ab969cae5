#!/usr/bin/env python3
"""Prints the Cookie header of a console session, standard library only.

  console_cookie.py district_officer|supervisor BASE_URL LOGIN PASSWORD ADMIN_TOKEN

Has the admin create the account (an officer of Kiên Lương, 2024-D902; a supervisor of
Kiên Giang, 91), then signs it in to the console as a new member would: login and
password, the enrolment page's secret, a code from it. The header carries the session
and CSRF cookies, for wrk to ask console pages as that member.
"""

import http.cookiejar
import json
import re
import sys
import time
import urllib.parse
import urllib.request

sys.path.insert(0, ".ci")
from session_token import get, post, totp  # noqa: E402


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def main():
    role, base, login, password, admin_token = sys.argv[1:6]
    body = {"login": login, "password": password, "role": role}
    if role == "district_officer":
        page = get(base, "/api/v1/authorities?q=2024-D902", admin_token)
        body["authority_id"] = next(a["id"] for a in page["items"] if a["code"] == "2024-D902")
    if role == "supervisor":
        body["province_code"] = 91
    post(base, "/api/v1/users", body, admin_token)

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect())

    def page(path, form=None):
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        try:
            with opener.open(base + path, data=data) as response:
                return response.read().decode()
        except urllib.error.HTTPError as answer:  # 303 and the like: the cookies are kept
            if answer.code >= 400:
                raise
            return ""

    def csrf(html):
        return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)

    login_page = page("/staff/login")
    page("/staff/login", {"csrf_token": csrf(login_page), "login": login, "password": password})
    enrol = page("/staff/enrol")
    secret = re.search(r'id="totp-secret">([^<]+)<', enrol).group(1).replace(" ", "")
    page("/staff/enrol", {"csrf_token": csrf(enrol), "totp_code": totp(secret, int(time.time()))})
    if "/staff/logout" not in page("/staff/cases"):
        raise SystemExit(f"{login} is not signed in to the console")
    print("; ".join(f"{c.name}={c.value}" for c in jar))


if __name__ == "__main__":
    main()
