"""GraphQL-over-HTTP conformance: graphql-http's ``auditServer`` against a real server."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

from tests.e2e.servers import ROOT, LiveServer

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        os.environ.get("HAOWU_TEST_BACKEND", "embedded") == "server",
        reason="the HTTP audit does not depend on the backend; it runs on the embedded pass",
    ),
    pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed"),
]

AUDIT_DIR = ROOT / "tests" / "audit"
SUMMARY = re.compile(
    r"^audit: (\d+) ok, (\d+) warn \(SHOULD\), (\d+) error \(MUST\) of (\d+)$", re.M
)


def _ensure_node_modules() -> None:
    if (AUDIT_DIR / "node_modules" / "graphql-http").is_dir():
        return
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("tests/audit/node_modules is missing and npm is not installed")
    subprocess.run(
        [npm, "ci", "--silent", "--no-audit", "--no-fund"],
        cwd=AUDIT_DIR,
        check=True,
        capture_output=True,
        timeout=300,
    )


def test_graphql_over_http_audit_has_no_must_errors(server: LiveServer) -> None:
    _ensure_node_modules()
    done = subprocess.run(
        ["node", str(AUDIT_DIR / "audit.mjs"), server.graphql_url],
        cwd=AUDIT_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = f"{done.stdout}\n{done.stderr}"
    summary = SUMMARY.search(done.stdout)
    assert summary is not None, f"no summary line in the audit output:\n{output}"
    musts = int(summary.group(3))
    assert done.returncode == 0 and musts == 0, f"the audit failed:\n{output}"
