"""Serving under gunicorn and driving it with wrk, on the loopback interface only."""

from __future__ import annotations

import contextlib
import html.parser
import http.cookiejar
import json
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
REPO = Path(__file__).resolve().parent.parent
#: The LMS as the production docs run it, rate limits on. The counters are kept in each
#: worker's memory (production keeps them in Redis): no page the benchmark loads has a limit
#: of its own, so none of them reads a counter, and the benchmark logs in only twice.
LMS_APP = "lms:create_app()"
HELLO_APP = "benchmarks.hello_app:app"
#: Sent by every request of the benchmark, the log-in included: Flask-Login ties a session to
#: the browser that opened it, and a session replayed from another "browser" is re-signed and
#: sent back (Set-Cookie) on every response, which no real browser would cause.
USER_AGENT = "lms-bench/1.0 (wrk)"

# Counts responses by class and prints wrk's own latency percentiles (in µs) as JSON.
LUA_COMMON = r"""
local threads = {}
function setup(thread) table.insert(threads, thread) end
ok, redirects, bad, cookies, results = 0, 0, 0, 0, 0
function response(status, headers, body)
  if status < 300 then ok = ok + 1 elseif status < 400 then redirects = redirects + 1
  else bad = bad + 1 end
  if headers["Set-Cookie"] or headers["set-cookie"] then cookies = cookies + 1 end
  -- A quiz post that was graded redirects to its result; a refused one back to the form.
  local location = headers["Location"] or headers["location"] or ""
  if location:find("/attempts/", 1, true) then results = results + 1 end
end
function done(summary, latency, requests)
  local o, r, b, c, g = 0, 0, 0, 0, 0
  for _, t in ipairs(threads) do o = o + t:get("ok"); r = r + t:get("redirects");
    b = b + t:get("bad"); c = c + t:get("cookies"); g = g + t:get("results") end
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, ' ..
    '"mean_us": %.1f, "ok": %d, "redirects": %d, "bad": %d, "set_cookie": %d, "bytes": %d, ' ..
    '"to_result": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.mean, o, r, b, c, summary.bytes, g,
    summary.errors.connect + summary.errors.read + summary.errors.write +
    summary.errors.timeout))
end
"""

LUA_GET = r"""
wrk.method = "GET"
wrk.headers["Cookie"] = os.getenv("BENCH_COOKIE") or ""
wrk.headers["User-Agent"] = os.getenv("BENCH_USER_AGENT")
local encoding = os.getenv("BENCH_ACCEPT_ENCODING") or ""
if encoding ~= "" then wrk.headers["Accept-Encoding"] = encoding end
"""

# Each request posts a different learner's own open attempt: (cookie, body) per line.
LUA_POSTS = r"""
local posts, index = {}, 0
function init(args)
  for line in io.lines(args[1]) do
    local cookie, body = line:match("^(.-)\t(.*)$")
    table.insert(posts, {cookie, body})
  end
end
function request()
  index = index + 1
  local p = posts[(index - 1) % #posts + 1]
  return wrk.format("POST", os.getenv("BENCH_PATH"), {
    ["Cookie"] = p[1], ["Content-Type"] = "application/x-www-form-urlencoded",
    ["User-Agent"] = os.getenv("BENCH_USER_AGENT")}, p[2])
end
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def gunicorn(app_spec: str, env: dict[str, str], log_path: Path) -> Iterator[str]:
    """``app_spec`` under gunicorn: 2 sync workers, no control socket, no access log."""
    port = free_port()
    command = [str(BIN / "gunicorn"), "-w", "2", "-k", "sync", "-b", f"{HOST}:{port}",
               "--no-control-socket", "--log-level", "warning", app_spec]
    with open(log_path, "ab") as log:
        process = subprocess.Popen(command, env=env, cwd=REPO, stdout=log, stderr=log)
    base = f"http://{HOST}:{port}"
    try:
        _wait_until_up(base, process)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_up(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}; see its log")
        try:
            with urllib.request.urlopen(base + "/", timeout=2):
                return
        except urllib.error.HTTPError:
            return  # it answers, with whatever status
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer within 30 s")


def _headers(cookie: str = "", accept_encoding: str = "") -> dict[str, str]:
    headers = {"User-Agent": USER_AGENT}
    if cookie:
        headers["Cookie"] = cookie
    if accept_encoding:
        headers["Accept-Encoding"] = accept_encoding
    return headers


def warm(url: str, cookie: str = "", count: int = 20, accept_encoding: str = "") -> int:
    """A few requests so both workers have imported, compiled and connected; last status."""
    status = 0
    for _ in range(count):
        request = urllib.request.Request(url, headers=_headers(cookie, accept_encoding))
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
    return status


def response_headers(url: str, cookie: str = "", accept_encoding: str = "") -> dict[str, str]:
    """The headers of one GET, as wrk's requests send it (for the sanity checks)."""
    request = urllib.request.Request(url, headers=_headers(cookie, accept_encoding))
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()
        return {key.lower(): value for key, value in response.headers.items()}


