#!/usr/bin/python3
"""The original system's Stage 3 (RDS -> S3 backup), re-created the way it worked, as a peer for the benchmark.

Not part of the platform: it exists to be measured next to our backup stage on the same lake. What it keeps of the
original (an AWS Glue PySpark job; docs/benchmarks.md, "Ours vs the original's jobs"):
- every run reads the three tables whole (inference, image, predicted_box: our schema's transaction, image and
  pred_bounding_box) and joins them (transaction ⋈ image ⋈ pred_bounding_box);
- it writes the join as CSV (the original meant Parquet and wrote CSV), partitioned by image id, one prefix per image,
  the way Spark's partitionBy lays it out: <prefix>image_id=<id>/part-00000.csv, the partition column left out of the
  file, and a _SUCCESS marker at the end.
Here pandas stands in for Spark and boto3 puts the objects into the S3 server (the embedded one in the benchmark) with
a few threads, as Spark's tasks would write in parallel; without --s3-endpoint it writes the same layout to local
files under --out. Each run writes every partition again under the same keys (Spark's overwrite mode would first
also delete the old prefix, which is left out here).
The join keeps a transaction that found no box as one row with empty box columns (a left join), as our backup does,
so that both carry every row; whether the original's inner join dropped such transactions is not known.

Prints one JSON line: rows read, objects and bytes written, seconds (after the imports) and the process's peak
resident set size.
"""
import argparse
import concurrent.futures
import json
import os
import resource
import sys
import threading
import time
import warnings

t_start = time.monotonic()

import pandas as pd  # noqa: E402
import psycopg2  # noqa: E402


def read_tables(conn):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        transaction = pd.read_sql("SELECT * FROM inference", conn)
        image = pd.read_sql("SELECT * FROM image", conn)
        pred_bbox = pd.read_sql("SELECT * FROM predicted_box", conn)
    return transaction, image, pred_bbox


def join(transaction, image, pred_bbox):
    transaction = transaction.rename(columns={"id": "transaction_id"})
    image = image.rename(columns={"id": "image_id"})
    pred_bbox = pred_bbox.rename(columns={"id": "pred_bbox_id", "inference_id": "transaction_id"})
    joined = transaction.merge(image, on="image_id", how="inner").merge(pred_bbox, on="transaction_id", how="left")
    # The box id is a nullable integer after the left join, not a float.
    joined["pred_bbox_id"] = joined["pred_bbox_id"].astype("Int64")
    joined["class_id"] = joined["class_id"].astype("Int64")
    return joined


class S3Writer:
    def __init__(self, endpoint, bucket, access_key, secret_key, threads):
        import boto3
        from botocore.config import Config
        self.bucket = bucket
        self.client = boto3.client("s3", endpoint_url=endpoint, aws_access_key_id=access_key, aws_secret_access_key=secret_key,
                                   region_name="us-east-1",
                                   config=Config(s3={"addressing_style": "path"}, max_pool_connections=threads,
                                                 retries={"max_attempts": 3}))
        self.pool = concurrent.futures.ThreadPoolExecutor(max_workers=threads)
        # At most a few puts waiting per thread: the CSVs are made as fast as they are sent, not all held at once.
        self.slots = threading.BoundedSemaphore(threads * 4)
        self.futures = set()
        self.lock = threading.Lock()

    def put(self, key, body):
        self.slots.acquire()
        future = self.pool.submit(self.client.put_object, Bucket=self.bucket, Key=key, Body=body, ContentType="text/csv")
        future.add_done_callback(self._done)
        with self.lock:
            self.futures.add(future)

    def _done(self, future):
        self.slots.release()
        if future.exception() is None:
            with self.lock:
                self.futures.discard(future)

    def close(self):
        self.pool.shutdown(wait=True)
        for future in self.futures:
            future.result()  # raises the first failed put


class FileWriter:
    def __init__(self, folder):
        self.folder = folder

    def put(self, key, body):
        path = os.path.join(self.folder, key)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as out:
            out.write(body)

    def close(self):
        pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg-host", default="localhost")
    parser.add_argument("--pg-port", type=int, required=True)
    parser.add_argument("--pg-user", default="postgres")
    parser.add_argument("--pg-database", default="postgres")
    parser.add_argument("--s3-endpoint", help="S3 endpoint; without it, local files under --out")
    parser.add_argument("--bucket", default="cxr-images")
    parser.add_argument("--access-key", default=os.environ.get("AWS_ACCESS_KEY_ID"))
    parser.add_argument("--secret-key", default=os.environ.get("AWS_SECRET_ACCESS_KEY"))
    parser.add_argument("--prefix", default="original-backup/")
    parser.add_argument("--out", help="local folder, when there is no --s3-endpoint")
    parser.add_argument("--threads", type=int, default=8, help="parallel puts (Spark's tasks)")
    args = parser.parse_args()
    if args.s3_endpoint is None and args.out is None:
        parser.error("give --s3-endpoint or --out")

    t0 = time.monotonic()
    conn = psycopg2.connect(host=args.pg_host, port=args.pg_port, user=args.pg_user, dbname=args.pg_database)
    try:
        transaction, image, pred_bbox = read_tables(conn)
    finally:
        conn.close()
    t_read = time.monotonic()
    rows = {"images": len(image), "transactions": len(transaction), "boxes": len(pred_bbox)}
    joined = join(transaction, image, pred_bbox)
    del transaction, image, pred_bbox
    t_join = time.monotonic()

    writer = (S3Writer(args.s3_endpoint, args.bucket, args.access_key, args.secret_key, args.threads) if args.s3_endpoint
              else FileWriter(args.out))
    objects = 0
    total_bytes = 0
    columns = [c for c in joined.columns if c != "image_id"]
    for image_id, part in joined.groupby("image_id", sort=True):
        body = part.to_csv(columns=columns, index=False).encode("utf-8")
        writer.put(f"{args.prefix}image_id={image_id}/part-00000.csv", body)
        objects += 1
        total_bytes += len(body)
    writer.put(f"{args.prefix}_SUCCESS", b"")
    writer.close()
    t_end = time.monotonic()

    print(json.dumps({
        "peer": "original_stage3", "target": "s3" if args.s3_endpoint else "files", "threads": args.threads,
        "rowsRead": rows, "joinedRows": len(joined), "objects": objects, "bytes": total_bytes,
        "importSeconds": round(t0 - t_start, 2), "readSeconds": round(t_read - t0, 2), "joinSeconds": round(t_join - t_read, 2),
        "writeSeconds": round(t_end - t_join, 2), "seconds": round(t_end - t0, 2),
        "maxRssMb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
