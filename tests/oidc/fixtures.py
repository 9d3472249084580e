"""A real OpenID Connect provider for the staff single sign-on tests: oidc-provider from npm,
run by Node (tests/oidc/provider.mjs) on a free port, with one client registered for the live
server's callback and the test's people with their groups. ``staff_sso`` starts it, switches
Plansicht's single sign-on on against it (the settings as the environment would give them)
and stops it after the test."""

import json
import shutil
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from plansicht.settings import content_security_policy, oidc_settings
from tests.smtp import free_port

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
CLIENT_ID = "plansicht-office"
CLIENT_SECRET = "test-secret-for-the-office"
NAME = "Stadt-Login"
ORGANISATION = "Stadt Musterstadt"
# The groups at the identity provider, as OIDC_ROLE_MAP maps them (an Entra tenant would send
# group object IDs instead of names).
ROLE_MAP = {
    "plansicht-redaktion": {
        "organisation": ORGANISATION,
        "role": "editor",
        "unit": "Amt für Digitales",
    },
    "plansicht-kaemmerei": {
        "organisation": ORGANISATION,
        "role": "finance",
        "unit": "Kämmerei",
        "moderator": True,
    },
}
# The people at the identity provider (the development login accepts any password).
ACCOUNTS = {
    "anna.schmidt": {
        "name": "Anna Schmidt",
        "email": "anna.schmidt@musterstadt.example",
        "groups": ["alle-beschaeftigten", "plansicht-redaktion"],
    },
    "bernd.keller": {
        "name": "Bernd Keller",
        "email": "bernd.keller@musterstadt.example",
        "groups": ["alle-beschaeftigten"],
    },
}


@dataclass
class Provider:
    issuer: str
    process: subprocess.Popen
    log: object


def start_provider(redirect_uri: str, accounts: dict, tmp_path) -> Provider:
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is missing: apt-get install nodejs (Node 20 or later).")
    if not (ROOT / "node_modules" / "oidc-provider").exists():
        pytest.fail("oidc-provider is missing in node_modules: run make assets (npm ci).")
    port = free_port()
    config = tmp_path / "oidc-provider.json"
    config.write_text(
        json.dumps(
            {
                "port": port,
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "redirect_uri": redirect_uri,
                "accounts": accounts,
            }
        )
    )
    log = (tmp_path / "oidc-provider.log").open("w")
    process = subprocess.Popen(
        [node, str(HERE / "provider.mjs"), str(config)],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    issuer = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            with urllib.request.urlopen(f"{issuer}/.well-known/openid-configuration") as answer:
                if json.load(answer)["issuer"] == issuer:
                    return Provider(issuer=issuer, process=process, log=log)
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            log.close()
            pytest.fail(
                "The OpenID Connect provider did not start:\n"
                + (tmp_path / "oidc-provider.log").read_text()
            )
        time.sleep(0.1)


def environment(issuer: str) -> dict:
    """The environment an operator would set for this provider."""
    return {
        "OIDC_SERVER_URL": issuer,
        "OIDC_CLIENT_ID": CLIENT_ID,
        "OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_NAME": NAME,
        "OIDC_ROLE_MAP": json.dumps(ROLE_MAP),
    }


@pytest.fixture
def staff_sso(live_server, settings, tmp_path):
    """The provider, running, and Plansicht's single sign-on switched on against it."""
    callback = f"{live_server.url}/konto/oidc/{django_settings.OIDC_PROVIDER_ID}/login/callback/"
    provider = start_provider(callback, ACCOUNTS, tmp_path)
    try:
        for name, value in oidc_settings(environment(provider.issuer)).items():
            setattr(settings, name, value)
        settings.CONTENT_SECURITY_POLICY = content_security_policy(settings.OIDC_ORIGIN)
        yield provider
    finally:
        provider.process.terminate()
        provider.process.wait(timeout=10)
        provider.log.close()
