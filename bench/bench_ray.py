"""The same 1,000-sentence job locally and on a two-node local Ray cluster, and a
projection of the cluster path to a million articles.

    python bench/bench_ray.py [--address HOST:PORT] [--sentences 1000]

The job is a JSON Lines dataset of segments with ids: the FLORES dev English side
(read at run time from ../shared/data, evaluation data, never copied into the
repository) topped up with seed-article sentences. Without --address a cluster of
two nodes with one CPU each is started on this machine (Ray's cluster_utils). Runs,
in one process, side by side:

1. ``termtrans translate`` locally, no cache;
2. the same with ``--engine ray`` (fresh output folder);
3. that command again: every batch comes from its manifest, nothing is decoded —
   the driver's own cost (start, reading, cutting batches, loading results, writing);
4. a one-sentence ``--engine ray`` job, then again from its manifest: joining the
   cluster and starting an actor is the difference, the driver's fixed cost the rest;
5. the same sentences as articles of 25 sentences (one text file each) with
   ``--distribute files``, then again with every file resumed (the driver's cost per
   file), and a one-file job twice (its fixed cost).

From these: the driver's cost per sentence d = (run 3 − run 4b) / (sentences − 1),
per-actor throughput r = sentences / (actors × (run 2 − run 3 − start-up)), and the
projected wall time of S sentences on N nodes of two actors each,
T(N) = start-up + S × d + S / (2 N r): the driver term does not shrink with N, which
is where the cluster path stops scaling. For ``files`` the driver's term is per file,
T(N) = start-up + A × f + S / (2 N r) for A articles.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from translate.documents.segment import split_sentences  # noqa: E402

GLOSSARY = ROOT / "seeds" / "glossary.tsv"
ARTICLE_SENTENCES = 25
#: Finished files the driver resumes to measure its cost per file.
MANY_FILES = 2000
FLORES = ROOT.parent / "shared" / "data" / "flores-dev" / "dev.en"


def dataset(path: Path, count: int) -> int:
    lines = FLORES.read_text(encoding="utf-8").splitlines() if FLORES.is_file() else []
    for article in sorted((ROOT / "seeds" / "articles").glob("*.txt")):
        lines += [s for p in article.read_text(encoding="utf-8").splitlines()
                  for s in split_sentences(p)]
    chosen = [line for line in lines if line.strip()][:count]
    path.write_text("".join(json.dumps({"id": n, "text": t}, ensure_ascii=False) + "\n"
                            for n, t in enumerate(chosen, 1)), encoding="utf-8")
    return len(chosen)


def timed(*args: str | Path) -> float:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "translate", "translate", *map(str, args),
                           "-g", str(GLOSSARY), "-q"], capture_output=True, text=True, cwd=ROOT)
    if done.returncode not in (0, 1):
        raise SystemExit(done.stderr)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--address", default=None)
    parser.add_argument("--sentences", type=int, default=1000)
    args = parser.parse_args()
    cluster = None
    address = args.address
    if address is None:
        from ray.cluster_utils import Cluster

        cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 1,
                                                                "include_dashboard": False})
        cluster.add_node(num_cpus=1)
        address = cluster.address
    try:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            data = folder / "segments.jsonl"
            count = dataset(data, args.sentences)
            one = folder / "one.jsonl"
            one.write_text('{"id": 1, "text": "The meeting ended."}\n', encoding="utf-8")
            timed(one, "--out", folder / "warm", "--no-cache")     # model conversion, once
            ray = ("--engine", "ray", "--ray-address", address)
            local = timed(data, "--out", folder / "local", "--no-cache")
            remote = timed(data, "--out", folder / "ray", *ray)
            driver = timed(data, "--out", folder / "ray", *ray)
            start = timed(one, "--out", folder / "one", *ray)
            fixed = timed(one, "--out", folder / "one", *ray)
            same = ((folder / "local" / data.name).read_bytes()
                    == (folder / "ray" / data.name).read_bytes())
            articles = split_articles(data, folder / "articles", ARTICLE_SENTENCES)
            files = ("--distribute", "files")
            files_run = timed(folder / "articles", "--out", folder / "files", *ray, *files)
            many = replicate(folder / "articles", folder / "files", folder / "many", MANY_FILES)
            files_driver = timed(folder / "many" / "in", "--out", folder / "many" / "out", *ray,
                                 *files)
            files_fixed = timed(one, "--out", folder / "one-files", *ray, *files)
            files_fixed = timed(one, "--out", folder / "one-files", *ray, *files)
    finally:
        if cluster is not None:
            cluster.shutdown()
    actors = 2
    startup = start - fixed
    decode = max(remote - driver - startup, 1e-6)
    rate = count / (actors * decode)
    per_sentence = max(driver - fixed, 0.0) / max(1, count - 1)
    print(f"{count} sentences; local {local:.1f} s, 2-node Ray cluster {remote:.1f} s "
          f"(overhead {remote - local:+.1f} s, {remote / local:.2f}x); identical output: {same}")
    print(f"  driver only (all batches from manifests) {driver:.1f} s, of which {fixed:.1f} s "
          f"fixed: {1000 * per_sentence:.2f} ms/sentence; join + actor start-up "
          f"{startup:.1f} s; per-actor {rate:.1f} sentences/s")
    total = 1_000_000 * 25
    print(f"projection for 1,000,000 articles x 25 sentences = {total:,} sentences, "
          "nodes of 2 actors:")
    for nodes in (10, 100, 1000):
        decoding = total / (2 * nodes * rate)
        serial = total * per_sentence
        wall = startup + serial + decoding
        print(f"  {nodes:5d} nodes: {wall / 3600:8.1f} h (decoding {decoding / 3600:.1f} h, "
              f"driver {serial / 3600:.1f} h; efficiency {decoding / wall:.0%})")
    per_file = max(files_driver - files_fixed, 0.0) / max(1, many - 1)
    files_rate = count / (actors * max(files_run - files_fixed - startup, 1e-6))
    print(f"--distribute files: {articles} files of {ARTICLE_SENTENCES} sentences in "
          f"{files_run:.1f} s (per-actor {files_rate:.1f} sentences/s); {many} files, all "
          f"resumed: {files_driver:.1f} s, one file {files_fixed:.1f} s: "
          f"{1000 * per_file:.2f} ms/file on the driver")
    for nodes in (10, 100, 1000):
        decoding = total / (2 * nodes * files_rate)
        serial = 1_000_000 * per_file
        wall = startup + serial + decoding
        print(f"  {nodes:5d} nodes: {wall / 3600:8.1f} h (decoding {decoding / 3600:.1f} h, "
              f"driver {serial / 3600:.2f} h; efficiency {decoding / wall:.0%})")


def replicate(articles: Path, out: Path, folder: Path, count: int) -> int:
    """*count* finished files for the driver to resume: copies of the translated articles
    under new names, each with its file manifest (what a finished job leaves)."""
    from translate.documents.inputs import Job
    from translate.engines.ray_engine import MANIFEST_DIR
    from translate.engines.ray_files import FILES_DIR, FileManifests
    from translate.jobs import FileResult

    saved = [json.loads(p.read_text(encoding="utf-8"))
             for p in sorted((out / MANIFEST_DIR / FILES_DIR).glob("*.json"))]
    sources, outputs = folder / "in", folder / "out"
    sources.mkdir(parents=True)
    outputs.mkdir()
    store = FileManifests(outputs / MANIFEST_DIR / FILES_DIR)
    for n in range(count):
        data = saved[n % len(saved)]
        result = FileResult.from_dict(data["result"])
        job = Job(sources / f"copy-{n:06d}.txt", outputs / f"copy-{n:06d}.txt")
        job.source.write_bytes(result.source.read_bytes())
        job.output.write_bytes((result.output or Path()).read_bytes())
        store.put(FileManifests.key(data["signature"], job), data["signature"], job, result)
    return count


def split_articles(data: Path, folder: Path, size: int) -> int:
    """The dataset as text files of *size* sentences each: articles, for ``files`` mode."""
    folder.mkdir()
    texts = [json.loads(line)["text"] for line in data.read_text(encoding="utf-8").splitlines()]
    for n, start in enumerate(range(0, len(texts), size)):
        (folder / f"article-{n:05d}.txt").write_text("\n".join(texts[start:start + size])
                                                     + "\n", encoding="utf-8")
    return -(-len(texts) // size)


if __name__ == "__main__":
    main()