def wrk(url: str, *, connections: int, seconds: float, cookie: str = "",
        posts: Path | None = None, path: str = "", accept_encoding: str = "") -> dict[str, Any]:
    """One wrk run (1 thread, ``connections`` connections, ``seconds`` long)."""
    script = LUA_COMMON + (LUA_POSTS if posts else LUA_GET)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    command = ["wrk", "-t1", f"-c{connections}", f"-d{int(seconds)}s", "--timeout", "10s",
               "-s", handle.name, url]
    if posts:
        command += ["--", str(posts)]
    env = {"BENCH_COOKIE": cookie, "BENCH_PATH": path, "BENCH_USER_AGENT": USER_AGENT,
           "BENCH_ACCEPT_ENCODING": accept_encoding, "PATH": "/usr/bin:/bin"}
    output = subprocess.run(command, capture_output=True, text=True, env=env,
                            timeout=seconds + 60, check=True).stdout
    Path(handle.name).unlink()
    line = next(line for line in output.splitlines() if line.startswith("WRKJSON "))
    raw = json.loads(line[len("WRKJSON "):])
    seconds_run = raw["duration_us"] / 1e6
    return {
        "connections": connections,
        "requests": raw["requests"],
        "rps": round(raw["requests"] / seconds_run, 1),
        "p50_ms": round(raw["p50_us"] / 1000, 2),
        "p90_ms": round(raw["p90_us"] / 1000, 2),
        "p99_ms": round(raw["p99_us"] / 1000, 2),
        "mean_ms": round(raw["mean_us"] / 1000, 2),
        "ok": raw["ok"], "redirects": raw["redirects"], "errors": raw["bad"],
        "set_cookie": raw["set_cookie"], "to_result": raw["to_result"],
        "bytes_per_response": round(raw["bytes"] / max(1, raw["requests"])),
        "socket_errors": raw["socket_errors"],
    }


class _FormParser(html.parser.HTMLParser):
    """The inputs of the first form whose action ends with ``action_suffix``."""

    def __init__(self, action_suffix: str) -> None:
        super().__init__()
        self.suffix, self.inside, self.done = action_suffix, False, False
        self.fields: list[dict[str, Any]] = []
        self._select: dict[str, Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and not self.done and a.get("action", "").endswith(self.suffix):
            self.inside = True
        elif self.inside and tag in ("input", "textarea") and a.get("name"):
            self.fields.append({"tag": tag, **a})
        elif self.inside and tag == "select":
            self._select = {"tag": "select", "name": a.get("name", ""), "options": []}
            self.fields.append(self._select)
        elif self.inside and tag == "option" and self._select is not None and a.get("value"):
            self._select["options"].append(a["value"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.inside:
            self.inside, self.done = False, True
        elif tag == "select":
            self._select = None


def quiz_answers(page: str, action_suffix: str) -> list[tuple[str, str]]:
    """Plausible answers to every question of the quiz form on ``page`` (no control fields):
    the first choice of each radio/checkbox group, distinct choices for ordering slots."""
    parser = _FormParser(action_suffix)
    parser.feed(page)
    answers: list[tuple[str, str]] = []
    seen: set[str] = set()
    slot: dict[str, int] = {}
    for f in parser.fields:
        name = f["name"]
        if name in ("csrf_token", "attempt", "token"):
            continue
        kind = f.get("type", "text") if f["tag"] == "input" else f["tag"]
        if kind in ("radio", "checkbox"):
            if name not in seen:
                answers.append((name, f.get("value", "")))
        elif kind == "select":
            k = slot[name] = slot.get(name, -1) + 1
            options = f["options"]
            answers.append((name, options[k % len(options)] if options else ""))
        elif kind == "hidden":
            continue
        elif kind == "number" or f.get("inputmode") in ("decimal", "numeric"):
            answers.append((name, "2"))
        elif kind == "textarea":
            answers.append((name, "I would ask a friend and compare the offers."))
        else:
            answers.append((name, "fair"))
        seen.add(name)
    return answers


def login(base: str, username: str, password: str) -> str:
    """Log in through the real form once; the session cookie as a ``Cookie`` header value."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", USER_AGENT)]  # the one wrk sends (see USER_AGENT)
    with opener.open(base + "/account/login") as response:
        page = response.read().decode()
    parser = _FormParser("")
    parser.feed(page)
    token = next(f["value"] for f in parser.fields if f["name"] == "csrf_token")
    body = urllib.parse.urlencode({"csrf_token": token, "login": username,
                                   "password": password, "next": ""}).encode()
    with opener.open(base + "/account/login", data=body):
        pass
    cookies = [f"{c.name}={c.value}" for c in jar if c.name == "session"]
    if not cookies:
        raise RuntimeError(f"could not log in as {username}")
    return "; ".join(cookies)


def fetch(url: str, cookie: str) -> tuple[int, str]:
    request = urllib.request.Request(url, headers=_headers(cookie))
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")
