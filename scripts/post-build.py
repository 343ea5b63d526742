#!/usr/bin/env python3
"""Trunk post_build hook (Trunk.toml): finishes the staged site before Trunk moves it to dist/.

Trunk runs it after it has written every asset and index.html to TRUNK_STAGING_DIR. It

1. points worker-loader.js (the stable name the page starts its planning worker by) and the
   JS API's scripts (api/migplan.js, api/plan-worker.js) at the app's files, which Trunk names with their content hash (app-<hash>.js and
   app-<hash>_bg.wasm): the worker is the page's own binary, and never mixes two builds;
2. adds the sha256 of every inline script of index.html (Trunk's module loader) to
   script-src of the Content-Security-Policy meta written in web/index.html, so no inline
   script runs without being named (Trunk.toml turns off `trunk serve`'s live-reload script,
   whose text Trunk changes after this hook, when it serves the page);
3. builds the docs (docs/, mdBook) into the site's docs/ folder, next to the planner their
   pages embed (scripts/web-tools.sh installs mdbook when it is missing);
4. writes the build version (a hash of every built file) and the list of files into sw.js:
   the service worker caches them under a cache named after the version (all but the JS
   API, the example pages and the docs, which the planner page never loads).

Any surprise (a file or marker missing) fails the build rather than shipping a half-done site.
"""

import base64
import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path


def fail(message):
    print(f"post-build: {message}", file=sys.stderr)
    sys.exit(1)


def replace_once(text, old, new, where):
    if text.count(old) != 1:
        fail(f"expected exactly one {old!r} in {where}")
    return text.replace(old, new)


def point_worker_at_app(stage):
    scripts = [p.name for p in stage.glob("app-*.js")]
    binaries = [p.name for p in stage.glob("app-*_bg.wasm")]
    if len(scripts) != 1 or len(binaries) != 1:
        fail(f"expected one app-<hash>.js and one app-<hash>_bg.wasm, found {scripts + binaries}")
    # The JS API's two scripts load the same binary from one folder down.
    for name, prefix in [("worker-loader.js", "./"), ("api/migplan.js", "../"), ("api/plan-worker.js", "../")]:
        loader = stage / name
        text = loader.read_text(encoding="utf-8")
        text = replace_once(text, f'"{prefix}app.js"', f'"{prefix}{scripts[0]}"', name)
        text = replace_once(text, f'"{prefix}app_bg.wasm"', f'"{prefix}{binaries[0]}"', name)
        loader.write_text(text, encoding="utf-8")
    return scripts[0], binaries[0]


INLINE_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.DOTALL | re.IGNORECASE)
CSP_META = re.compile(r'(<meta http-equiv="Content-Security-Policy" content=")([^"]*)(")', re.IGNORECASE)


def hash_inline_scripts(stage):
    index = stage / "index.html"
    html = index.read_text(encoding="utf-8")
    hashes = []
    for match in INLINE_SCRIPT.finditer(html):
        if re.search(r"\bsrc\s*=", match.group(1), re.IGNORECASE):
            continue
        digest = base64.b64encode(hashlib.sha256(match.group(2).encode("utf-8")).digest()).decode()
        source = f"'sha256-{digest}'"
        if source not in hashes:
            hashes.append(source)
    metas = CSP_META.findall(html)
    if len(metas) != 1:
        fail("index.html must hold exactly one Content-Security-Policy meta")
    directives = [d.strip() for d in metas[0][1].split(";") if d.strip()]
    script_src = [i for i, d in enumerate(directives) if d.split()[0] == "script-src"]
    if len(script_src) != 1:
        fail("the Content-Security-Policy must have one script-src")
    if "'unsafe-inline'" in directives[script_src[0]] or "'unsafe-eval'" in directives[script_src[0]]:
        fail("script-src must not allow 'unsafe-inline' or 'unsafe-eval'")
    directives[script_src[0]] = " ".join([directives[script_src[0]], *hashes])
    html = CSP_META.sub(lambda m: m.group(1) + "; ".join(directives) + m.group(3), html)
    index.write_text(html, encoding="utf-8")
    return hashes


def build_docs(stage):
    book = Path(__file__).resolve().parent.parent / "docs"
    built = subprocess.run(["mdbook", "build", str(book), "--dest-dir", str(stage / "docs")])
    if built.returncode != 0:
        fail("mdbook could not build docs/ (see above)")


# What the planner page never loads: the JS API (for other pages; 390 KB gzipped), the
# example pages and the docs. Not precached, so a visit to the planner does not download them.
NOT_PRECACHED = ("api/", "demo/", "docs/")


def write_service_worker(stage):
    sw = stage / "sw.js"
    files = sorted(
        p.relative_to(stage).as_posix() for p in stage.rglob("*") if p.is_file() and p != sw
    )
    version = hashlib.sha256()
    for name in files:
        version.update(name.encode("utf-8") + b"\0" + (stage / name).read_bytes() + b"\0")
    version = version.hexdigest()[:16]
    # "./" is the page itself, as a browser asks for it; index.html is the same file.
    urls = ["./", *(f for f in files if not f.startswith(NOT_PRECACHED))]
    text = sw.read_text(encoding="utf-8")
    text = replace_once(text, 'const VERSION = "unbuilt";', f"const VERSION = {json.dumps(version)};", "sw.js")
    text = replace_once(text, "const FILES = [];", f"const FILES = {json.dumps(urls)};", "sw.js")
    sw.write_text(text, encoding="utf-8")
    return version, len(urls)


def main():
    staging = os.environ.get("TRUNK_STAGING_DIR")
    if not staging:
        fail("TRUNK_STAGING_DIR is not set: run this as Trunk's post_build hook (trunk build)")
    stage = Path(staging)
    worker = point_worker_at_app(stage)
    hashes = hash_inline_scripts(stage)
    build_docs(stage)
    version, count = write_service_worker(stage)
    print(f"post-build: worker runs {worker[0]}, {len(hashes)} inline script hash(es), cache migplan-{version} of {count} files")


if __name__ == "__main__":
    main()
