"""The operator kit in deploy/ agrees with the code and with itself.

The environment template names exactly the settings of lms.config; the systemd unit parses
and its gunicorn command line really serves the app with an access log; the nginx server
block passes `nginx -t`; the backup script leaves owner-only files.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import socket
import ssl
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from lms.config import SETTINGS, parse_setting

ROOT = Path(__file__).parent.parent
DEPLOY = ROOT / "deploy"
BIN = Path(sys.executable).parent
BY_NAME = {setting.name: setting for setting in SETTINGS}
#: Commented lines that show an example instead of the default.
EXAMPLES = {"LMS_RATELIMIT_STORAGE_URI"}
ENV_LINE = re.compile(r"^(?P<commented>#)?(?P<name>LMS_[A-Z_]+)=(?P<value>.*)$")


def _env_lines() -> list[re.Match[str]]:
    lines = (DEPLOY / "lms.env.example").read_text().splitlines()
    return [match for line in lines if (match := ENV_LINE.match(line))]


def _unquote(value: str) -> str:
    return value[1:-1] if len(value) > 1 and value[0] == value[-1] == '"' else value


def test_env_template_names_exactly_the_settings() -> None:
    names = [match["name"] for match in _env_lines()]
    assert len(names) == len(set(names)), "a setting appears twice"
    assert set(names) == set(BY_NAME)


def test_env_template_values_parse_and_show_the_defaults() -> None:
    for match in _env_lines():
        setting = BY_NAME[match["name"]]
        value = _unquote(match["value"])
        if not value.strip():
            continue
        parsed = parse_setting(setting, value)  # raises ConfigError on a bad value
        if match["commented"] and setting.name not in EXAMPLES:
            assert parsed == setting.default, setting.name


def test_env_template_reads_the_same_with_dotenv_and_sh(tmp_path: Path) -> None:
    """systemd, `lms -e` (python-dotenv) and the backup script (sh) all read this file."""
    from dotenv import dotenv_values

    template = (DEPLOY / "lms.env.example").read_text()
    uncommented = tmp_path / "all.env"
    uncommented.write_text(re.sub(r"^#(LMS_)", r"\1", template, flags=re.M))
    by_dotenv = {key: value or "" for key, value in dotenv_values(uncommented).items()}
    shell = subprocess.run(
        ["sh", "-c", f'set -a; . "{uncommented}"; env'], capture_output=True, text=True,
        check=True, env={"PATH": os.environ["PATH"]})
    by_sh = dict(line.split("=", 1) for line in shell.stdout.splitlines()
                 if line.startswith("LMS_"))
    assert by_sh == by_dotenv
    assert by_sh["LMS_FRAME_ANCESTORS"] == "'self'"
    assert by_sh["LMS_LOGIN_LIMIT"] == "30 per minute; 300 per hour"


def _unit() -> str:
    return (DEPLOY / "lms.service").read_text()


def _exec_start() -> list[str]:
    """The unit's ExecStart as argv: continuation lines joined, systemd's %% unescaped."""
    text = re.sub(r"\\\n\s*", " ", _unit())
    line = next(line for line in text.splitlines() if line.startswith("ExecStart="))
    return [arg.replace("%%", "%") for arg in shlex.split(line.removeprefix("ExecStart="))]


def test_systemd_unit_has_what_the_readme_promises() -> None:
    unit = _unit()
    for line in ("EnvironmentFile=/etc/lms/lms.env", "User=lms", "NoNewPrivileges=true",
                 "ProtectSystem=strict", "ReadWritePaths=/var/lib/lms", "PrivateTmp=true",
                 "ExecReload=/bin/kill -s HUP $MAINPID"):
        assert f"\n{line}\n" in unit, line
    argv = _exec_start()
    assert argv[0] == "/opt/lms/venv/bin/gunicorn"
    assert argv[argv.index("--workers") + 1] == "2"
    assert argv[argv.index("--access-logfile") + 1] == "-"
    assert argv[-1] == "lms:create_app()"


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze")
def test_systemd_unit_passes_systemd_analyze_verify(tmp_path: Path) -> None:
    unit = tmp_path / "lms.service"
    unit.write_text(_unit().replace("/opt/lms/venv/bin/", f"{BIN}/"))
    result = subprocess.run(["systemd-analyze", "verify", str(unit)], capture_output=True,
                            text=True)
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_the_units_gunicorn_command_serves_the_app_with_an_access_log(tmp_path: Path) -> None:
    argv = _exec_start()
    argv[0] = str(BIN / "gunicorn")
    port = _free_port()
    argv[argv.index("--bind") + 1] = f"127.0.0.1:{port}"
    env = {**os.environ, "LMS_INSTANCE_PATH": str(tmp_path / "instance"),
           "LMS_DATABASE_URL": f"sqlite:///{tmp_path}/lms.sqlite3"}
    # /healthz answers 200 only for a database at the migration head.
    subprocess.run([str(BIN / "lms"), "db", "upgrade"], cwd=tmp_path, env=env, check=True,
                   capture_output=True)
    server = subprocess.Popen(argv, cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    try:
        request = urllib.request.Request(f"http://127.0.0.1:{port}/healthz",
                                         headers={"X-Forwarded-For": "203.0.113.7"})
        deadline = time.monotonic() + 60
        while True:  # waiting for start-up, not measuring it
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    assert response.status == 200
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
    finally:
        server.terminate()
        stdout, stderr = server.communicate(timeout=30)
    access = [line for line in stdout.splitlines() if "/healthz" in line]
    assert access and access[0].startswith('203.0.113.7 "GET /healthz HTTP/1.1" 200 '), stdout
    assert re.search(r"\[\d+\] lms\.", stderr) or "Booting worker" in stderr


def _nginx_site() -> str:
    return (DEPLOY / "nginx.conf").read_text()


def test_nginx_block_matches_the_app() -> None:
    site = _nginx_site()
    size = re.search(r"client_max_body_size (\d+)m;", site)
    # Above the app's limit, so a body just over it reaches the app and gets its message.
    assert size and int(size[1]) * 1024 * 1024 > BY_NAME["LMS_MAX_CONTENT_LENGTH"].default
    bind = _exec_start()[_exec_start().index("--bind") + 1]
    assert f"proxy_pass http://{bind};" in site
    for header in ("Host $host", "X-Forwarded-For $proxy_add_x_forwarded_for",
                   "X-Forwarded-Proto $scheme", "X-Forwarded-Host $host"):
        assert f"proxy_set_header {header};" in site
    assert "return 301 https://$host$request_uri;" in site
    alias = re.search(r"alias (\S+);", site)
    assert alias and alias[1].endswith("/site-packages/lms/static/")


needs_nginx = pytest.mark.skipif(shutil.which("nginx") is None or shutil.which("openssl") is None,
                                 reason="nginx and openssl (a throw-away certificate) are needed")


def _nginx_prefix(tmp_path: Path, site: str) -> Path:
    """An nginx prefix folder running ``site`` (our server block, certificate paths pointed at
    a throw-away certificate) as an unprivileged user; returns its nginx.conf."""
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=learn.example.org", "-keyout", str(tmp_path / "key.pem"),
                    "-out", str(tmp_path / "cert.pem")], check=True, capture_output=True)
    site = (site
            .replace("/etc/letsencrypt/live/learn.example.org/fullchain.pem",
                     str(tmp_path / "cert.pem"))
            .replace("/etc/letsencrypt/live/learn.example.org/privkey.pem",
                     str(tmp_path / "key.pem"))
            .replace("/opt/lms/venv/lib/python3.11/site-packages/lms/static/",
                     str(ROOT / "lms" / "static") + "/"))
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "logs").mkdir()
    temp = tmp_path / "temp"
    conf = tmp_path / "nginx.conf"
    # Started as root, nginx's workers would run as "nobody", who cannot enter pytest's
    # owner-only temporary folders to buffer a request body.
    user = "user root;\n" if os.geteuid() == 0 else ""
    conf.write_text(
        f"{user}pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/logs/error.log;\nevents {{}}\n"
        f"http {{\n access_log off;\n client_body_temp_path {temp};\n proxy_temp_path {temp};\n"
        f" fastcgi_temp_path {temp};\n uwsgi_temp_path {temp};\n scgi_temp_path {temp};\n"
        f" include {tmp_path}/site.conf;\n}}\n")
    return conf


@needs_nginx
def test_nginx_block_passes_nginx_t(tmp_path: Path) -> None:
    conf = _nginx_prefix(tmp_path, _nginx_site())
    result = subprocess.run(["nginx", "-t", "-p", str(tmp_path), "-c", str(conf)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@needs_nginx
def test_an_upload_over_the_limit_gets_the_lms_page_through_nginx(tmp_path: Path) -> None:
    """nginx must let a body just over LMS_MAX_CONTENT_LENGTH through, so that the learner
    reads the LMS's own, translated message and not nginx's bare "413" page."""
    app_port, https_port, http_port = _free_port(), _free_port(), _free_port()
    bind = _exec_start()[_exec_start().index("--bind") + 1]
    site = (_nginx_site().replace(f"proxy_pass http://{bind};",
                                  f"proxy_pass http://127.0.0.1:{app_port};")
            .replace("listen [::]:443 ssl http2;", "").replace("listen [::]:80;", "")
            .replace("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl;")
            .replace("listen 80;", f"listen 127.0.0.1:{http_port};"))
    conf = _nginx_prefix(tmp_path, site)
    env = {**os.environ, "LMS_INSTANCE_PATH": str(tmp_path / "instance"),
           "LMS_DATABASE_URL": f"sqlite:///{tmp_path}/lms.sqlite3"}
    subprocess.run([str(BIN / "lms"), "db", "upgrade"], cwd=tmp_path, env=env, check=True,
                   capture_output=True)
    argv = _exec_start()
    argv[0] = str(BIN / "gunicorn")
    argv[argv.index("--bind") + 1] = f"127.0.0.1:{app_port}"
    app = subprocess.Popen(argv, cwd=tmp_path, env=env, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    proxy = subprocess.Popen(["nginx", "-p", str(tmp_path), "-c", str(conf),
                              "-g", "daemon off;"], stderr=subprocess.PIPE)
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    url = f"https://127.0.0.1:{https_port}"
    try:
        deadline = time.monotonic() + 60
        while True:  # waiting for both to start, not measuring them
            try:
                health = urllib.request.Request(url + "/healthz",
                                                headers={"Host": "learn.example.org"})
                with urllib.request.urlopen(health, timeout=10, context=context) as response:
                    assert response.status == 200
                break
            except (OSError, urllib.error.HTTPError):
                if app.poll() is not None or proxy.poll() is not None:
                    raise
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        limit = BY_NAME["LMS_MAX_CONTENT_LENGTH"].default
        body = b"a=" + b"x" * (limit + 1024)
        upload = urllib.request.Request(
            url + "/account/login", data=body, method="POST",
            headers={"Host": "learn.example.org",
                     "Content-Type": "application/x-www-form-urlencoded"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(upload, timeout=60, context=context)
        page = refused.value.read().decode()
        assert refused.value.code == 413
        assert "The file you sent is too large." in page and "<h1>413" not in page
    finally:
        proxy.terminate()
        app.terminate()
        proxy.communicate(timeout=30)
        app.wait(timeout=30)


def test_cron_jobs_run_as_lms_with_the_environment_file() -> None:
    jobs = [line for line in (DEPLOY / "lms.cron").read_text().splitlines()
            if line and not line.startswith("#") and "=" not in line.split()[0]]
    assert len(jobs) == 5
    for job in jobs:
        fields = job.split()
        assert fields[5] == "lms" and "/etc/lms/lms.env" in fields, job
    assert any(job.endswith("lms -e /etc/lms/lms.env mail send") for job in jobs)
    assert any("/usr/local/bin/lms-backup /var/backups/lms" in job for job in jobs)
    assert any(job.endswith("lms -e /etc/lms/lms.env reminders send") for job in jobs)
    assert any(job.endswith("lms -e /etc/lms/lms.env lti sync-rosters") for job in jobs)
    assert any(job.endswith("lms -e /etc/lms/lms.env lti send-scores") for job in jobs)


def test_backup_script_saves_database_and_instance_owner_only(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    env_file = tmp_path / "lms.env"
    env_file.write_text(f"LMS_INSTANCE_PATH={instance}\nLMS_DATABASE_URL=\n"
                        'LMS_SITE_NAME="A school"\n')
    (instance / "authoring" / "published").mkdir(parents=True)
    (instance / "authoring" / "published" / "image.png").write_bytes(b"png")
    env = {**os.environ, "PATH": f"{BIN}:{os.environ['PATH']}"}
    for key in [key for key in env if key.startswith("LMS_")]:
        del env[key]
    subprocess.run([str(BIN / "lms"), "-e", str(env_file), "db", "upgrade"], env=env,
                   check=True, capture_output=True, cwd=tmp_path)
    result = subprocess.run(["sh", str(DEPLOY / "lms-backup"), str(tmp_path / "backups"),
                             str(env_file)], env=env, capture_output=True, text=True,
                            cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    files = sorted((tmp_path / "backups").iterdir())
    assert [path.name.split("-")[0] for path in files] == ["instance", "lms"]
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path
    listing = subprocess.run(["tar", "tzf", str(files[0])], capture_output=True, text=True,
                             check=True).stdout
    assert "./authoring/published/image.png" in listing and "lms.sqlite3" not in listing


def test_readme_production_section_uses_the_kit() -> None:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("\n## Production", 1)[1].split("\n## ", 1)[0]
    for name in ("deploy/lms.service", "deploy/nginx.conf", "deploy/lms.env.example",
                 "deploy/lms.cron", "deploy/lms-backup", "adduser --system --group",
                 "lms db upgrade", "courses sync --rerender", "certificates rerender-pdfs",
                 "systemctl reload lms", "journalctl", "LMS_RATELIMIT_STORAGE_URI"):
        assert name in section, name
