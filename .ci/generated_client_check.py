#!/usr/bin/env python3
"""Calls the server through the Python client that openapi-python-client generated from
openapi.yaml, as an integrator would, and checks that the answers parse.

  generated_client_check.py BASE_URL ACCESS_TOKEN

Run by .ci/generated_client.sh from the folder that holds the generated `tinbao_client`
package. ACCESS_TOKEN is a district officer's bearer token.
"""

import sys
from http import HTTPStatus

import httpx

from tinbao_client import AuthenticatedClient
from tinbao_client.api.cases import get_case, list_cases
from tinbao_client.models import Case, CaseStatus, ListCasesResponse200, TipContent

WANTED = [CaseStatus.NEW, CaseStatus.ACCEPTED]


def main(base_url: str, token: str) -> None:
    sent: list[httpx.URL] = []

    def record(request: httpx.Request) -> None:
        sent.append(request.url)

    client = AuthenticatedClient(
        base_url=base_url,
        token=token,
        raise_on_unexpected_status=True,
        httpx_args={"event_hooks": {"request": [record]}},
    )
    # A new case in the officer's district (Kiên Lương), so that the list has one to
    # parse whole. Filed as an anonymous resident would, outside the generated client.
    tip = {
        "matter": "illegal_entry",
        "observed_at": "2026-11-20T21:30:00+07:00",
        "location": {"scheme": "2024", "commune_code": 30787},
        "narrative": "Khoảng 21 giờ tôi thấy năm người đi bộ theo đường mòn từ phía Campuchia sang.",
        "reporter": {"identity_mode": "anonymous"},
        "acknowledged_false_report_warning": True,
    }
    filed = httpx.post(f"{base_url}/api/v1/reports", json=tip, timeout=30)
    assert filed.status_code == HTTPStatus.CREATED, (filed.status_code, filed.text[:500])

    with client as c:
        response = list_cases.sync_detailed(client=c, status=WANTED)
        # `style: form, explode: true`: one `status` per value, not `status=new,accepted`.
        assert sent and sent[-1].params.get_list("status") == ["new", "accepted"], sent
        assert response.status_code == HTTPStatus.OK, (response.status_code, response.content[:500])
        page = response.parsed
        assert isinstance(page, ListCasesResponse200), page
        assert isinstance(page.items, list)
        for item in page.items:
            assert item.status in WANTED, item.status
        print(f"listCases: {len(page.items)} cases in {[s.value for s in WANTED]}")

        assert page.items, "the case just opened in Kiên Lương is listed"
        # One case whole: its tips parse as TipContent.
        if page.items:
            one = get_case.sync_detailed(page.items[0].id, client=c)
            assert one.status_code == HTTPStatus.OK, (one.status_code, one.content[:500])
            case = one.parsed
            assert isinstance(case, Case), case
            assert case.reports, "a case has at least one tip"
            for report in case.reports:
                assert isinstance(report.tip, TipContent), report.tip
                assert len(report.tip.commune) == 2, report.tip.commune
            print(f"getCase: {case.reference} with {len(case.reports)} tips")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: generated_client_check.py BASE_URL ACCESS_TOKEN")
    main(sys.argv[1], sys.argv[2])
