"""Password policy (chính sách mật khẩu): long enough and not one everybody tries first."""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files

MIN_LENGTH = 12


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    text = (files("web") / "common_passwords.txt").read_text(encoding="utf-8")
    lines = (line.strip() for line in text.splitlines())
    return frozenset(line.casefold() for line in lines if line and not line.startswith("#"))


def _is_run(password: str) -> bool:
    """One character repeated, or a short pattern repeated ("abcabcabcabc", "121212121212")."""
    for size in range(1, 4):
        unit = password[:size]
        if unit and unit * (len(password) // size) + unit[: len(password) % size] == password:
            return True
    return False


def password_problem(password: str) -> str | None:
    """Why `password` is refused (Vietnamese, with the English in brackets), or None."""
    if len(password) < MIN_LENGTH:
        return (
            f"Mật khẩu phải có ít nhất {MIN_LENGTH} ký tự "
            f"(password too short: at least {MIN_LENGTH} characters)."
        )
    folded = password.strip().casefold()
    if folded in common_passwords() or _is_run(folded) or len(set(folded)) < 4:
        return (
            "Mật khẩu quá phổ biến hoặc dễ đoán, vui lòng chọn mật khẩu khác "
            "(password too common or too easy to guess)."
        )
    return None
