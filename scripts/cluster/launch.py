#!/usr/bin/env python3
"""Runs the shards of one of Tern's long jobs on this machine (launcher `local`) or as one `sbatch --array` job
of an existing Slurm cluster (launcher `slurm`); docs/cluster.md.

A job is a list of shards (a shard: one command, the files it must leave behind, an optional fingerprint of its
inputs). Both launchers run each shard through the same task wrapper (`launch.py task MANIFEST INDEX`), which logs
the command's output to STATE/logs/KEY.log and writes STATE/status/KEY.json (exit code, signal, host, seconds).
A shard is finished when its status says exit 0, its fingerprint matches and its outputs exist; finished shards
are never rerun (an interrupted or partly failed job resumes where it stopped). After the run, every unfinished
shard is reported with its description, reason and log; the caller's merge step refuses to write a report from
incomplete results unless asked (`--allow-incomplete`).

Library use (synth/sweep.py, synth/flows.py, scripts/model_table, scripts/regress):
    opts = launch.options_from(args)            # after launch.add_arguments(parser)
    res = launch.run("sweep", shards, opts)     # shards: [launch.Shard(...)]
    launch.require_complete("sweep", res, opts)  # exits 1 with the failure list unless --allow-incomplete
"""
import argparse
import dataclasses
import hashlib
import json
import os
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
import concurrent.futures

HERE = os.path.abspath(__file__)


@dataclasses.dataclass
class Shard:
    key: str                      # unique within the job, file-name safe (status/KEY.json, logs/KEY.log)
    argv: list                    # the command
    desc: str = ""                # for people: the seed range, sweep point, model...
    outputs: list = dataclasses.field(default_factory=list)  # files that exist after a successful run
    stdout: str = ""              # if set, the command's stdout goes here (stderr still to the log)
    fingerprint: str = ""         # of the shard's inputs; a finished shard with another fingerprint reruns
    cwd: str = ""


@dataclasses.dataclass
class Options:
    launcher: str = "local"
    jobs: int = 2                 # local: shards at a time
    state: str = ""               # STATE directory (status, logs, Slurm manifests); default: per job
    partition: str = ""
    account: str = ""
    cpus: int = 1                 # per task
    mem: str = "2G"               # per task
    time: str = "02:00:00"        # per task (Slurm time limit)
    throttle: int = 0             # %N of --array (0: no limit)
    sbatch_args: str = ""         # any other sbatch options
    poll: float = 2.0
    allow_incomplete: bool = False


@dataclasses.dataclass
class Result:
    finished: list                # keys finished (before or during this run)
    ran: list                     # keys run in this run
    failed: list                  # dicts: key, desc, reason, log


def add_arguments(ap, jobs_default=2, time_default="02:00:00", mem_default="2G", cpus_default=1):
    g = ap.add_argument_group("launcher (docs/cluster.md)")
    g.add_argument("--launcher", choices=["local", "slurm"], default=os.environ.get("TERN_LAUNCHER", "local"),
                   help="local: this machine (default; env TERN_LAUNCHER); slurm: one sbatch --array job")
    g.add_argument("--jobs", type=int, default=jobs_default, help="local: shards run at a time")
    g.add_argument("--state", default="", help="status, logs and Slurm manifests (default: per job under build/)")
    g.add_argument("--partition", default=os.environ.get("TERN_SLURM_PARTITION", ""), help="slurm: partition")
    g.add_argument("--account", default=os.environ.get("TERN_SLURM_ACCOUNT", ""), help="slurm: account")
    g.add_argument("--cpus", type=int, default=cpus_default, help="slurm: CPUs per task")
    g.add_argument("--mem", default=mem_default, help="slurm: memory per task (sbatch --mem)")
    g.add_argument("--time", default=time_default, help="slurm: time limit per task (sbatch --time)")
    g.add_argument("--throttle", type=int, default=int(os.environ.get("TERN_SLURM_THROTTLE", "0")),
                   help="slurm: at most this many tasks at once (--array=...%%N; 0: no limit)")
    g.add_argument("--sbatch-args", default=os.environ.get("TERN_SBATCH_ARGS", ""), help="slurm: more sbatch options")
    g.add_argument("--allow-incomplete", action="store_true",
                   help="write the merged report even if shards failed or did not run")


def options_from(a, state=""):
    return Options(launcher=a.launcher, jobs=max(1, a.jobs), state=a.state or state, partition=a.partition,
                   account=a.account, cpus=a.cpus, mem=a.mem, time=a.time, throttle=a.throttle,
                   sbatch_args=a.sbatch_args, allow_incomplete=a.allow_incomplete)


def fingerprint_files(paths, extra=""):
    """sha256 over the contents of `paths` (sorted) and `extra`."""
    h = hashlib.sha256(extra.encode())
    for p in sorted(paths):
        h.update(p.encode())
        with open(p, "rb") as f:
            h.update(f.read())
    return h.hexdigest()[:16]


def _paths(state, key):
    return os.path.join(state, "status", key + ".json"), os.path.join(state, "logs", key + ".log")


