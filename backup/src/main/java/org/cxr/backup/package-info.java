/**
 * Stage 3 of the platform: the relational lake backed up to S3 as Parquet, verified, purgeable and restorable.
 *
 * <ul>
 *   <li>{@link org.cxr.backup.Backup#run()}: backs up what is new since the stage's watermark.</li>
 *   <li>{@link org.cxr.backup.Purge#run(java.time.Duration)}: deletes old rows that are in a verified backup (opt-in).</li>
 *   <li>{@link org.cxr.backup.Restore#run()}: loads every backed-up run into an empty database.</li>
 *   <li>{@link org.cxr.backup.BackupCatalog} and {@link org.cxr.backup.BackupVerifier}: list and check the stored runs.</li>
 * </ul>
 *
 * <p>Layout under the prefix ({@code backups/} by default), in the object store's bucket:
 * <pre>
 * images/ingest_date=YYYY-MM-DD/run-&lt;runId&gt;-part-00000.parquet         one row per image, dated by first_seen
 * inferences/ingest_date=YYYY-MM-DD/run-&lt;runId&gt;-part-00000.parquet     one row per inference, dated by created_at
 * predicted_boxes/ingest_date=YYYY-MM-DD/run-&lt;runId&gt;-part-00000.parquet one row per box, dated by its inference
 * detections/ingest_date=YYYY-MM-DD/run-&lt;runId&gt;-part-00000.parquet     the join: one row per box, or per inference without boxes
 * reviews/ingest_date=YYYY-MM-DD/run-&lt;runId&gt;-part-00000.parquet        one row per review, dated by reviewed_at
 * review_boxes/ingest_date=YYYY-MM-DD/run-&lt;runId&gt;-part-00000.parquet   one row per decision, dated by its review
 * model_versions/run-&lt;runId&gt;-part-00000.parquet                         the registered models, whole, every run
 * manifests/run-&lt;runId&gt;.json                                            what a verified run wrote
 * plans/run-&lt;runId&gt;.json                                                the range of a run in progress
 * </pre>
 *
 * <p>Reading the backup: take the files listed in {@code manifests/*.json}, and only those. A manifest is stored only
 * after every file it lists was read back and matched its size, SHA-256, row count and schema; each run covers the ids
 * after the previous run's watermark, so across all manifests each row appears exactly once. A Parquet file that no
 * manifest lists can only be left by a crashed attempt of the run in progress, which its retry overwrites.
 */
package org.cxr.backup;
