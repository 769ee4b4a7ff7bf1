import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
# test the package in this tree, installed or not
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
CONFORMANCE = Path(__file__).resolve().parent / "conformance"


def batchlake_bin():
    """The batchlake binary: $BATCHLAKE_BIN, else .build/debug/batchlake under the repo root. Fails (never skips)
    when it is missing, since the cross-checks are the point of these tests."""
    path = Path(os.environ.get("BATCHLAKE_BIN") or REPO_ROOT / ".build" / "debug" / "batchlake")
    if not path.is_file() or not os.access(path, os.X_OK):
        pytest.fail(f"batchlake binary not found at {path}: build it (swift build) or set BATCHLAKE_BIN to it",
                    pytrace=False)
    return str(path)


@pytest.fixture(scope="session")
def bin_path():
    return batchlake_bin()


@pytest.fixture(scope="session")
def lake(tmp_path_factory, bin_path):
    """A generated messy lake: 3 hours of 30 listings. Returns (folder, lake root, catalog)."""
    d = tmp_path_factory.mktemp("lake")
    run = dict(cwd=d, check=True, capture_output=True)
    subprocess.run([bin_path, "generate", "--out", "inbox", "--hours", "3", "--per-hour", "30", "--seed", "1",
                    "--messy"], **run)
    subprocess.run([bin_path, "ingest", "--lake", "lake", "--catalog", "cat.sqlite", "inbox"], **run)
    return d, d / "lake", d / "cat.sqlite"
