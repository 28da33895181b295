"""One Settings: the reminder policy nested and validated, one message naming a bad variable,
built once per process (cached) and made into SMTP, mail and policy objects by dondoc.wiring."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, time
from pathlib import Path

import pytest

from dondoc import wiring
from dondoc.settings import Settings, get_settings
from notifications.policy import ReminderPolicy

ROOT = Path(__file__).resolve().parents[2]


def test_the_policy_is_read_from_json_and_nested_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DONDOC_SEND_TIME", "08:15")
    monkeypatch.setenv("DONDOC_REMINDER_POLICY", json.dumps({"before": [7, 3], "head_after": 4}))
    monkeypatch.setenv("DONDOC_REMINDER_POLICY__ON_DAY", "false")
    policy = Settings(_env_file=None).reminder_policy
    assert policy == ReminderPolicy(
        before=(7, 3), head_after=4, on_day=False, send_time=time(8, 15)
    )


def test_the_policys_own_send_time_wins_over_send_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DONDOC_SEND_TIME", "08:15")
    monkeypatch.setenv("DONDOC_REMINDER_POLICY", '{"send_time": "06:45"}')
    settings = Settings(_env_file=None)
    assert settings.reminder_policy.send_time == time(6, 45)
    assert settings.send_time == time(8, 15)


def test_defaults_without_environment() -> None:
    settings = Settings(_env_file=None)
    assert settings.reminder_policy == ReminderPolicy()
    assert settings.code_dir == Path(".")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('{"before": ["x"]}', "error: DONDOC_REMINDER_POLICY before.0: Input should be a valid"),
        ('{"nope": 1}', "error: DONDOC_REMINDER_POLICY nope: Extra inputs are not permitted"),
        ("{not json", "error: DONDOC_REMINDER_POLICY: not valid JSON"),
    ],
)
def test_a_bad_policy_is_one_line_naming_the_variable(
    tmp_path: Path, value: str, message: str
) -> None:
    env = {"PATH": "/usr/bin:/bin", "DONDOC_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}",
           "DONDOC_REMINDER_POLICY": value}  # fmt: skip
    proc = subprocess.run(
        [sys.executable, "-m", "dondoc", "sweep"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(message), proc.stderr
    assert not (tmp_path / "x.db").exists()  # refused before anything was opened


def test_settings_are_built_once_until_the_cache_is_cleared(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DONDOC_DIGEST_MAX_TASKS", "7")
    first = get_settings()
    monkeypatch.setenv("DONDOC_DIGEST_MAX_TASKS", "9")
    assert get_settings() is first and first.digest_max_tasks == 7
    get_settings.cache_clear()
    assert get_settings().digest_max_tasks == 9


def test_wiring_makes_smtp_mail_and_policy_from_the_settings() -> None:
    settings = Settings(
        _env_file=None, smtp_host="mail.example.org", smtp_port=2525, smtp_password="pw",
        smtp_from="VP UBND <dondoc@langson.gov.vn>", smtp_reply_to="theodoi@langson.gov.vn",
        smtp_connections=2, digest_max_tasks=5, send_time=time(8, 0),
    )  # fmt: skip
    smtp = wiring.smtp_config(settings)
    assert (smtp.host, smtp.port, smtp.password, smtp.connections, smtp.local_hostname) == (
        "mail.example.org", 2525, "pw", 2, "langson.gov.vn"
    )  # fmt: skip
    send_at = datetime(2026, 1, 9, 1, 0, tzinfo=UTC)
    mail = wiring.mail_config(settings, send_at)
    assert (mail.sender, mail.reply_to, mail.max_lines, mail.send_at) == (
        "VP UBND <dondoc@langson.gov.vn>", "theodoi@langson.gov.vn", 5, send_at
    )  # fmt: skip
    assert mail.policy is settings.reminder_policy and mail.policy.send_time == time(8, 0)
    assert str(mail.tz) == "Asia/Ho_Chi_Minh"