def _load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def finished(state, s):
    st = _load(_paths(state, s.key)[0])
    return (st is not None and st.get("rc") == 0 and st.get("fingerprint", "") == s.fingerprint
            and all(os.path.exists(o) for o in s.outputs))


def status_path(state, s):
    return _paths(state, s.key)[0]


def adopt(state, s, note):
    """Records shard s as finished without running it (its outputs were made outside the launcher)."""
    path = status_path(state, s)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    _write_json(path, dict(key=s.key, desc=s.desc, argv=s.argv, host="", launcher="adopted", slurm_job="",
                           slurm_task="", fingerprint=s.fingerprint, rc=0, signal="", seconds=0.0, reason="",
                           note=note))


def _write_json(path, obj):
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "w") as f:
        json.dump(obj, f, indent=1)
    os.replace(tmp, path)


# ---- the task wrapper (both launchers) ----

def task(manifest, index):
    m = _load(manifest)
    if m is None:
        print(f"launch.py task: cannot read manifest {manifest}", file=sys.stderr)
        return 2
    s = m["shards"][index]
    status, log = _paths(m["state"], s["key"])
    os.makedirs(os.path.dirname(status), exist_ok=True)
    os.makedirs(os.path.dirname(log), exist_ok=True)
    if os.path.exists(status):
        os.remove(status)
    t0 = time.time()
    rec = dict(key=s["key"], desc=s["desc"], argv=s["argv"], host=socket.gethostname(), launcher=m["launcher"],
               slurm_job=os.environ.get("SLURM_ARRAY_JOB_ID", ""), slurm_task=os.environ.get("SLURM_ARRAY_TASK_ID", ""),
               fingerprint=s["fingerprint"])
    with open(log, "w") as lf:
        lf.write(f"# {shlex.join(s['argv'])}\n# host {rec['host']}, started {time.strftime('%Y-%m-%d %H:%M:%S')}\n")
        lf.flush()
        out = open(s["stdout"], "w") if s["stdout"] else lf
        try:
            p = subprocess.Popen(s["argv"], stdout=out, stderr=lf, cwd=s["cwd"] or None, start_new_session=True)
        except OSError as e:
            lf.write(f"cannot start: {e}\n")
            rec.update(rc=127, signal="", reason=f"cannot start: {e}", seconds=0.0)
            _write_json(status, rec)
            return 127

        def on_term(signum, _frame):  # Slurm time limit / scancel: stop the command, record why
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except OSError:
                pass
            rec.update(rc=None, signal=signal.Signals(signum).name, seconds=round(time.time() - t0, 1),
                       reason=f"terminated by {signal.Signals(signum).name} (time limit or cancelled)")
            _write_json(status, rec)
            os._exit(128 + signum)

        signal.signal(signal.SIGTERM, on_term)
        signal.signal(signal.SIGINT, on_term)
        rc = p.wait()
        if out is not lf:
            out.close()
    missing = [o for o in s["outputs"] if not os.path.exists(o)]
    reason = ("" if rc == 0 and not missing else
              f"exit {rc}" if rc > 0 else f"killed by signal {-rc}" if rc < 0 else
              "missing outputs: " + ", ".join(missing))
    rec.update(rc=rc if not missing else (rc or 1), signal="", reason=reason, seconds=round(time.time() - t0, 1))
    _write_json(status, rec)
    return 0 if not reason else 1


# ---- launchers ----

def _manifest(name, shards, opts, launcher):
    os.makedirs(os.path.join(opts.state, "manifests"), exist_ok=True)
    path = os.path.join(opts.state, "manifests", f"{name}-{launcher}-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.json")
    _write_json(path, dict(job=name, state=os.path.abspath(opts.state), launcher=launcher,
                           shards=[dataclasses.asdict(s) for s in shards]))
    return path


def _run_local(name, todo, opts, say):
    man = _manifest(name, todo, opts, "local")
    lock = threading.Lock()
    done = [0]

    def one(i):
        subprocess.run([sys.executable, HERE, "task", man, str(i)], stdin=subprocess.DEVNULL)
        with lock:
            done[0] += 1
            say(f"{name}: {done[0]}/{len(todo)} shards ran ({todo[i].key})")

    with concurrent.futures.ThreadPoolExecutor(max_workers=opts.jobs) as ex:
        list(ex.map(one, range(len(todo))))


def _slurm_alive(job_id):
    r = subprocess.run(["squeue", "-h", "-j", job_id, "-o", "%i"], capture_output=True, text=True)
    if r.returncode != 0:  # the job is gone from the controller (or squeue failed: say so and stop waiting)
        if "Invalid job id" in r.stderr:
            return False
        raise RuntimeError(f"squeue failed: {r.stderr.strip()}")
    return bool(r.stdout.strip())


