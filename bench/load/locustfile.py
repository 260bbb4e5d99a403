"""Load test of CHQS: staff officers, clerks and commanders at work on a 50.000-person
province. Run by bench/load/run_load.py (which starts gunicorn and a worker); alone:

    .venv/bin/locust -f bench/load/locustfile.py --headless -u 50 -r 5 -t 3m \\
        --host http://127.0.0.1:8100

Each simulated user logs in once as one of the demo accounts, then mixes, by weight:
roster pages (with and without a unit filter, page 1–20), searches by name or CCCD,
person pages, person edits (the edit form read, the phone number changed and saved),
the home dashboard and the command tree, the roster downloaded as Excel for one unit,
and (clerks) a 50-row people list uploaded, checked by the worker and applied. Each
user sends about LOAD_RATE requests per second (default 2,2: 50 users ≈ 110 req/s).

Report pages are not built yet (reports issue): put their paths in LOAD_REPORT_URLS
(comma-separated, e.g. "/bao-cao/thang/?don_vi=CT") and they join the mix as downloads.
Request names group the statistics: "page:*" are page views (the p95 target),
"download:*" files, "upload:*" the upload steps, "login" the one login per user.
"""

import html.parser
import io
import json
import os
import random
import re
import time
from pathlib import Path

from locust import constant_throughput, events, task
from locust.contrib.fasthttp import FastHttpUser

PASSWORD = "Demo@2026-chqs"
# (username, weight): provincial and regional staff do most of the reading.
ACCOUNTS = [("troly.tinh", 4), ("troly", 4), ("vanthu", 3), ("chihuy", 2)]
# Unit filters each account may use (another's would be out of scope: a 404).
UNITS = {
    "troly.tinh": ["CT", "CT-KV1", "CT-KV2", "CT-TTYTNK"],
    "troly": ["CT-KV1", "CT-TTYTNK"],
    "vanthu": ["CT-TTYTNK"],
    "chihuy": ["CT", "CT-KV3"],
}
NAMES = ["nguyen", "tran van", "le thi", "pham", "hoang minh", "vo", "dang", "bui thanh"]
REPORT_URLS = [u for u in os.environ.get("LOAD_REPORT_URLS", "").split(",") if u]
RATE = float(os.environ.get("LOAD_RATE", "2.2"))
SUMMARY = os.environ.get("LOAD_SUMMARY", "")
UPLOAD_FILE = Path(os.environ.get("LOAD_UPLOAD_FILE", "/tmp/chqs-load/upload-50.xlsx"))
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PERSON_LINK = re.compile(r'href="/nhan-su/(\d+)/"')
CONFLICT = "sau khi đồng chí mở trang này"  # the stale-version message (PersonForm)
JOB = re.compile(r"/nhap-du-lieu/phien/([0-9a-f-]{36})/")


