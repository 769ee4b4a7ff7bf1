#!/usr/bin/env python3
"""Batches per minute with 1, 2 and 3 workers on one machine: an S3 lake and an SQS queue on moto, the catalog on a
throwaway PostgreSQL, each worker with its own scratch folder (a "host"). Prints one line per worker count.

    swift build -c release --product batchlake
    python3 Benchmarks/workers.py [--bin .build/release/batchlake] [--batches 24] [--per-hour 200]

Needs moto[server] and boto3 (scripts/setup --test-tools) and PostgreSQL 15 (runs initdb as the postgres user when
started as root). Every server listens on 127.0.0.1 and is stopped at the end.
"""
import argparse
import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    sys.exit(f"nothing listens on 127.0.0.1:{port}")


class Postgres:
    BIN = os.environ.get("BATCHLAKE_PG_BIN", "/usr/lib/postgresql/15/bin")

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="batchlake-bench-pg-")
        self.port = free_port()
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_postgres:
            shutil.chown(self.dir, "postgres")
        data = os.path.join(self.dir, "data")
        subprocess.run(self.as_postgres + [f"{self.BIN}/initdb", "-D", data, "--auth=trust", "--no-sync", "-U",
                                           "postgres"], check=True, stdout=subprocess.DEVNULL, cwd="/")
        subprocess.run(self.as_postgres + [f"{self.BIN}/pg_ctl", "-D", data, "-l", os.path.join(self.dir, "log"),
                                           "-o", f"-c listen_addresses=127.0.0.1 -p {self.port} "
                                                 f"-c unix_socket_directories={self.dir} -c fsync=off",
                                           "-w", "start"], check=True, stdout=subprocess.DEVNULL, cwd="/")
        self.data = data

    def create(self, name):
        subprocess.run([f"{self.BIN}/psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-c",
                        f'CREATE DATABASE "{name}"'], check=True, stdout=subprocess.DEVNULL)
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def stop(self):
        subprocess.run(self.as_postgres + [f"{self.BIN}/pg_ctl", "-D", self.data, "-m", "immediate", "stop"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd="/")
        shutil.rmtree(self.dir, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", default=".build/release/batchlake")
    parser.add_argument("--batches", type=int, default=24)
    parser.add_argument("--per-hour", type=int, default=200)
    parser.add_argument("--workers", default="1,2,3")
    args = parser.parse_args()
    binary = os.path.abspath(args.bin)
    import boto3  # moto[server] brings it

    work = tempfile.mkdtemp(prefix="batchlake-bench-workers-")
    moto_port = free_port()
    moto = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(moto_port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    pg = None
    try:
        wait_port(moto_port)
        pg = Postgres()
        endpoint = f"http://127.0.0.1:{moto_port}"
        env = dict(os.environ, AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", AWS_REGION="us-east-1",
                   AWS_DEFAULT_REGION="us-east-1", AWS_ENDPOINT_URL=endpoint)
        s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="bench",
                          aws_secret_access_key="bench")
        sqs = boto3.client("sqs", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="bench",
                           aws_secret_access_key="bench")
        batches = os.path.join(work, "batches")
        subprocess.run([binary, "generate", "--out", batches, "--hours", str(args.batches), "--per-hour",
                        str(args.per_hour), "--seed", "42"], check=True, stdout=subprocess.DEVNULL)
        files = sorted(glob.glob(os.path.join(batches, "*")))
        megabytes = sum(os.path.getsize(f) for f in files) / 1e6
        print(f"{len(files)} batches of {args.per_hour} records ({megabytes:.1f} MB zipped), S3 lake and SQS on moto, "
              f"catalog on PostgreSQL, {os.cpu_count()} cores")
        print(f"{'workers':>7}  {'seconds':>8}  {'batches/min':>11}")
        for n in [int(x) for x in args.workers.split(",")]:
            name = f"bench-{n}"
            s3.create_bucket(Bucket=name)
            queue = sqs.create_queue(QueueName=name)["QueueUrl"]
            arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
            s3.put_bucket_notification_configuration(Bucket=name, NotificationConfiguration={
                "QueueConfigurations": [{"QueueArn": arn, "Events": ["s3:ObjectCreated:*"], "Filter": {
                    "Key": {"FilterRules": [{"Name": "prefix", "Value": "incoming/"}]}}}]})
            for f in files:
                s3.upload_file(f, name, "incoming/" + os.path.basename(f))
            catalog = pg.create(f"catalog_{n}")
            started = time.time()
            procs = [subprocess.Popen([binary, "worker", "--lake", f"s3://{name}/lake", "--catalog", catalog,
                                       "--queue", queue, "--once", "--wait", "3"],
                                      env=dict(env, BATCHLAKE_SCRATCH=os.path.join(work, f"scratch-{n}-{i}")),
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for i in range(n)]
            codes = [p.wait() for p in procs]
            # Each worker waits one empty receive (3 s) before it ends.
            seconds = time.time() - started - 3
            if any(codes):
                sys.exit(f"a worker failed: exit codes {codes}")
            print(f"{n:>7}  {seconds:>8.1f}  {len(files) / seconds * 60:>11.1f}")
    finally:
        moto.terminate()
        moto.wait()
        if pg:
            pg.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
