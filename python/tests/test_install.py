"""`pip install ./python` gives a working package: installed into a fresh virtual environment from a copy of the
source (so the tree stays clean), it imports from site-packages, not from this folder, and reads a conformance file
to its expected contents.

numpy and pyarrow come from the system site-packages (`--system-site-packages`, `--no-deps`) to keep the test quick;
the packaging itself (pyproject.toml, the package list, the build backend, fetched by pip into an isolated build
environment or taken from pip's cache) is what is under test. A
full install from PyPI into a bare venv (`python3 -m venv v && v/bin/pip install ./python`) is the same step with the
dependencies downloaded.
"""

import json
import shutil
import subprocess
import sys
import venv

from conftest import CONFORMANCE

PACKAGE = CONFORMANCE.parents[1]  # python/


def test_pip_install_into_fresh_venv_reads_a_file(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(PACKAGE, src, ignore=shutil.ignore_patterns("tests", "build", "*.egg-info", "__pycache__"))
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(system_site_packages=True, with_pip=False).create(env_dir)
    py = env_dir / "bin" / "python"
    # This interpreter's pip installs into the venv (pip --python); the build backend comes from PyPI (or pip's
    # cache) in an isolated build environment, exactly as for a user's `pip install ./python`.
    pip = subprocess.run([sys.executable, "-m", "pip", "--python", str(py), "install", "-q", "--no-deps",
                          "--disable-pip-version-check", str(src)], capture_output=True, text=True)
    assert pip.returncode == 0, pip.stdout + pip.stderr

    name = "spec_int_delta.bcol"
    expected = json.loads((CONFORMANCE / "expected.json").read_text(encoding="utf-8"))[name]
    probe = (
        "import json, sys, batchlake\n"
        "t = batchlake.read_table(sys.argv[1])\n"
        "print(json.dumps({'file': batchlake.__file__, 'version': batchlake.__version__,\n"
        "                  'columns': t.column_names, 'rows': [list(r.values()) for r in t.to_pylist()]}))\n"
    )
    # Run from an empty folder with a clean sys.path, so only the installed copy can be imported.
    run = subprocess.run([py, "-I", "-c", probe, str(CONFORMANCE / name)], capture_output=True, text=True,
                         cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    got = json.loads(run.stdout)
    assert got["file"].startswith(str(env_dir)) and "site-packages" in got["file"]
    assert not got["file"].startswith(str(PACKAGE))
    assert got["columns"] == [n for n, _ in expected["columns"]]
    assert got["rows"] == expected["rows"]
    # The installed metadata names the dependencies a bare install fetches.
    meta = subprocess.run([py, "-I", "-c", "import importlib.metadata as m; print(m.requires('batchlake'))"],
                          capture_output=True, text=True, cwd=tmp_path)
    assert "numpy" in meta.stdout and "pyarrow" in meta.stdout