class FormFields(html.parser.HTMLParser):
    """The values a browser would submit for the first form with a csrf token and some
    field besides it (not the navbar's logout button)."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, str] = {}
        self.select = self.textarea = None
        self.done = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if self.done:
            return
        if tag == "form":
            self.fields = {}
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields[a["name"]] = a.get("value", "on")
            elif kind not in ("submit", "button", "file"):
                self.fields[a["name"]] = a.get("value", "")
        elif tag == "select" and a.get("name"):
            self.select = a["name"]
            self.fields.setdefault(self.select, "")
        elif tag == "option" and self.select and "selected" in a:
            self.fields[self.select] = a.get("value", "")
        elif tag == "textarea" and a.get("name"):
            self.textarea = a["name"]
            self.fields[self.textarea] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "form" and self.fields.get("csrfmiddlewaretoken") and len(self.fields) > 1:
            self.done = True

    def handle_data(self, data):
        if self.textarea:
            self.fields[self.textarea] += data


class Officer(FastHttpUser):
    wait_time = constant_throughput(RATE)

    def on_start(self):
        self.username = random.choices([a for a, _ in ACCOUNTS], [w for _, w in ACCOUNTS])[0]
        page = self.client.get("/dang-nhap/", name="login").text
        token = CSRF.search(page).group(1)
        with self.client.post(
            "/dang-nhap/",
            data={"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            name="login",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"login {self.username}: {response.status_code}")
        self.people: list[str] = []

    def page(self, url: str, name: str):
        with self.client.get(url, name=f"page:{name}", catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")
            return response.text or ""

    @task(30)
    def roster(self):
        params = f"?page={random.randint(1, 20)}"
        if random.random() < 0.5:
            params += f"&don_vi={random.choice(UNITS[self.username])}"
        text = self.page(f"/nhan-su/{params}", "roster")
        found = PERSON_LINK.findall(text)
        if found:
            self.people = found

    @task(15)
    def search(self):
        query = random.choice(NAMES) if random.random() < 0.7 else f"092{random.randint(0, 99):02d}"
        self.page(f"/nhan-su/?q={query}", "search")

    @task(15)
    def person(self):
        if self.people:
            self.page(f"/nhan-su/{random.choice(self.people)}/", "person")

    @task(10)
    def home(self):
        self.page("/", "home")

    @task(4)
    def tree(self):
        self.page("/don-vi/cay/", "tree")

    @task(5)
    def edit_person(self):
        if not self.people or self.username == "chihuy":  # a commander edits nobody
            return
        url = f"/nhan-su/{random.choice(self.people)}/sua/"
        text = self.page(url, "person_edit_form")
        parser = FormFields()
        parser.feed(text)
        fields = parser.fields
        if "phone" not in fields:
            return
        fields["phone"] = f"09{random.randint(10_000_000, 99_999_999)}"
        with self.client.post(url, data=fields, name="page:person_edit_save",
                              allow_redirects=False, catch_response=True) as response:  # fmt: skip
            # Two users saved the same person at once: the second is told so and nothing
            # is overwritten (optimistic concurrency) — the app working, not an error.
            conflict = response.status_code == 200 and CONFLICT in (response.text or "")
            if response.status_code not in (302, 303) and not conflict:
                response.failure(f"edit: {response.status_code}")

    @task(2)
    def download(self):
        # Province-level readers download: the roster of one 513-person agency as Excel
        # (the download that exists today), or a report page.
        if self.username not in ("troly.tinh", "chihuy"):
            return
        url = random.choice(["/nhan-su/xuat-excel/?don_vi=CT-XDCR", *REPORT_URLS])
        name = "download:roster_xlsx" if "xuat-excel" in url else "download:report"
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.status_code != 200 or not response.content:
                response.failure(f"{response.status_code}")

    @task(1)
    def upload(self):
        if self.username != "vanthu" or not UPLOAD_FILE.exists():
            return
        form = self.client.get("/nhap-du-lieu/people/tai-len/", name="upload:form").text
        token = CSRF.search(form).group(1)
        with self.client.post(
            "/nhap-du-lieu/people/tai-len/",
            data={"csrfmiddlewaretoken": token},
            files={"file": ("danh-sach.xlsx", io.BytesIO(UPLOAD_FILE.read_bytes()))},
            name="upload:send",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            match = JOB.search(response.headers.get("Location", ""))
            if response.status_code != 302 or not match:
                response.failure(f"upload: {response.status_code}")
                return
        job = f"/nhap-du-lieu/phien/{match.group(1)}/"
        status = self._wait(job, ("ready", "nothing"))
        if status == "ready":
            page = self.client.get(job, name="upload:job").text
            token = CSRF.search(page).group(1)
            self.client.post(f"{job}ap-dung/", data={"csrfmiddlewaretoken": token},
                             name="upload:apply", allow_redirects=False)  # fmt: skip
            self._wait(job, ("applied", "nothing"))

    def _wait(self, job: str, done: tuple[str, ...]) -> str:
        for _ in range(120):
            text = self.client.get(job, name="upload:job").text or ""
            found = re.search(r'data-status="(\w+)"', text)
            status = found.group(1) if found else ""
            if status in done or status in ("failed", "rejected", "unreadable"):
                return status
            time.sleep(0.5)
        return "timeout"


@events.quitting.add_listener
def summary(environment, **kwargs):
    """Figures by group (page views, downloads, upload, login) as JSON for RESULTS.md."""
    if not SUMMARY:
        return
    stats = environment.stats
    out = {"total": _entry(stats.total), "groups": {}, "names": {}}
    for (name, method), entry in stats.entries.items():
        out["names"][f"{method} {name}"] = _entry(entry)
    groups: dict[str, list] = {}
    for (name, _), entry in stats.entries.items():
        groups.setdefault(name.split(":")[0], []).append(entry)
    for group, entries in groups.items():
        merged = type(stats.total)(stats, group, "")
        for entry in entries:
            merged.extend(entry)
        out["groups"][group] = _entry(merged)
    out["errors"] = [
        {"name": e.name, "error": str(e.error), "count": e.occurrences}
        for e in stats.errors.values()
    ]
    Path(SUMMARY).write_text(json.dumps(out, indent=1))


def _entry(entry) -> dict:
    return {
        "requests": entry.num_requests,
        "failures": entry.num_failures,
        "rps": round(entry.total_rps, 1),
        "median_ms": entry.get_response_time_percentile(0.5),
        "p95_ms": entry.get_response_time_percentile(0.95),
        "p99_ms": entry.get_response_time_percentile(0.99),
        "max_ms": round(entry.max_response_time or 0),
    }