def _run_slurm(name, todo, opts, say):
    man = _manifest(name, todo, opts, "slurm")
    logs = os.path.join(os.path.abspath(opts.state), "logs")
    os.makedirs(logs, exist_ok=True)
    n = len(todo)
    array = f"0-{n - 1}" + (f"%{opts.throttle}" if opts.throttle > 0 else "")
    script = os.path.splitext(man)[0] + ".sbatch"
    lines = ["#!/bin/bash", f"#SBATCH --job-name=tern-{name}", f"#SBATCH --array={array}",
             f"#SBATCH --cpus-per-task={opts.cpus}", f"#SBATCH --mem={opts.mem}", f"#SBATCH --time={opts.time}",
             f"#SBATCH --output={logs}/slurm-%A_%a.out", f"#SBATCH --chdir={os.getcwd()}"]
    if opts.partition:
        lines.append(f"#SBATCH --partition={opts.partition}")
    if opts.account:
        lines.append(f"#SBATCH --account={opts.account}")
    lines.append(f"exec {shlex.quote(sys.executable)} {shlex.quote(HERE)} task {shlex.quote(man)} "
                 "\"$SLURM_ARRAY_TASK_ID\"")
    with open(script, "w") as f:
        f.write("\n".join(lines) + "\n")
    cmd = ["sbatch", "--parsable"] + shlex.split(opts.sbatch_args) + [script]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"sbatch failed ({shlex.join(cmd)}): {r.stderr.strip()}")
    job = r.stdout.strip().split(";")[0]
    with open(os.path.join(opts.state, "manifests", "slurm_jobs.txt"), "a") as f:
        f.write(f"{job} {man}\n")
    say(f"{name}: submitted Slurm array job {job} ({n} tasks, {array}; script {script})")
    last = None
    while _slurm_alive(job):
        left = sum(not os.path.exists(_paths(opts.state, s.key)[0]) for s in todo)
        if left != last:
            say(f"{name}: Slurm job {job}: {n - left}/{n} tasks reported")
            last = left
        time.sleep(opts.poll)
    return job


def run(name, shards, opts, say=None):
    """Runs every unfinished shard of the job; returns a Result (nothing raised for failing shards)."""
    say = say or (lambda msg: print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True))
    opts = dataclasses.replace(opts, state=os.path.abspath(opts.state))
    keys = [s.key for s in shards]
    if len(set(keys)) != len(keys):
        raise ValueError(f"{name}: duplicate shard keys")
    os.makedirs(opts.state, exist_ok=True)
    todo = [s for s in shards if not finished(opts.state, s)]
    say(f"{name}: {len(shards)} shards, {len(shards) - len(todo)} already finished, {len(todo)} to run "
        f"({opts.launcher})")
    for s in todo:  # a stale status (failed run, other fingerprint) must not stand for this run's outcome
        stale = status_path(opts.state, s)
        if os.path.exists(stale):
            os.remove(stale)
    job = None
    if todo:
        if opts.launcher == "local":
            _run_local(name, todo, opts, say)
        elif opts.launcher == "slurm":
            job = _run_slurm(name, todo, opts, say)
        else:
            raise ValueError(f"unknown launcher '{opts.launcher}' (local, slurm)")
    failed = []
    for s in shards:
        if finished(opts.state, s):
            continue
        status, log = _paths(opts.state, s.key)
        st = _load(status)
        if st is None:
            slog = os.path.join(opts.state, "logs", f"slurm-{job}_{todo.index(s)}.out") if job and s in todo else ""
            reason = "no status: the task never ran or was killed before it could report"
            if slog and os.path.exists(slog):
                tail = open(slog, errors="replace").read().strip().splitlines()[-1:]
                reason += f" (Slurm: {tail[0] if tail else 'empty log'})"
                log = slog
        elif st.get("rc") == 0 and st.get("fingerprint", "") != s.fingerprint:
            reason = "inputs changed since it ran (fingerprint)"
        else:
            reason = st.get("reason") or f"exit {st.get('rc')}"
        failed.append(dict(key=s.key, desc=s.desc, reason=reason, log=log))
    return Result(finished=[s.key for s in shards if finished(opts.state, s)], ran=[s.key for s in todo],
                  failed=failed)


def report_failures(name, res, out=sys.stderr):
    for f in res.failed:
        print(f"{name}: shard {f['key']} ({f['desc']}) FAILED: {f['reason']}; log {f['log']}", file=out)


def require_complete(name, res, opts):
    """Lists failed shards; exits 1 unless every shard finished or --allow-incomplete was given."""
    if not res.failed:
        return
    report_failures(name, res)
    if opts.allow_incomplete:
        print(f"{name}: {len(res.failed)} shard(s) incomplete; merging anyway (--allow-incomplete)", file=sys.stderr)
        return
    print(f"{name}: {len(res.failed)} of {len(res.failed) + len(res.finished)} shards incomplete: no report "
          "written (rerun to resume, or --allow-incomplete)", file=sys.stderr)
    sys.exit(1)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("task", help="run shard INDEX of MANIFEST (what both launchers execute)")
    t.add_argument("manifest")
    t.add_argument("index", type=int)
    a = ap.parse_args()
    return task(a.manifest, a.index)


if __name__ == "__main__":
    sys.exit(main())
