"""A small partner client for Sinergi's API, using only Python's standard library.

It shows the four habits every partner system needs:

* send the token as ``Authorization: Bearer ...`` and ask for a language;
* follow the ``next`` links of cursor-paginated lists;
* give every POST an ``Idempotency-Key`` and reuse it when retrying;
* send back the ``ETag`` you read as ``If-Match`` when you change a record.

Run the hospital scenario of docs/api.md against a server:

    SINERGI_URL=https://sinergi.example.go.id SINERGI_TOKEN=sng_... \\
        python docs/examples/sinergi_partner.py
"""

import json
import os
import time
import urllib.error
import urllib.request
import uuid


class SinergiError(Exception):
    def __init__(self, status: int, body: dict):
        error = body.get("error", {})
        super().__init__(f"{status} {error.get('code')}: {error.get('message')}")
        self.status = status
        self.code = error.get("code")
        self.fields = error.get("fields", {})


class SinergiClient:
    def __init__(self, base_url: str, token: str, language: str = "id", retries: int = 3):
        if not base_url.startswith(("https://", "http://")):
            raise ValueError("SINERGI_URL must be an http(s) address.")
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.language = language
        self.retries = retries

    # --- HTTP -----------------------------------------------------------------------------

    def request(self, method: str, path: str, body=None, headers=None):
        """One call; returns (status, headers, JSON). Retries network failures and 429s,
        reusing the same Idempotency-Key so a retried POST never creates a second record."""
        url = path if path.startswith("http") else f"{self.base_url}{path}"
        headers = {
            "Authorization": f"Bearer {self.token}",
            "Accept": "application/json",
            "Accept-Language": self.language,
            **(headers or {}),
        }
        if method == "POST":
            headers.setdefault("Idempotency-Key", str(uuid.uuid4()))
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        for attempt in range(self.retries + 1):
            # The URL is the operator's own Sinergi address, checked to be http(s) in __init__.
            request = urllib.request.Request(url, data=data, headers=headers, method=method)  # noqa: S310
            try:
                with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                    payload = response.read()
                    return response.status, response.headers, json.loads(payload or b"{}")
            except urllib.error.HTTPError as error:
                payload = json.loads(error.read() or b"{}")
                if error.code == 429 and attempt < self.retries:
                    time.sleep(int(error.headers.get("Retry-After", "1")))
                    continue
                raise SinergiError(error.code, payload) from error
            except urllib.error.URLError:
                if attempt == self.retries:
                    raise
                time.sleep(2**attempt)
        raise AssertionError("unreachable")

    def get(self, path: str):
        return self.request("GET", path)[2]

    def get_with_etag(self, path: str) -> tuple[dict, str]:
        _status, headers, body = self.request("GET", path)
        return body, headers["ETag"]

    def post(self, path: str, body: dict, *, if_match: str | None = None) -> dict:
        headers = {"If-Match": if_match} if if_match else {}
        return self.request("POST", path, body, headers)[2]

    def patch(self, path: str, body: dict, *, if_match: str) -> dict:
        return self.request("PATCH", path, body, {"If-Match": if_match})[2]

    def all_pages(self, path: str):
        """Every item of a list, page after page (cursor pagination)."""
        page = self.get(path)
        while True:
            yield from page["results"]
            if not page.get("next"):
                return
            page = self.get(page["next"])


# --- The worked scenario of docs/api.md: a hospital answers a visum referral ---------------


def hospital_answers_visum_referrals(client: SinergiClient) -> list[dict]:
    """Accept every new health referral addressed to the hospital, start it, and report
    the visum outcome back to the sending agency. Returns the completed referrals."""
    completed = []
    for referral in client.all_pages("/api/v1/referrals/?direction=incoming&status=dikirim"):
        if referral["service_type"] != "kesehatan":
            continue
        path = f"/api/v1/referrals/{referral['id']}/"
        _current, etag = client.get_with_etag(path)
        accepted = client.post(f"{path}accept/", {}, if_match=etag)
        client.post(f"{path}start/", {})
        completed.append(
            client.post(
                f"{path}complete/",
                {
                    "outcome": "Visum et repertum selesai; hasil diserahkan ke penyidik.",
                    "feedback": "Tidak ada luka baru; kontrol ulang dalam dua minggu.",
                },
            )
        )
        assert accepted["status"] == "diterima"
    return completed


if __name__ == "__main__":
    sinergi = SinergiClient(os.environ["SINERGI_URL"], os.environ["SINERGI_TOKEN"])
    for done in hospital_answers_visum_referrals(sinergi):
        print(f"referral {done['id']}: {done['status']}")
