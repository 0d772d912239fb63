#!/usr/bin/python3
"""The original system's Stage 4 (RDS -> DocumentDB), re-created the way it worked, as a peer for the benchmark.

Not part of the platform: it exists to be measured next to our warehouse stage on the same lake. What it keeps of the
original (docs/benchmarks.md, "Ours vs the original's jobs"):
- every run reads the three tables whole (image, inference, predicted_box: our schema's image, transaction and
  pred_bounding_box) with pandas, joins them with pandas and builds one document per image in the original's shape:
  {img_id, bucket, folder, img_file, transactions: [{tran_id, time, cs_thr, nms_thr,
   pred_bbox: [{pred_bbox_id, pred_class, pred_cs, offset_value: [x_min, y_min, x_max, y_max]}]}]};
- it writes one document at a time: find_one by img_id, then insert_one for an image the collection lacks, or
  update_one with a $push of the transactions the document lacks.
What it does not copy: SQL built by string formatting (the queries here have no parameters at all), and it keeps
every transaction (the original kept those of the last N days; --days does that, after reading everything, as the
original did). The one liberty, in the original's favour: a unique index on img_id, so that each find_one is an index
look-up and not a scan of the collection (--no-index leaves it out; the original's index is not known).

Prints one JSON line: rows read, documents inserted and updated, transactions appended, seconds (after the imports)
and the process's peak resident set size.
"""
import argparse
import json
import posixpath
import resource
import sys
import time
import warnings

t_start = time.monotonic()

import pandas as pd  # noqa: E402
import psycopg2  # noqa: E402
import pymongo  # noqa: E402


def read_tables(conn):
    # pandas warns that it supports only SQLAlchemy connections; a DB-API connection works for reading.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        image = pd.read_sql("SELECT * FROM image", conn)
        transaction = pd.read_sql("SELECT * FROM inference", conn)
        pred_bbox = pd.read_sql("SELECT * FROM predicted_box", conn)
    return image, transaction, pred_bbox


def join(image, transaction, pred_bbox, days):
    image = pd.DataFrame({
        "img_id": image["id"],
        "bucket": image["bucket"],
        "folder": image["object_key"].map(posixpath.dirname),
        "img_file": image["object_key"].map(posixpath.basename),
    })
    transaction = pd.DataFrame({
        "tran_id": transaction["id"],
        "img_id": transaction["image_id"],
        "time": transaction["created_at"],
        "cs_thr": transaction["confidence_threshold"],
        "nms_thr": transaction["nms_iou_threshold"],
    })
    if days is not None:
        transaction = transaction[transaction["time"] >= pd.Timestamp.now(tz="UTC") - pd.Timedelta(days=days)]
    pred_bbox = pd.DataFrame({
        "pred_bbox_id": pred_bbox["id"],
        "tran_id": pred_bbox["inference_id"],
        "pred_class": pred_bbox["class_id"],
        "pred_cs": pred_bbox["score"].round(3),
        "x_min": pred_bbox["x_min"],
        "y_min": pred_bbox["y_min"],
        "x_max": pred_bbox["x_max"],
        "y_max": pred_bbox["y_max"],
    })
    # A transaction that found nothing still belongs in its image's document: left joins keep it (pred_bbox_id NaN).
    joined = transaction.merge(image, on="img_id", how="inner").merge(pred_bbox, on="tran_id", how="left")
    return joined.sort_values(["img_id", "tran_id", "pred_bbox_id"], kind="stable")


def documents(joined):
    """One document per image, from the joined rows sorted by image, transaction and box."""
    doc = None
    tran = None
    for row in joined.itertuples(index=False):
        if doc is None or doc["img_id"] != row.img_id:
            if doc is not None:
                yield doc
            doc = {"img_id": int(row.img_id), "bucket": row.bucket, "folder": row.folder, "img_file": row.img_file,
                   "transactions": []}
            tran = None
        if tran is None or tran["tran_id"] != row.tran_id:
            tran = {"tran_id": int(row.tran_id), "time": row.time.to_pydatetime(), "cs_thr": float(row.cs_thr),
                    "nms_thr": float(row.nms_thr), "pred_bbox": []}
            doc["transactions"].append(tran)
        if not pd.isna(row.pred_bbox_id):
            tran["pred_bbox"].append({"pred_bbox_id": int(row.pred_bbox_id), "pred_class": int(row.pred_class),
                                      "pred_cs": float(row.pred_cs),
                                      "offset_value": [float(row.x_min), float(row.y_min), float(row.x_max), float(row.y_max)]})
    if doc is not None:
        yield doc


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg-host", default="localhost")
    parser.add_argument("--pg-port", type=int, required=True)
    parser.add_argument("--pg-user", default="postgres")
    parser.add_argument("--pg-database", default="postgres")
    parser.add_argument("--mongo-uri", required=True)
    parser.add_argument("--mongo-database", default="x_ray")
    parser.add_argument("--collection", default="original_images")
    parser.add_argument("--days", type=float, default=None, help="keep transactions of the last N days (default: all)")
    parser.add_argument("--no-index", action="store_true", help="no unique index on img_id: every find_one scans")
    args = parser.parse_args()

    t0 = time.monotonic()
    conn = psycopg2.connect(host=args.pg_host, port=args.pg_port, user=args.pg_user, dbname=args.pg_database)
    try:
        image, transaction, pred_bbox = read_tables(conn)
    finally:
        conn.close()
    t_read = time.monotonic()
    rows = {"images": len(image), "transactions": len(transaction), "boxes": len(pred_bbox)}
    joined = join(image, transaction, pred_bbox, args.days)
    del image, transaction, pred_bbox
    t_join = time.monotonic()

    client = pymongo.MongoClient(args.mongo_uri)
    collection = client[args.mongo_database][args.collection]
    if not args.no_index:
        collection.create_index("img_id", unique=True)
    inserted = updated = appended = unchanged = 0
    for doc in documents(joined):
        existing = collection.find_one({"img_id": doc["img_id"]})
        if existing is None:
            collection.insert_one(doc)
            inserted += 1
            continue
        known = {t["tran_id"] for t in existing["transactions"]}
        new = [t for t in doc["transactions"] if t["tran_id"] not in known]
        if new:
            collection.update_one({"img_id": doc["img_id"]}, {"$push": {"transactions": {"$each": new}}})
            updated += 1
            appended += len(new)
        else:
            unchanged += 1
    client.close()
    t_end = time.monotonic()

    print(json.dumps({
        "peer": "original_stage4", "rowsRead": rows, "joinedRows": len(joined),
        "documentsInserted": inserted, "documentsUpdated": updated, "transactionsAppended": appended,
        "documentsUnchanged": unchanged, "index": not args.no_index,
        "importSeconds": round(t0 - t_start, 2), "readSeconds": round(t_read - t0, 2), "joinSeconds": round(t_join - t_read, 2),
        "writeSeconds": round(t_end - t_join, 2), "seconds": round(t_end - t0, 2),
        "maxRssMb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
