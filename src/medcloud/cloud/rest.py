"""The few admin requests ``medcloud cloud up`` makes itself, over the standard library's HTTP.

Keystone: a token, then regions, projects, users, role assignments, services
and endpoints (find-or-create, so ``up`` can repeat them).  Neutron: the
external network.  Every request goes to 127.0.0.1; a refusal raises
:class:`RestError` with the method, URL and the API's own answer.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from medcloud.errors import CloudApiError as RestError

__all__ = ["Keystone", "RestError", "call"]

TIMEOUT_S = 30.0


def call(method: str, url: str, *, token: str | None = None, body: Any = None,
         headers: dict[str, str] | None = None) -> tuple[dict[str, str], Any]:
    """One JSON request; returns the response headers and decoded body (None when empty)."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Accept", "application/json")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("X-Auth-Token", token)
    for key, value in (headers or {}).items():
        request.add_header(key, value)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
            raw = response.read()
            return dict(response.headers.items()), json.loads(raw) if raw else None
    except urllib.error.HTTPError as exc:
        answer = exc.read().decode("utf-8", "replace").strip()
        raise RestError(f"{method} {url}: HTTP {exc.code}: {answer[:500]}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise RestError(f"{method} {url}: {exc}") from None


class Keystone:
    """Admin session on the plane's Keystone (project-scoped to ``admin``)."""

    def __init__(self, url: str, password: str) -> None:
        self.url = url.rstrip("/")
        headers, _ = call("POST", f"{self.url}/v3/auth/tokens", body={"auth": {
            "identity": {"methods": ["password"], "password": {"user": {
                "name": "admin", "domain": {"id": "default"}, "password": password}}},
            "scope": {"project": {"name": "admin", "domain": {"id": "default"}}},
        }})
        self.token = headers.get("X-Subject-Token") or headers.get("x-subject-token") or ""
        if not self.token:
            raise RestError(f"POST {self.url}/v3/auth/tokens: no X-Subject-Token in the answer")
        # Asked once per session: Keystone is single-threaded here and every request costs a
        # token validation, so role ids, services and which services this session created
        # (they have no endpoints yet) are remembered.
        self._roles: dict[str, str] = {}
        self._services: dict[str, dict[str, Any]] = {}
        self._created: set[str] = set()
        self._added: set[tuple[str, str]] = set()

    def get(self, path: str) -> Any:
        return call("GET", f"{self.url}/v3/{path}", token=self.token)[1]

    def post(self, path: str, body: Any) -> Any:
        return call("POST", f"{self.url}/v3/{path}", token=self.token, body=body)[1]

    def put(self, path: str) -> None:
        call("PUT", f"{self.url}/v3/{path}", token=self.token)

    def _find(self, collection: str, **filters: str) -> dict[str, Any] | None:
        query = "&".join(f"{k}={urllib.parse.quote(v)}" for k, v in filters.items())
        found = self.get(f"{collection}?{query}")[collection]
        return found[0] if found else None

    def region(self, name: str) -> None:
        if not any(r["id"] == name for r in self.get("regions")["regions"]):
            self.post("regions", {"region": {"id": name}})

    def project(self, name: str, description: str) -> str:
        found = self._find("projects", name=name, domain_id="default")
        if found is None:
            found = self.post("projects", {"project": {"name": name, "domain_id": "default",
                                                       "description": description}})["project"]
        return str(found["id"])

    def user(self, name: str, password: str, project_id: str) -> str:
        found = self._find("users", name=name, domain_id="default")
        if found is None:
            found = self.post("users", {"user": {"name": name, "domain_id": "default", "password": password,
                                                 "default_project_id": project_id}})["user"]
        else:
            call("PATCH", f"{self.url}/v3/users/{found['id']}", token=self.token,
                 body={"user": {"password": password}})
        return str(found["id"])

    def grant(self, project_id: str, user_id: str, role: str) -> None:
        if role not in self._roles:
            role_id = (self._find("roles", name=role) or {}).get("id")
            if role_id is None:
                raise RestError(f"{self.url}: Keystone has no role {role!r}")
            self._roles[role] = str(role_id)
        self.put(f"projects/{project_id}/users/{user_id}/roles/{self._roles[role]}")

    def endpoint(self, service_type: str, name: str, region: str, url: str) -> None:
        service = self._services.get(service_type) or self._find("services", type=service_type)
        if service is None:
            service = self.post("services", {"service": {"type": service_type, "name": name}})["service"]
            self._created.add(service_type)
        self._services[service_type] = service
        existing: list[dict[str, Any]] = []
        if service_type not in self._created or (service_type, region) in self._added:
            existing = self.get(f"endpoints?service_id={service['id']}&region_id={region}")["endpoints"]
        self._added.add((service_type, region))  # a service this session made has only what it added
        for endpoint in existing:
            if endpoint["url"] != url:
                call("DELETE", f"{self.url}/v3/endpoints/{endpoint['id']}", token=self.token)
        if not any(e["url"] == url for e in existing):
            for interface in ("public", "internal", "admin"):
                self.post("endpoints", {"endpoint": {"service_id": service["id"], "interface": interface,
                                                     "region_id": region, "url": url}})

