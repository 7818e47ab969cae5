#!/usr/bin/env python3
"""Prints access tokens for schemathesis, standard library only.

  session_token.py admin BASE_URL LOGIN PASSWORD
      Signs in (staff without a second factor get an enrolment-only session), enrols
      TOTP, confirms it, and signs in again with the next code, as a new admin would.
  session_token.py citizen BASE_URL PHONE PASSWORD INBOX_FILE
      Registers a citizen, proves the number with the code that the local SMS gateway
      (.ci/sms_gateway.py) wrote to INBOX_FILE, and signs in.
  session_token.py district_officer|supervisor|auditor BASE_URL LOGIN PASSWORD ADMIN_TOKEN
      Has the admin create the account (an officer of Kiên Lương, authority 2024-D902; a
      supervisor of Kiên Giang, province 91), then signs it in with a second factor.
"""

import base64
import hashlib
import hmac
import json
import re
import struct
import sys
import time
import urllib.request


def get(base, path, token):
    request = urllib.request.Request(base + path)
    request.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read())


def post(base, path, body, token=None):
    request = urllib.request.Request(base + path, data=json.dumps(body).encode(), method="POST")
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(request) as response:
        text = response.read()
        return json.loads(text) if text else None


def totp(secret, unix):
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", unix // 30), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return "%06d" % (number % 1_000_000)


def normalised(phone):
    digits = "".join(c for c in phone if c.isdigit())
    return "+84" + digits[1:] if digits.startswith("0") else "+" + digits


def code_for(inbox, phone):
    """The newest six-digit code the gateway got for a number, waiting up to 10 s."""
    for _ in range(100):
        try:
            with open(inbox, encoding="utf-8") as f:
                texts = [m["text"] for m in map(json.loads, f) if m["to"] == normalised(phone)]
        except FileNotFoundError:
            texts = []
        codes = [w for t in texts for w in re.findall(r"\b\d{6}\b", t)]
        if codes:
            return codes[-1]
        time.sleep(0.1)
    raise SystemExit(f"no code reached {inbox} for {phone}")


def citizen(base, phone, password, inbox):
    post(base, "/api/v1/auth/register", {"login": phone, "password": password})
    post(base, "/api/v1/auth/register/verify", {"login": phone, "code": code_for(inbox, phone)})
    return post(base, "/api/v1/auth/login", {"login": phone, "password": password})["access_token"]


def admin(base, login, password):
    first = post(base, "/api/v1/auth/login", {"login": login, "password": password})
    limited = first["access_token"]
    secret = post(base, "/api/v1/me/mfa/totp", None, limited)["secret"]
    now = int(time.time())
    post(base, "/api/v1/me/mfa/totp/confirm", {"code": totp(secret, now)}, limited)
    full = post(base, "/api/v1/auth/login", {"login": login, "password": password, "totp_code": totp(secret, now + 30)})
    return full["access_token"]


def staff(role):
    def sign_in(base, login, password, admin_token):
        body = {"login": login, "password": password, "role": role}
        if role == "district_officer":
            page = get(base, "/api/v1/authorities?q=2024-D902", admin_token)
            body["authority_id"] = next(a["id"] for a in page["items"] if a["code"] == "2024-D902")
        if role == "supervisor":
            body["province_code"] = 91
        post(base, "/api/v1/users", body, admin_token)
        return admin(base, login, password)
    return sign_in


if __name__ == "__main__":
    kind, base, login, password = sys.argv[1:5]
    if kind in ("district_officer", "supervisor", "auditor"):
        print(staff(kind)(base, login, password, sys.argv[5]))
    elif kind == "citizen":
        print(citizen(base, login, password, sys.argv[5]))
    else:
        print(admin(base, login, password))
