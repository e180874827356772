"""The portal's committed code-editor bundle: small, self-contained, and what frontend/ builds."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
FRONTEND = ROOT / "frontend"
VENDOR = ROOT / "grader" / "web" / "static" / "vendor"
BUNDLE = VENDOR / "editor.js"
LICENCES = VENDOR / "editor.LICENSES.txt"
REBUILD = "cd frontend && npm ci && npm run build, then commit grader/web/static/vendor/"

# XML namespaces (inline SVG): identifiers, never fetched.
NAMESPACES = {"http://www.w3.org/2000/svg"}


def test_the_bundle_is_committed_small_and_fetches_nothing() -> None:
    assert BUNDLE.is_file(), f"missing {BUNDLE}: {REBUILD}"
    assert LICENCES.is_file(), f"missing {LICENCES}: {REBUILD}"
    data = BUNDLE.read_bytes()
    assert len(data) < 600 * 1024, f"editor bundle is {len(data)} bytes"
    text = data.decode("utf-8")
    urls = set(re.findall(r"https?://[^\s\"'`<>()]+", text))
    assert urls <= NAMESPACES, f"URLs in the bundle (no CDN, nothing fetched at runtime): {urls - NAMESPACES}"
    assert "import(" not in text and "@import" not in text


def test_the_licences_cover_the_bundled_packages() -> None:
    licences = LICENCES.read_text()
    for name in ("codemirror", "@codemirror/view", "@codemirror/state", "@codemirror/lang-python"):
        assert re.search(rf"^{re.escape(name)} \S+ \(MIT\)$", licences, re.M), name
    for name in ("@lezer/common", "@lezer/python", "style-mod", "w3c-keyname", "crelt"):
        assert re.search(rf"^{re.escape(name)} ", licences, re.M), name


def test_the_committed_bundle_is_what_the_sources_build(tmp_path: Path) -> None:
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        pytest.skip("npm/node not installed: cannot rebuild the editor bundle")
    if not (FRONTEND / "node_modules").is_dir():
        pytest.skip("frontend/node_modules missing (run `cd frontend && npm ci`)")
    out = tmp_path / "editor.js"
    subprocess.run(
        [npm, "run", "--silent", "build", "--", str(out)],
        cwd=FRONTEND,
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert out.read_bytes() == BUNDLE.read_bytes(), f"committed editor bundle is stale: {REBUILD}"
    built_licences = out.with_name("editor.LICENSES.txt").read_bytes()
    assert built_licences == LICENCES.read_bytes(), f"committed licences file is stale: {REBUILD}"
