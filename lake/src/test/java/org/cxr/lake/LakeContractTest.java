package org.cxr.lake;

import org.cxr.lake.sql.Database;
import org.cxr.lake.sql.DatabaseConfig;
import org.cxr.lake.embedded.EmbeddedS3;
import org.cxr.lake.store.ObjectKeys;
import org.cxr.lake.store.ObjectStore;
import org.cxr.lake.store.StoredObject;
import org.cxr.lake.sweep.OrphanSweeper;
import org.cxr.lake.errors.ConflictException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the lake promises, run against each database it supports. Each class starts its servers once; each test works
 * in its own stretch of (test clock) time and with its own images, so tests do not see each other's rows.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class LakeContractTest
{
    private static final Instant EPOCH = Instant.parse("2030-01-01T00:00:00Z");
    private static final AtomicInteger DAYS = new AtomicInteger();

    private EmbeddedS3 s3;
    protected DatabaseConfig databaseConfig;
    protected Database database;
    protected ObjectStore store;
    protected JdbcClient sql;
    protected final MutableClock clock = new MutableClock(EPOCH);
    protected Lake lake;
    private Instant testStart;

    /** Starts the database server once for the class, with its files under the folder. */
    protected abstract DatabaseConfig startDatabase(Path folder)
            throws Exception;

    protected abstract void stopDatabase()
            throws Exception;

    @BeforeAll
    void startServers(@TempDir Path folder)
            throws Exception
    {
        s3 = EmbeddedS3.start(folder.resolve("s3"));
        store = ObjectStore.create(s3.config("lake-" + getClass().getSimpleName().toLowerCase()));
        store.createBucketIfAbsent();
        databaseConfig = startDatabase(folder.resolve("database"));
        database = Database.connect(databaseConfig);
        database.migrate();
        sql = JdbcClient.create(database.dataSource());
        lake = new Lake(database, store, clock);
    }

    @AfterAll
    void stopServers()
            throws Exception
    {
        try (EmbeddedS3 ignored = s3; ObjectStore ignoredStore = store) {
            database.close();
            stopDatabase();
        }
    }

    @BeforeEach
    void startInOwnDay()
    {
        testStart = EPOCH.plus(Duration.ofDays(DAYS.incrementAndGet()));
        clock.set(testStart);
    }

    @Test
    void migratingAnUpToDateSchemaChangesNothing()
    {
        int applied = sql.sql("SELECT COUNT(*) FROM flyway_schema_history WHERE success = TRUE").query(Integer.class).single();

        database.migrate();

        assertThat(applied).as("every migration of the lake applied at start-up").isEqualTo(4);
        assertThat(sql.sql("SELECT COUNT(*) FROM flyway_schema_history WHERE success = TRUE").query(Integer.class).single()).isEqualTo(applied);
    }

    @Test
    void storesTheBytesAsOneObjectAndTheMetadataWithAllBoxes()
    {
        byte[] png = TestData.uniquePng(4096);
        IngestResult result = lake.ingest(TestData.upload(png, "patient-17.png"), TestData.inference(TestData.box(1, 0.91), TestData.box(4, 0.62)));

        assertThat(result.newImage()).isTrue();
        assertThat(result.sha256()).isEqualTo(ContentHash.sha256(png));
        assertThat(result.objectKey()).isEqualTo("images/sha256/" + result.sha256().substring(0, 2) + "/" + result.sha256() + ".png");
        assertThat(store.get(result.objectKey())).hasValueSatisfying(bytes -> assertThat(bytes).isEqualTo(png));

        StoredInference stored = lake.inference(result.inferenceId()).orElseThrow();
        assertThat(stored.createdAt()).isEqualTo(testStart);
        assertThat(stored.inference().confidenceThreshold()).isEqualTo(0.5);
        assertThat(stored.inference().nmsIouThreshold()).isEqualTo(0.45);
        assertThat(stored.inference().modelName()).isEqualTo("retinanet-r101");
        assertThat(stored.inference().modelVersion()).isEqualTo("2026.1");
        assertThat(stored.inference().durationMillis()).isEqualTo(1234);
        assertThat(stored.inference().userName()).contains("radiologist");
        assertThat(TestData.predicted(stored.boxes())).containsExactly(TestData.box(1, 0.91), TestData.box(4, 0.62));
        assertThat(stored.image()).isEqualTo(new ImageRecord(
                result.imageId(), result.sha256(), store.bucket(), result.objectKey(), "patient-17.png", MediaType.PNG, 512, 384, 4096, testStart));
        assertThat(lake.image(result.sha256())).contains(stored.image());
        assertThat(lake.imageBytes(stored.image())).hasValueSatisfying(bytes -> assertThat(bytes).isEqualTo(png));
    }

    @Test
    void keepsAnInferenceWithoutBoxesOrUser()
    {
        NewInference nothingFound = new NewInference(0.9, 0.5, "yolo", "v8", 0, Optional.empty(), List.of());

        IngestResult result = lake.ingest(TestData.newUpload(), nothingFound);

        StoredInference stored = lake.inference(result.inferenceId()).orElseThrow();
        assertThat(stored.boxes()).isEmpty();
        assertThat(stored.inference().userName()).isEmpty();
    }

    @Test
    void theSameImageTwiceIsOneImageAndOneObjectWithTwoInferences()
    {
        byte[] png = TestData.uniquePng(1024);

        IngestResult first = lake.ingest(TestData.upload(png, "first-name.png"), TestData.inference(TestData.box(0, 0.8)));
        clock.advance(Duration.ofMinutes(1));
        IngestResult second = lake.ingest(TestData.upload(png, "second-name.png"), TestData.inference());

        assertThat(first.newImage()).isTrue();
        assertThat(second.newImage()).isFalse();
        assertThat(second.imageId()).isEqualTo(first.imageId());
        assertThat(second.inferenceId()).isNotEqualTo(first.inferenceId());
        assertThat(rowsWithSha256(first.sha256())).isEqualTo(1);
        assertThat(inferencesOfImage(first.imageId())).isEqualTo(2);
        assertThat(objectsNamed(first.sha256())).isEqualTo(1);
        // The first upload named the image.
        assertThat(lake.image(first.sha256()).orElseThrow().originalFileName()).isEqualTo("first-name.png");
        assertThat(lake.image(first.sha256()).orElseThrow().firstSeen()).isEqualTo(testStart);
    }

    @Test
    void storesInjectionAndTraversalShapedFileNamesVerbatimAsData()
    {
        List<String> names = List.of(
                "x'); DROP TABLE image; --.png",
                "\"; DELETE FROM inference WHERE '1'='1",
                "../../../../etc/passwd",
                "..\\..\\windows\\system32\\config\\sam.png",
                "/absolute/path/../image.png",
                "%2e%2e%2fsecret.png",
                "röntgen thorax 🫁 \t\n.png",
                "");
        for (String name : names) {
            IngestResult result = lake.ingest(TestData.upload(TestData.uniquePng(128), name), TestData.inference(TestData.box(2, 0.7)));

            assertThat(lake.image(result.sha256()).orElseThrow().originalFileName()).isEqualTo(name);
            assertThat(result.objectKey()).isEqualTo(ObjectKeys.image(result.sha256(), MediaType.PNG));
        }
        assertThat(sql.sql("SELECT COUNT(*) FROM image").query(Long.class).single()).isGreaterThanOrEqualTo(names.size());
        assertThat(sql.sql("SELECT COUNT(*) FROM inference").query(Long.class).single()).isGreaterThanOrEqualTo(names.size());
    }

    @Test
    void listsNewestFirstAPageAtATimeWithoutGapsOrRepeats()
    {
        List<Long> ids = new ArrayList<>();
        byte[] png = TestData.uniquePng(512);
        for (int i = 0; i < 5; i++) {
            ids.add(lake.ingest(TestData.upload(png, "same.png"), TestData.inference(TestData.box(0, 0.9))).inferenceId());
            // Two inferences in the same microsecond: the id breaks the tie.
            if (i != 2) {
                clock.advance(Duration.ofSeconds(1));
            }
        }
        InferenceFilter today = InferenceFilter.ALL.withFrom(testStart).withTo(testStart.plus(Duration.ofDays(1)));

        List<Long> listed = new ArrayList<>();
        PageRequest page = PageRequest.first(2);
        int pages = 0;
        while (true) {
            InferencePage result = lake.inferences(today, page);
            pages++;
            result.items().forEach(item -> listed.add(item.id()));
            if (result.next().isEmpty()) {
                break;
            }
            page = page.next(PageCursor.decode(result.next().get().encode()));
        }

        assertThat(pages).isEqualTo(3);
        Collections.reverse(ids);
        assertThat(listed).containsExactlyElementsOf(ids);
    }

    @Test
    void aListingShowsTheImageAndCountsTheBoxes()
    {
        IngestResult result = lake.ingest(TestData.upload(TestData.uniquePng(300), "summary.png"),
                TestData.inference(TestData.box(0, 0.9), TestData.box(1, 0.8), TestData.box(1, 0.6)));

        InferencePage page = lake.inferences(InferenceFilter.ALL.withFrom(testStart), PageRequest.first(10));

        assertThat(page.items()).containsExactly(new InferenceSummary(result.inferenceId(), testStart, result.imageId(), result.sha256(),
                "summary.png", "retinanet-r101", "2026.1", 1234, Optional.of("radiologist"), 3));
        assertThat(page.next()).isEmpty();
    }

    @Test
    void filtersByTimeRangeClassAndMinimumScore()
    {
        long cardiomegalyHigh = lake.ingest(TestData.newUpload(), TestData.inference(TestData.box(1, 0.95), TestData.box(0, 0.3))).inferenceId();
        clock.advance(Duration.ofHours(1));
        long cardiomegalyLow = lake.ingest(TestData.newUpload(), TestData.inference(TestData.box(1, 0.55))).inferenceId();
        clock.advance(Duration.ofHours(1));
        long noduleHigh = lake.ingest(TestData.newUpload(), TestData.inference(TestData.box(4, 0.9), TestData.box(1, 0.2))).inferenceId();
        clock.advance(Duration.ofHours(1));
        long nothing = lake.ingest(TestData.newUpload(), TestData.inference()).inferenceId();
        InferenceFilter today = InferenceFilter.ALL.withFrom(testStart).withTo(testStart.plus(Duration.ofDays(1)));

        assertThat(ids(today)).containsExactly(nothing, noduleHigh, cardiomegalyLow, cardiomegalyHigh);
        assertThat(ids(today.withClassId(1))).containsExactly(noduleHigh, cardiomegalyLow, cardiomegalyHigh);
        // Class and score apply to the same box: the nodule inference's cardiomegaly box scores only 0.2.
        assertThat(ids(today.withClassId(1).withMinScore(0.5))).containsExactly(cardiomegalyLow, cardiomegalyHigh);
        assertThat(ids(today.withMinScore(0.9))).containsExactly(noduleHigh, cardiomegalyHigh);
        assertThat(ids(today.withClassId(3))).isEmpty();
        // [from, to): the start is in, the end is out.
        assertThat(ids(InferenceFilter.ALL.withFrom(testStart.plus(Duration.ofHours(1))).withTo(testStart.plus(Duration.ofHours(3)))))
                .containsExactly(noduleHigh, cardiomegalyLow);
    }

    @Test
    void listsOnlyTheInferencesOfOneUserWhenAsked()
    {
        byte[] shared = TestData.uniquePng(4096);
        long amyFirst = lake.ingest(TestData.upload(shared, "a.png"), TestData.inference("amy")).inferenceId();
        clock.advance(Duration.ofMinutes(1));
        long ben = lake.ingest(TestData.upload(shared, "b.png"), TestData.inference("ben")).inferenceId();
        clock.advance(Duration.ofMinutes(1));
        IngestResult amySecond = lake.ingest(TestData.newUpload(), TestData.inference("amy"));
        InferenceFilter today = InferenceFilter.ALL.withFrom(testStart).withTo(testStart.plus(Duration.ofDays(1)));

        assertThat(ids(today.withUserName("amy"))).containsExactly(amySecond.inferenceId(), amyFirst);
        assertThat(ids(today.withUserName("ben"))).containsExactly(ben);
        assertThat(ids(today.withUserName("Amy"))).as("user names are matched exactly").isEmpty();
        // One image uploaded by both belongs to both; the other only to its uploader.
        assertThat(lake.uploadedBy(ContentHash.sha256(shared), "ben")).isTrue();
        assertThat(lake.uploadedBy(amySecond.sha256(), "amy")).isTrue();
        assertThat(lake.uploadedBy(amySecond.sha256(), "ben")).isFalse();
    }

    @Test
    void answersEmptyForWhatItDoesNotHave()
    {
        assertThat(lake.inference(Long.MAX_VALUE)).isEmpty();
        assertThat(lake.image(ContentHash.sha256(new byte[] {1, 2, 3}))).isEmpty();
    }

    @Test
    void keepsTimestampsToTheMicrosecondInUtc()
    {
        Instant odd = testStart.plusNanos(123_456_789);
        clock.set(odd);

        IngestResult result = lake.ingest(TestData.newUpload(), TestData.inference());

        assertThat(lake.inference(result.inferenceId()).orElseThrow().createdAt()).isEqualTo(odd.truncatedTo(ChronoUnit.MICROS));
        assertThat(storedUtcText(result.inferenceId())).startsWith(odd.toString().substring(0, "2030-01-02T00:00:00.123456".length()).replace('T', ' '));
    }

    /** The created_at column as the database itself shows it in UTC, as "yyyy-MM-dd HH:mm:ss.SSSSSS". */
    protected abstract String storedUtcText(long inferenceId);

    @Test
    void sixteenParallelUploadsOfOneImageMakeOneImageOneObjectAndSixteenInferences()
            throws Exception
    {
        byte[] png = TestData.uniquePng(2048);

        List<IngestResult> results = inParallel(16, i -> lake.ingest(TestData.upload(png, "parallel-" + i + ".png"), TestData.inference(TestData.box(3, 0.75))));

        String sha256 = ContentHash.sha256(png);
        assertThat(results).extracting(IngestResult::imageId).containsOnly(results.get(0).imageId());
        assertThat(results).extracting(IngestResult::inferenceId).doesNotHaveDuplicates();
        assertThat(results).filteredOn(IngestResult::newImage).hasSize(1);
        assertThat(rowsWithSha256(sha256)).isEqualTo(1);
        assertThat(inferencesOfImage(results.get(0).imageId())).isEqualTo(16);
        assertThat(objectsNamed(sha256)).isEqualTo(1);
        for (IngestResult result : results) {
            assertThat(TestData.predicted(lake.inference(result.inferenceId()).orElseThrow().boxes())).containsExactly(TestData.box(3, 0.75));
        }
    }

    @Test
    void sixteenParallelUploadsOfDifferentImagesAreAllKept()
            throws Exception
    {
        List<IngestResult> results = inParallel(16, i -> lake.ingest(TestData.newUpload(), TestData.inference(TestData.box(i % 5, 0.6))));

        assertThat(results).allMatch(IngestResult::newImage);
        assertThat(results).extracting(IngestResult::imageId).doesNotHaveDuplicates();
        for (IngestResult result : results) {
            assertThat(rowsWithSha256(result.sha256())).isEqualTo(1);
            assertThat(objectsNamed(result.sha256())).isEqualTo(1);
            assertThat(lake.inference(result.inferenceId())).isPresent();
        }
        assertThat(lake.inferences(InferenceFilter.ALL.withFrom(testStart), PageRequest.first(100)).items()).hasSize(16);
    }

    @Test
    void aDatabaseFailureAfterTheObjectIsWrittenLeavesNoRowsAndTheSweeperLaterDeletesTheOrphan()
    {
        byte[] png = TestData.uniquePng(700);
        String sha256 = ContentHash.sha256(png);
        String key = ObjectKeys.image(sha256, MediaType.PNG);
        // Too long for its column: the database refuses the inference after the image row went in, in the same transaction.
        NewInference refused = new NewInference(0.5, 0.5, "m".repeat(201), "1", 1, Optional.empty(), List.of(TestData.box(0, 0.9)));
        long inferencesBefore = count("inference");

        assertThatThrownBy(() -> lake.ingest(TestData.upload(png, "orphan.png"), refused)).isInstanceOf(DataIntegrityViolationException.class);

        assertThat(rowsWithSha256(sha256)).isZero();
        assertThat(count("inference")).isEqualTo(inferencesBefore);
        assertThat(store.exists(key)).isTrue();

        MutableClock sweepClock = new MutableClock(Instant.now());
        OrphanSweeper sweeper = new OrphanSweeper(database, store, sweepClock, OrphanSweeper.DEFAULT_GRACE_PERIOD);
        assertThat(sweeper.sweep()).extracting(StoredObject::key).doesNotContain(key);
        assertThat(store.exists(key)).isTrue();

        sweepClock.advance(Duration.ofHours(2));
        assertThat(sweeper.sweep()).extracting(StoredObject::key).contains(key);
        assertThat(store.exists(key)).isFalse();
    }

    @Test
    void theSweeperNeverDeletesAnObjectThatHasAnImageRow()
    {
        IngestResult kept = lake.ingest(TestData.newUpload(), TestData.inference());
        String orphan = ObjectKeys.image(ContentHash.sha256(TestData.uniquePng(64)), MediaType.PNG);
        store.put(orphan, TestData.uniquePng(64), MediaType.PNG.mimeType());
        store.put("elsewhere/not-an-image.txt", new byte[] {1}, "text/plain");

        List<StoredObject> deleted = new OrphanSweeper(database, store, Clock.systemUTC(), Duration.ZERO).sweep();

        assertThat(deleted).extracting(StoredObject::key).contains(orphan).doesNotContain(kept.objectKey());
        assertThat(store.exists(kept.objectKey())).isTrue();
        assertThat(store.exists(orphan)).isFalse();
        assertThat(store.exists("elsewhere/not-an-image.txt")).isTrue();
    }

    @Test
    void uploadingAnOrphanedImageAgainRenewsItsObjectSoTheSweeperSparesIt()
    {
        byte[] png = TestData.uniquePng(900);
        String key = ObjectKeys.image(ContentHash.sha256(png), MediaType.PNG);
        store.put(key, png, MediaType.PNG.mimeType());
        Instant orphanedAt = store.list(key, Optional.empty(), 1).objects().get(0).lastModified();

        lake.ingest(TestData.upload(png, "again.png"), TestData.inference());

        assertThat(store.list(key, Optional.empty(), 1).objects().get(0).lastModified()).isAfterOrEqualTo(orphanedAt);
        assertThat(new OrphanSweeper(database, store, Clock.systemUTC(), Duration.ZERO).sweep()).extracting(StoredObject::key).doesNotContain(key);
        assertThat(store.exists(key)).isTrue();
    }

    @Test
    void aFailureWhileInsertingBoxesRollsBackTheInferenceAndTheNewImage()
    {
        byte[] png = TestData.uniquePng(800);
        PredictedBox unstorable = new PredictedBox(0, "c".repeat(201), 0.9, 0, 0, 1, 1);
        long inferencesBefore = count("inference");
        long boxesBefore = count("predicted_box");

        assertThatThrownBy(() -> lake.ingest(TestData.upload(png, "boxes.png"), TestData.inference(TestData.box(0, 0.9), unstorable)))
                .isInstanceOf(DataIntegrityViolationException.class);

        assertThat(rowsWithSha256(ContentHash.sha256(png))).isZero();
        assertThat(count("inference")).isEqualTo(inferencesBefore);
        assertThat(count("predicted_box")).isEqualTo(boxesBefore);
    }

    @Test
    void aFailureWhileInsertingBoxesOfAKnownImageKeepsTheImageAndItsEarlierInference()
    {
        byte[] png = TestData.uniquePng(800);
        IngestResult first = lake.ingest(TestData.upload(png, "known.png"), TestData.inference(TestData.box(0, 0.9)));
        PredictedBox unstorable = new PredictedBox(0, "c".repeat(201), 0.9, 0, 0, 1, 1);

        assertThatThrownBy(() -> lake.ingest(TestData.upload(png, "known.png"), TestData.inference(unstorable)))
                .isInstanceOf(DataIntegrityViolationException.class);

        assertThat(inferencesOfImage(first.imageId())).isEqualTo(1);
        assertThat(lake.inference(first.inferenceId()).orElseThrow().boxes()).hasSize(1);
        assertThat(store.exists(first.objectKey())).isTrue();
    }

    @Test
    void aModelIsRegisteredOnceWithItsClassesAndAnotherClassListUnderItsNameAndVersionIsAConflict()
    {
        String version = "v" + testStart.toEpochMilli();
        List<String> classes = List.of("Cardiomegaly", "Nodule/Mass");
        ModelVersion registered = lake.registerModel("registry-test", version, classes);
        ModelVersion again = lake.registerModel("registry-test", version, classes);

        assertThat(again).isEqualTo(registered);
        assertThat(registered.classNames()).containsExactly("Cardiomegaly", "Nodule/Mass");
        assertThat(registered.registeredAt()).isEqualTo(testStart);
        assertThat(lake.model("registry-test", version)).contains(registered);
        assertThat(lake.models()).contains(registered);
        assertThat(new LakeRows(database).models()).contains(registered);
        assertThatThrownBy(() -> lake.registerModel("registry-test", version, List.of("Nodule/Mass", "Cardiomegaly")))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("registry-test@" + version)
                .hasMessageContaining("needs a version of its own");
        // Another version may have other classes.
        assertThat(lake.registerModel("registry-test", version + ".1", List.of("Pleural effusion")).classNames()).containsExactly("Pleural effusion");
    }

    @Test
    void theDatabaseEnforcesForeignKeysAndCascadesBoxesWithTheirInference()
    {
        IngestResult result = lake.ingest(TestData.newUpload(), TestData.inference(TestData.box(0, 0.9), TestData.box(1, 0.8)));

        assertThatThrownBy(() -> sql.sql("INSERT INTO predicted_box (inference_id, class_id, class_name, score, x_min, y_min, x_max, y_max) VALUES (?, 0, 'x', 0.5, 0, 0, 1, 1)")
                .param(Long.MAX_VALUE).update())
                .isInstanceOf(DataIntegrityViolationException.class);
        assertThatThrownBy(() -> sql.sql("DELETE FROM image WHERE id = ?").param(result.imageId()).update())
                .isInstanceOf(DataIntegrityViolationException.class);

        sql.sql("DELETE FROM inference WHERE id = ?").param(result.inferenceId()).update();
        assertThat(sql.sql("SELECT COUNT(*) FROM predicted_box WHERE inference_id = ?").param(result.inferenceId()).query(Long.class).single()).isZero();
    }

    private List<Long> ids(InferenceFilter filter)
    {
        return lake.inferences(filter, PageRequest.first(100)).items().stream().map(InferenceSummary::id).toList();
    }

    private long rowsWithSha256(String sha256)
    {
        return sql.sql("SELECT COUNT(*) FROM image WHERE sha256 = ?").param(sha256).query(Long.class).single();
    }

    private long inferencesOfImage(long imageId)
    {
        return sql.sql("SELECT COUNT(*) FROM inference WHERE image_id = ?").param(imageId).query(Long.class).single();
    }

    private long count(String table)
    {
        return sql.sql("SELECT COUNT(*) FROM " + table).query(Long.class).single();
    }

    private long objectsNamed(String sha256)
    {
        // Listing one two-character fan-out folder; the key may carry either extension.
        return store.list("images/sha256/" + sha256.substring(0, 2) + "/", Optional.empty(), 1000).objects().stream()
                .filter(object -> object.key().contains(sha256))
                .count();
    }

    private interface Ingest
    {
        IngestResult run(int index);
    }

    private static List<IngestResult> inParallel(int count, Ingest ingest)
            throws Exception
    {
        ExecutorService executor = Executors.newFixedThreadPool(count);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<IngestResult>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int index = i;
                Callable<IngestResult> task = () -> {
                    start.await();
                    return ingest.run(index);
                };
                futures.add(executor.submit(task));
            }
            start.countDown();
            List<IngestResult> results = new ArrayList<>();
            for (Future<IngestResult> future : futures) {
                results.add(future.get());
            }
            return results;
        }
        finally {
            executor.shutdownNow();
        }
    }
}
