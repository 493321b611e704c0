"""Pure edits of distribution-owned files the baseline must change but not own.

Each editor takes the current text and returns the wanted text; applying it
twice gives the same result, which is what makes the operations built on them
idempotent.  The distribution's own content is kept; medcloud's part sits
between marker lines so it can be found, replaced or removed.
"""

from __future__ import annotations

import re

BEGIN = "# BEGIN medcloud managed block"
END = "# END medcloud managed block"

_OPENSSL_INIT = re.compile(r"^\[\s*openssl_init\s*\]\s*$")
_SECTION = re.compile(r"^\[\s*[^\]]+\]\s*$")
_SSL_CONF_LINE = "ssl_conf = medcloud_ssl_sect  # medcloud"


def _without_block(lines: list[str]) -> list[str]:
    out: list[str] = []
    inside = False
    for line in lines:
        if line.strip() == BEGIN:
            inside = True
        elif line.strip() == END:
            inside = False
        elif not inside:
            out.append(line)
    while out and not out[-1].strip():
        out.pop()
    return out


def openssl_tls_floor(text: str, tls13_only: bool) -> str:
    """Debian-family ``openssl.cnf`` with (or without) a TLS 1.3 floor (R-NET-04).

    OpenSSL applies ``MinProtocol`` from the ``system_default`` section that the
    ``ssl_conf`` key of ``[openssl_init]`` points at; both the key and the
    sections are medcloud's, everything else stays as the distribution shipped it.
    """
    if not tls13_only and BEGIN not in text and _SSL_CONF_LINE not in text:
        return text
    lines = [line for line in _without_block(text.splitlines()) if line.strip() != _SSL_CONF_LINE]
    if not tls13_only:
        return "\n".join(lines) + "\n"
    out: list[str] = []
    found_init = False
    for line in lines:
        out.append(line)
        if _OPENSSL_INIT.match(line):
            found_init = True
            out.append(_SSL_CONF_LINE)
    if not found_init:
        # No init section: declare one in front so the default config applies it.
        out = ["openssl_conf = openssl_init", "", "[openssl_init]", _SSL_CONF_LINE, "", *out]
    out += [
        "",
        BEGIN,
        "[medcloud_ssl_sect]",
        "system_default = medcloud_system_default_sect",
        "",
        "[medcloud_system_default_sect]",
        "MinProtocol = TLSv1.3",
        END,
    ]
    return "\n".join(out) + "\n"


def sshd_include_first(text: str, include: str = "/etc/ssh/sshd_config.d/*.conf") -> str:
    """``sshd_config`` that reads the drop-in directory before anything else.

    sshd keeps the first value it sees for a keyword, so the drop-in only wins
    if its ``Include`` comes before the distribution's settings.
    """
    directive = f"Include {include}"
    lines = text.splitlines()
    for line in lines:
        stripped = line.strip()
        if stripped.startswith("#") or not stripped:
            continue
        if stripped == directive:
            return text if text.endswith("\n") else text + "\n"
        break
    rest = [line for line in lines if line.strip() != directive]
    return "\n".join([directive, *rest]) + "\n"


def section_names(text: str) -> list[str]:
    """Section headers of an INI-style file, in order (used by tests and the dry run)."""
    return [line.strip()[1:-1].strip() for line in text.splitlines() if _SECTION.match(line.strip())]
