package org.cxr.backup;

import org.cxr.lake.MutableClock;
import org.apache.avro.generic.GenericRecord;
import org.cxr.lake.IngestResult;
import org.cxr.lake.Lake;
import org.cxr.lake.LakeTables;
import org.cxr.lake.NewInference;
import org.cxr.lake.MediaType;
import org.cxr.lake.NewReview;
import org.cxr.lake.NewReviewBox;
import org.cxr.lake.PredictedBox;
import org.cxr.lake.BoxRecord;
import org.cxr.lake.StoredReview;
import org.cxr.lake.Upload;
import org.cxr.lake.sql.Database;
import org.cxr.lake.pipeline.Watermark;
import org.cxr.lake.pipeline.Watermarks;
import org.cxr.lake.store.ObjectListing;
import org.cxr.lake.store.ObjectStore;
import org.cxr.lake.store.StoredObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** One test's lake: its own database and bucket, a clock the test sets, and ways to look at what a backup stored. */
final class TestLake
{
    static final BackupOptions OPTIONS = BackupOptions.defaults().withSettleDelay(Duration.ZERO);
    private static final List<String> CLASSES = List.of("Aortic enlargement", "Cardiomegaly", "ILD", "Infiltration", "Nodule/Mass");
    private static final String MODEL = "retinanet-r101";
    private static final String MODEL_VERSION = "2026.1";

    final Database database;
    final ObjectStore store;
    final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    final Lake lake;
    final LakeTables tables;

    TestLake(Database database, ObjectStore store)
    {
        this.database = database;
        this.store = store;
        this.lake = new Lake(database, store, clock);
        this.tables = new LakeTables(database);
    }

    static PredictedBox box(int classId, double score)
    {
        return new PredictedBox(classId, CLASSES.get(classId), score, 10.5 + classId, 20.25, 110.75, 220 + score);
    }

    static byte[] uniquePng()
    {
        byte[] bytes = new byte[300];
        ThreadLocalRandom.current().nextBytes(bytes);
        System.arraycopy(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, 0, bytes, 0, 8);
        return bytes;
    }

    /** Uploads a new image at the given time. */
    IngestResult ingest(String at, PredictedBox... boxes)
    {
        return ingest(at, uniquePng(), boxes);
    }

    IngestResult ingest(String at, byte[] png, PredictedBox... boxes)
    {
        return ingest(at, png, "chest \"front\" 'ß' ✓.png", Optional.of("radiologist"), boxes);
    }

    IngestResult ingest(String at, byte[] png, String fileName, Optional<String> user, PredictedBox... boxes)
    {
        clock.set(at);
        return lake.ingest(new Upload(png, fileName, MediaType.PNG, 512, 384), inference(user, boxes));
    }

    NewInference inference(PredictedBox... boxes)
    {
        return inference(Optional.of("radiologist"), boxes);
    }

    private static NewInference inference(Optional<String> user, PredictedBox... boxes)
    {
        return new NewInference(0.5, 0.45, MODEL, MODEL_VERSION, 1234, user, List.of(boxes));
    }

    /**
     * Dr House's review of the inference at the given time. The inferences' model is registered first (a review is
     * checked against its model's classes), which puts it in the model_versions dataset of every later run.
     */
    StoredReview review(String at, long inferenceId, Optional<String> comment, NewReviewBox... boxes)
    {
        clock.set(at);
        lake.registerModel(MODEL, MODEL_VERSION, CLASSES);
        return lake.review(new NewReview(inferenceId, "dr-house", List.of(boxes), comment), stored -> {});
    }

    /** The ids of the inference's predicted boxes, in id order. */
    List<Long> boxIds(long inferenceId)
    {
        return lake.inference(inferenceId).orElseThrow().boxes().stream().map(BoxRecord::id).toList();
    }

    Backup backup()
    {
        return backup(OPTIONS, Faults.NONE);
    }

    Backup backup(BackupOptions config, Faults faults)
    {
        return new Backup(database, store, config, clock, faults);
    }

    /** Runs a backup a second after the given time, so that everything before it is old enough with no settle delay. */
    BackupResult backupAt(String at)
    {
        clock.set(Instant.parse(at).plusSeconds(1));
        return backup().run();
    }

    Watermark watermark(String stage)
    {
        return new Watermarks(database, clock).read(stage);
    }

    List<Map<String, Object>> rows(String table)
    {
        return tables.rows(table);
    }

    List<Long> ids(String table)
    {
        return tables.ids(table);
    }

    List<Manifest> manifests()
    {
        return new BackupCatalog(store, OPTIONS).manifests();
    }

    /** Every record of the dataset in the files the manifests list, the reader's view of the backup. */
    List<GenericRecord> backedUp(Dataset dataset)
    {
        List<GenericRecord> records = new ArrayList<>();
        for (Manifest manifest : manifests()) {
            for (ManifestFile file : manifest.files(dataset)) {
                records.addAll(records(file.key()));
            }
        }
        return records;
    }

    List<Long> backedUpIds(Dataset dataset, String idColumn)
    {
        return backedUp(dataset).stream().map(record -> (Long) record.get(idColumn)).sorted().toList();
    }

    List<GenericRecord> records(String key)
    {
        List<GenericRecord> records = new ArrayList<>();
        try {
            ParquetFiles.forEachRecord(store.get(key).orElseThrow(), records::add);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return records;
    }

    /** Every key under the prefix, as S3 lists it. */
    List<String> keys(String prefix)
    {
        List<String> keys = new ArrayList<>();
        Optional<String> token = Optional.empty();
        do {
            ObjectListing page = store.list(prefix, token, 1000);
            page.objects().stream().map(StoredObject::key).forEach(keys::add);
            token = page.nextToken();
        }
        while (token.isPresent());
        return keys;
    }

    /** The Parquet files under the backup prefix, whether a manifest lists them or not. */
    List<String> dataKeys()
    {
        return keys("backups/").stream().filter(key -> key.endsWith(".parquet")).toList();
    }

    /** A reader of the manifests' files sees each row of the lake exactly once, and no file is left outside them. */
    void assertBackupHoldsEveryRowOnce()
    {
        assertThat(backedUpIds(Dataset.IMAGES, "id")).isEqualTo(ids("image"));
        assertThat(backedUpIds(Dataset.INFERENCES, "id")).isEqualTo(ids("inference"));
        assertThat(backedUpIds(Dataset.PREDICTED_BOXES, "id")).isEqualTo(ids("predicted_box"));
        assertThat(backedUpIds(Dataset.DETECTIONS, "inference_id").stream().distinct().toList()).isEqualTo(ids("inference"));
        assertThat(backedUpIds(Dataset.REVIEWS, "id")).isEqualTo(ids("review"));
        assertThat(backedUpIds(Dataset.REVIEW_BOXES, "id")).isEqualTo(ids("review_box"));
        assertThat(manifests().stream().flatMap(manifest -> manifest.files().stream()).map(ManifestFile::key))
                .containsExactlyInAnyOrderElementsOf(dataKeys());
    }
}
