"""Public submission throughput with a real server on loopback.

Gunicorn (4 worker processes) serves the app on 127.0.0.1 over the measurement benchmark's
PostgreSQL database; concurrent clients (threads, each with its own cookie jar) answer the
job-seeker questionnaire as a phone does: open the link, send step 1, send step 2 — three requests,
CSRF token included. The rate limiter is off for the server (every client shares one address here);
everything else — session drafts in Redis, the committed answer, anomaly checks, the coalesced
recalculation request — runs as in production.
"""

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

from sqlalchemy import func, select

from app.blueprints.public.routes import steps_of
from app.extensions import db
from app.models.org import Centre
from app.models.surveys import Response, Survey
from app.services import surveys

ROOT = Path(__file__).resolve().parent.parent
CLIENTS, PER_CLIENT = 8, 25
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _forms(survey: Survey) -> list[dict]:
    """The fields a client sends at each step: every scale at 9, the first option of each choice."""
    forms = []
    for step in steps_of(survey):
        form = {}
        for question in step.questions:
            if question.show_if:
                continue  # follow-ups asked only after «Да»: the first options below are «Да»… so skip them
            if question.kind == "scale":
                form[surveys.field_name(question)] = "9"
            elif question.kind in ("yes_no", "single", "multiple") and question.options:
                form[surveys.field_name(question)] = question.options[-1].value
        forms.append(form)
    return forms


def _client(base: str, path: str, forms: list[dict], count: int, samples: list[float], errors: list[str]) -> None:
    for _ in range(count):
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)
        started = time.perf_counter()
        try:
            page = opener.open(base + path).read().decode()
            token = CSRF.search(page)[1]
            for number, form in enumerate(forms, 1):
                url = base + path + (f"?step={number}" if number > 1 else "")
                body = urllib.parse.urlencode({**form, "csrf_token": token}, doseq=True).encode()
                try:
                    opener.open(urllib.request.Request(url, data=body, headers={"Referer": base + path}))
                except urllib.error.HTTPError as redirect:
                    if redirect.code != 303:
                        raise
        except Exception as exc:  # noqa: BLE001 — a failed submission is counted, not fatal
            errors.append(repr(exc)[:200])
            continue
        samples.append((time.perf_counter() - started) * 1000)


def run(app) -> tuple[tuple, str]:
    """Serve the app with gunicorn and submit CLIENTS × PER_CLIENT questionnaires; returns a table row."""
    with app.app_context():
        survey = db.session.scalar(select(Survey).where(Survey.code == "fcc-jobseeker"))
        centre = db.session.scalar(select(Centre).order_by(Centre.id).limit(1))
        link = surveys.new_link(survey, centre)
        db.session.commit()
        path, forms = f"/s/{link.token}", _forms(survey)
        before = db.session.scalar(select(func.count()).select_from(Response))
        db.session.remove()
    port = _free_port()
    env = {**os.environ, "RATELIMIT_ENABLED": "0", "RQ_QUEUE": "cxm-bench-public", "SECRET_KEY": "bench-secret"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "4", "-b", f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + path).read()
                break
            except OSError:
                time.sleep(0.1)
        samples: list[float] = []
        errors: list[str] = []
        threads = [
            threading.Thread(target=_client, args=(base, path, forms, PER_CLIENT, samples, errors))
            for _ in range(CLIENTS)
        ]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    with app.app_context():
        stored = db.session.scalar(select(func.count()).select_from(Response)) - before
        db.session.remove()
    assert not errors, errors[:3]
    assert stored == len(samples), (stored, len(samples))  # every accepted submission is stored
    throughput = len(samples) / elapsed
    row = (f"public submission (3 requests), {CLIENTS} clients", len(samples), samples)
    return row, f"{throughput:.1f} questionnaires/s, {stored} stored, gunicorn 4 workers on loopback"
