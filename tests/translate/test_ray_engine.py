"""``--engine ray`` on a real two-node local Ray cluster: the local output byte for byte,
resume after the driver is killed, a killed actor restarted, and the bad inputs.

``.ci/run`` starts the cluster with ``ray start`` (a head and a second node, one CPU
each) and passes its address in TERMTRANS_RAY_ADDRESS; without it the tests start
one of their own with Ray's ``cluster_utils`` and shut it down at the end.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEED_GLOSSARY, patience
from tests.conftest import run_cli as run_cli_in_process
from tests.conftest import run_cli_process as run_cli
from translate.pipeline import breaks_guarantee

ARTICLES = sorted((ROOT / "seeds" / "articles").glob("*.txt"))
#: Two short articles in batches of 4: 8 batches to spread, kill and resume, in seconds.
JOB = ARTICLES[2:4]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    address = os.environ.get("TERMTRANS_RAY_ADDRESS")
    if address:
        yield address
        return
    pytest.importorskip("ray", reason="the ray extra is not installed")
    from ray.cluster_utils import Cluster

    local = Cluster(initialize_head=True, head_node_args={"num_cpus": 1,
                                                          "include_dashboard": False})
    local.add_node(num_cpus=1)
    try:
        yield local.address
    finally:
        local.shutdown()


def _translate(*args: str | Path) -> subprocess.CompletedProcess[str]:
    # the demo model's stutters are reported; these tests compare outputs, not judge them
    return run_cli("translate", *args, "-g", SEED_GLOSSARY, "--fail-on", "never")


@pytest.fixture(scope="module")
def local_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("local")
    result = run_cli_in_process("translate", *JOB, "--out", out, "--no-cache", "--batch-size",
                                "4", "-g", SEED_GLOSSARY, "--fail-on", "never")
    assert result.returncode == 0, result.stderr
    return out


def _wait_for(condition, timeout: float = 300) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def _start(args: list[str | Path]) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "translate", "translate", *map(str, args), "-g",
               str(SEED_GLOSSARY), "--fail-on", "never"]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=dict(os.environ, PYTHONIOENCODING="utf-8"))


def test_killed_driver_resumes_with_only_the_missing_batches(cluster: str, local_output: Path,
                                                              tmp_path: Path) -> None:
    out = tmp_path / "ray"
    args: list[str | Path] = [*JOB, "--out", out, "--engine", "ray",
                              "--ray-address", cluster, "--batch-size", "4", "--actors", "1"]
    driver = _start(args)
    manifests = out / ".termtrans-ray"
    _wait_for(lambda: len(list(manifests.glob("*.json"))) >= 2 or driver.poll() is not None)
    driver.send_signal(signal.SIGKILL)
    driver.wait(30)
    saved = len(list(manifests.glob("*.json")))
    for written in out.glob("*.txt"):      # whatever was written is complete
        assert written.read_bytes() == (local_output / written.name).read_bytes()
    rerun = _translate(*args)
    assert rerun.returncode == 0, rerun.stderr
    assert f"resumed from {manifests}" in rerun.stderr
    resumed = int(rerun.stderr.split(" resumed from")[0].rsplit(" ", 1)[1])
    assert resumed == saved >= 2
    for article in JOB:
        assert (out / article.name).read_bytes() == (local_output / article.name).read_bytes()


def test_cluster_output_is_the_local_output_even_when_an_actor_is_killed(
        cluster: str, local_output: Path, tmp_path: Path) -> None:
    """The killed actor is restarted and its batch retried; the run's report and output are
    those of a local run (one run for both: each costs half a minute of the suite)."""
    out = tmp_path / "ray"
    driver = _start([*JOB, "--out", out, "--engine", "ray", "--ray-address", cluster,
                     "--batch-size", "4", "--actors", "1", "--report-json", tmp_path / "r.json"])
    manifests = out / ".termtrans-ray"
    _wait_for(lambda: any(manifests.glob("*.json")) or driver.poll() is not None)
    found = subprocess.run(["pgrep", "-f", "TranslateActor"], capture_output=True, text=True)
    pids = [int(p) for p in found.stdout.split()]
    assert pids, "no actor process to kill"
    for pid in pids:
        os.kill(pid, signal.SIGKILL)
    _, stderr = driver.communicate(timeout=patience(300))
    assert driver.returncode == 0, stderr
    for article in JOB:
        assert (out / article.name).read_bytes() == (local_output / article.name).read_bytes()
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert not [i for f in report["files"] for i in f["issues"]
                if breaks_guarantee(i["kind"], i["source_term"])]
    assert all(sum(f["quality"].values()) == f["segments"] for f in report["files"])
    assert "batch(es) decoded on the cluster, 0 resumed" in stderr


def test_check_on_the_cluster_reports_what_local_check_reports(cluster: str) -> None:
    fixture = ROOT / "tests" / "fixtures" / "seed_check"
    args = ("check", fixture / "source.en", fixture / "damaged.vi", "-g", SEED_GLOSSARY,
            "--format", "json")
    local = run_cli(*args)
    remote = run_cli(*args, "--engine", "ray", "--ray-address", cluster)
    assert remote.returncode == local.returncode == 1, remote.stderr
    assert json.loads(remote.stdout) == json.loads(local.stdout)


def test_a_node_without_the_model_is_named_before_the_job(cluster: str,
                                                          tmp_path: Path) -> None:
    from glossary.errors import ClusterError
    from translate.engines.ray_engine import check_model_on_nodes, connect

    ray = connect(cluster)
    try:
        with pytest.raises(ClusterError, match=r"missing config\.json.*on node"):
            check_model_on_nodes(ray, str(tmp_path / "not-copied-here"))
    finally:
        ray.shutdown()


def test_no_cluster_at_the_address_fails_in_seconds(tmp_path: Path) -> None:
    started = time.monotonic()
    result = _translate(ARTICLES[0], "--out", tmp_path / "o", "--engine", "ray",
                        "--ray-address", "127.0.0.1:1")
    assert result.returncode == 2 and time.monotonic() - started < 30
    assert "no Ray cluster at 127.0.0.1:1" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "o" / ARTICLES[0].name).exists()


def test_without_ray_installed_the_error_says_how_to_install_it(tmp_path: Path) -> None:
    fake = tmp_path / "site" / "ray"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise ImportError('No module named ray', name='ray')\n")
    result = run_cli("translate", ARTICLES[0], "--out", tmp_path / "o", "--engine", "ray",
                     "-g", SEED_GLOSSARY, env={"PYTHONPATH": str(tmp_path / "site")})
    assert result.returncode == 2
    assert "pip install 'termtrans[ray]'" in result.stderr and "Traceback" not in result.stderr


def test_unwritable_output_location_is_refused(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = _translate(ARTICLES[0], "--out", blocker / "sub", "--engine", "ray",
                        "--ray-address", "127.0.0.1:1")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert str(blocker) in result.stderr


def test_dataset_with_duplicate_ids_names_the_line(tmp_path: Path) -> None:
    data = tmp_path / "segments.jsonl"
    data.write_text('{"id": 1, "text": "Prestigious people met."}\n'
                    '{"id": 2, "text": "The Border Guard met."}\n'
                    '{"id": 1, "text": "Again."}\n', encoding="utf-8")
    result = _translate(data, "--out", tmp_path / "o", "--model", "tiny-random", "--no-cache")
    assert result.returncode == 2
    assert f"{data}:3: duplicate id 1 (first on line 1)" in result.stderr


def test_a_family_model_on_the_cluster_matches_local(cluster: str, tmp_path: Path,
                                                      tiny_family_models: dict[str, Path]
                                                      ) -> None:
    model = ("--model", tiny_family_models["nllb"], "--backend", "ctranslate2")
    # the same batches as the cluster's: CTranslate2 int8 may break a tie differently
    # beside other batch neighbours (docs/clusters.md)
    local = _translate(JOB[0], *model, "--out", tmp_path / "local", "--no-cache",
                       "--batch-size", "4")
    assert local.returncode == 0, local.stderr
    ray = _translate(JOB[0], *model, "--out", tmp_path / "ray", "--engine", "ray",
                     "--ray-address", cluster, "--batch-size", "4")
    assert ray.returncode == 0, ray.stderr
    assert (tmp_path / "ray" / JOB[0].name).read_bytes() == \
        (tmp_path / "local" / JOB[0].name).read_bytes()


def test_files_mode_translates_whole_files_on_the_actors_and_resumes(
        cluster: str, local_output: Path, tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    for article in JOB:
        (inputs / article.name).write_bytes(article.read_bytes())
    (inputs / "broken.xlf").write_text("<xliff version='1.2'><file>", encoding="utf-8")
    out = tmp_path / "ray"
    args = (inputs, "--out", out, "--engine", "ray", "--ray-address", cluster,
            "--distribute", "files", "--batch-size", "4")
    result = _translate(*args)
    assert result.returncode == 2, result.stderr        # the broken file, named
    assert "broken.xlf" in result.stderr
    assert "2 file(s) translated on the cluster" in result.stderr, result.stderr
    for article in JOB:       # one group of files: the local run's bytes
        assert (out / article.name).read_bytes() == (local_output / article.name).read_bytes()
        lines = len(article.read_text(encoding="utf-8").splitlines())
        # the driver kept counts only, and printed them
        assert re.search(rf"{article.name}: {lines} line\(s\), \d+ segment\(s\).*"
                         r"quality: \d+ good", result.stderr), result.stderr
    again = _translate(*args, "--report-json", tmp_path / "report.json")
    assert "0 file(s) translated on the cluster" in again.stderr, again.stderr
    assert "2 resumed" in again.stderr
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    files = {Path(f["input"]).name: f for f in report["files"]}
    assert all(len(files[a.name]["segment_quality"]) == files[a.name]["segments"] > 0
               for a in JOB)        # a report asks for every line: read from the manifests


def test_a_file_manifest_is_used_only_for_the_same_input_setup_and_output(
        tmp_path: Path) -> None:
    from glossary.checks import Segment
    from translate.documents.inputs import Job
    from translate.engines.ray_files import FileManifests
    from translate.jobs import FileResult

    source, output = tmp_path / "a.txt", tmp_path / "out" / "a.txt"
    source.write_text("The meeting ended.\n", encoding="utf-8")
    job = Job(source, output)
    store = FileManifests(tmp_path / "manifests")
    key = FileManifests.key("sig", job)
    store.put(key, "sig", job, FileResult(source, output, segments=1))
    compact = FileResult(source, output, segments=2, pairs=[Segment("o", 1, "a", "b")]
                         ).compact()
    assert compact.lines == 1 and not compact.pairs
    assert FileResult.from_dict(compact.to_dict()) == compact
    assert store.get(key, "sig", job) is None            # its output is gone
    output.parent.mkdir()
    output.write_text("Cuộc họp kết thúc.\n", encoding="utf-8")
    saved = store.get(key, "sig", job)
    assert saved is not None and saved.segments == 1 and saved.output == output
    assert store.get(key, "other signature", job) is None
    assert FileManifests.key("other signature", job) != key
    assert FileManifests.key("sig", Job(source, tmp_path / "elsewhere.txt")) != key
    source.write_text("The meeting ended.\nIt rained.\n", encoding="utf-8")   # changed input
    assert FileManifests.key("sig", job) == key and store.get(key, "sig", job) is None
    (store.folder / f"{key}.json").write_text("{damaged", encoding="utf-8")
    assert store.get(key, "sig", job) is None
