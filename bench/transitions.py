#!/usr/bin/env python3
"""Case transitions per second: accepts each listed new case once (If-Match "1"), from
CONNECTIONS threads, and prints the rate, p50/p99 latency and the statuses.

  transitions.py BASE_URL TOKEN IDS_FILE CONNECTIONS
"""

import collections
import concurrent.futures
import http.client
import sys
import threading
import time
import urllib.parse

base, token, ids_file, connections = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
ids = [line.strip() for line in open(ids_file) if line.strip()]
url = urllib.parse.urlparse(base)
local = threading.local()


def accept(case_id):
    if not hasattr(local, "conn"):
        local.conn = http.client.HTTPConnection(url.hostname, url.port)
    started = time.perf_counter()
    local.conn.request("POST", f"/api/v1/cases/{case_id}/transitions", body='{"action": "accept"}', headers={
        "Authorization": "Bearer " + token, "Content-Type": "application/json", "If-Match": '"1"'})
    response = local.conn.getresponse()
    response.read()
    return response.status, time.perf_counter() - started


started = time.perf_counter()
with concurrent.futures.ThreadPoolExecutor(connections) as pool:
    results = list(pool.map(accept, ids))
elapsed = time.perf_counter() - started
latencies = sorted(seconds for _, seconds in results)
statuses = collections.Counter(status for status, _ in results)
pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000
print(f"transitions: {len(results) / elapsed:.0f} per second ({len(results)} in {elapsed:.1f} s), "
      f"p50 {pick(0.5):.2f} ms, p99 {pick(0.99):.2f} ms, statuses {dict(statuses)}")
# A benchmark of refusals measures nothing: every answer must be a 200.
if set(statuses) != {200}:
    print("  !! not every answer was 200")
