package org.cxr.lake;

import org.cxr.lake.embedded.EmbeddedS3;
import org.cxr.lake.errors.ConflictException;
import org.cxr.lake.errors.InvalidInputException;
import org.cxr.lake.errors.NotFoundException;
import org.cxr.lake.pipeline.Watermark;
import org.cxr.lake.sql.Database;
import org.cxr.lake.sql.DatabaseConfig;
import org.cxr.lake.store.ObjectKeys;
import org.cxr.lake.store.ObjectStore;
import org.cxr.lake.store.StoredObject;
import org.cxr.lake.sweep.OrphanSweeper;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
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

        assertThat(applied).as("every migration of the lake applied at start-up").isEqualTo(5);
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


    @Test
    void anIngestAnswersWithTheRowsItWroteExactlyAsAReadGivesThem()
    {
        byte[] png = TestData.uniquePng(1024);
        clock.set(testStart.plusNanos(123_456_789));
        IngestResult first = lake.ingest(TestData.upload(png, "first.png"), TestData.inference(TestData.box(1, 0.6), TestData.box(2, 0.9), TestData.box(3, 0.7)));
        IngestResult again = lake.ingest(TestData.upload(png, "again.png"), TestData.inference(TestData.box(4, 0.8)));
        IngestResult none = lake.ingest(TestData.newUpload(), TestData.inference());

        assertThat(first.stored()).isEqualTo(lake.inference(first.inferenceId()).orElseThrow());
        assertThat(first.stored().boxes()).extracting(BoxRecord::score).containsExactly(0.9, 0.7, 0.6);
        assertThat(again.stored()).isEqualTo(lake.inference(again.inferenceId()).orElseThrow());
        assertThat(again.stored().image()).isEqualTo(first.stored().image());
        assertThat(none.stored()).isEqualTo(lake.inference(none.inferenceId()).orElseThrow());
    }

    // ---- reviews

    private static final List<String> CLASSES = List.of("Aortic enlargement", "Cardiomegaly", "ILD", "Infiltration", "Nodule/Mass");

    /** An inference of the registered test model with these boxes (the lake checks reviews against its model). */
    private StoredInference reviewable(PredictedBox... boxes)
    {
        lake.registerModel("retinanet-r101", "2026.1", CLASSES);
        return lake.inference(lake.ingest(TestData.newUpload(), TestData.inference(boxes)).inferenceId()).orElseThrow();
    }

    private static long boxOfClass(StoredInference inference, int classId)
    {
        return inference.boxes().stream().filter(b -> b.classId() == classId).findFirst().orElseThrow().id();
    }

    private StoredReview review(long inferenceId, NewReviewBox... boxes)
    {
        return lake.review(new NewReview(inferenceId, "dr-house", List.of(boxes), Optional.empty()), stored -> {});
    }

    @Test
    void aReviewDecidesEveryPredictedBoxAndLeavesTheLabelsItsDecisionsMake()
    {
        StoredInference inference = reviewable(TestData.box(1, 0.91), TestData.box(2, 0.7), TestData.box(4, 0.62));
        long accepted = boxOfClass(inference, 1);
        long rejected = boxOfClass(inference, 2);
        long corrected = boxOfClass(inference, 4);

        StoredReview stored = lake.review(new NewReview(inference.id(), "dr-house", List.of(
                NewReviewBox.accepted(accepted),
                NewReviewBox.rejected(rejected),
                NewReviewBox.corrected(corrected, OptionalInt.of(0), Optional.of(new NewReviewBox.Corners(5, 6, 50, 60))),
                NewReviewBox.added(3, new NewReviewBox.Corners(100, 100, 200, 150))), Optional.of("left base")), written -> {});

        assertThat(stored.review().reviewer()).isEqualTo("dr-house");
        assertThat(stored.reviewedAt()).isEqualTo(testStart);
        assertThat(stored.review().comment()).contains("left base");
        assertThat(stored.boxes()).extracting(ReviewBoxRecord::decision)
                .containsExactly(ReviewDecision.ACCEPTED, ReviewDecision.REJECTED, ReviewDecision.CORRECTED, ReviewDecision.ADDED);
        assertThat(stored.boxes()).extracting(ReviewBoxRecord::predictedBoxId)
                .containsExactly(Optional.of(accepted), Optional.of(rejected), Optional.of(corrected), Optional.empty());
        assertThat(stored.labelled()).extracting(box -> box.label().orElseThrow()).containsExactly(
                new ReviewLabel(1, "Cardiomegaly", 10.5, 20.25, 110.75, 220),
                new ReviewLabel(0, "Aortic enlargement", 5, 6, 50, 60),
                new ReviewLabel(3, "Infiltration", 100, 100, 200, 150));
        assertThat(lake.reviews(inference.id())).containsExactly(stored);
        assertThat(lake.latestReview(inference.id())).contains(stored);
    }

    @Test
    void aCorrectionMayChangeOnlyTheClassOrOnlyTheBox()
    {
        StoredInference inference = reviewable(TestData.box(1, 0.91), TestData.box(2, 0.7));

        StoredReview stored = review(inference.id(),
                NewReviewBox.corrected(boxOfClass(inference, 1), OptionalInt.of(3), Optional.empty()),
                NewReviewBox.corrected(boxOfClass(inference, 2), OptionalInt.empty(), Optional.of(new NewReviewBox.Corners(1, 2, 3, 4))));

        assertThat(stored.labelled()).extracting(box -> box.label().orElseThrow()).containsExactly(
                new ReviewLabel(3, "Infiltration", 10.5, 20.25, 110.75, 220),
                new ReviewLabel(2, "ILD", 1, 2, 3, 4));
    }

    @Test
    void aLaterReviewSupersedesTheEarlierOneWhichStays()
    {
        StoredInference inference = reviewable(TestData.box(1, 0.91));
        StoredReview first = review(inference.id(), NewReviewBox.accepted(inference.boxes().get(0).id()));
        clock.advance(Duration.ofMinutes(5));

        StoredReview second = review(inference.id(), NewReviewBox.rejected(inference.boxes().get(0).id()));

        assertThat(second.id()).isGreaterThan(first.id());
        assertThat(lake.reviews(inference.id())).containsExactly(second, first);
        assertThat(lake.latestReview(inference.id())).contains(second);
    }

    @Test
    void aReviewWithoutBoxesOfAnInferenceWithoutBoxesSaysTheImageHasNoFindings()
    {
        StoredInference inference = reviewable();

        StoredReview normal = review(inference.id());

        assertThat(normal.boxes()).isEmpty();
        assertThat(lake.latestReview(inference.id())).contains(normal);
        assertThat(lake.latestReview(reviewable().id())).isEmpty();
    }

    @Test
    void aReviewThatBreaksARuleIsRefusedNamingItAndNothingIsStored()
    {
        StoredInference inference = reviewable(TestData.box(1, 0.91), TestData.box(2, 0.7));
        long one = boxOfClass(inference, 1);
        long two = boxOfClass(inference, 2);
        long otherInferencesBox = reviewable(TestData.box(3, 0.8)).boxes().get(0).id();
        long reviewsBefore = count("review");
        NewReviewBox.Corners inside = new NewReviewBox.Corners(1, 1, 10, 10);

        Map<String, List<NewReviewBox>> refused = new LinkedHashMap<>();
        refused.put("have no decision", List.of(NewReviewBox.accepted(one)));
        refused.put("not a box of inference", List.of(NewReviewBox.accepted(one), NewReviewBox.rejected(two), NewReviewBox.accepted(otherInferencesBox)));
        refused.put("more than one decision", List.of(NewReviewBox.accepted(one), NewReviewBox.rejected(one), NewReviewBox.rejected(two)));
        refused.put("does not have", List.of(NewReviewBox.accepted(one), NewReviewBox.corrected(two, OptionalInt.of(5), Optional.empty())));
        refused.put("lies outside", List.of(NewReviewBox.accepted(one), NewReviewBox.rejected(two), NewReviewBox.added(0, new NewReviewBox.Corners(500, 300, 513, 310))));
        refused.put("has no area", List.of(NewReviewBox.accepted(one), NewReviewBox.rejected(two), NewReviewBox.added(0, new NewReviewBox.Corners(5, 5, 5, 40))));
        refused.put("an added box names none", List.of(NewReviewBox.accepted(one), NewReviewBox.rejected(two),
                new NewReviewBox(Optional.of(two), ReviewDecision.ADDED, OptionalInt.of(0), Optional.of(inside))));
        refused.put("takes no classId or box", List.of(NewReviewBox.rejected(two),
                new NewReviewBox(Optional.of(one), ReviewDecision.ACCEPTED, OptionalInt.empty(), Optional.of(inside))));
        refused.put("needs a new classId, a new box, or both", List.of(NewReviewBox.accepted(one), NewReviewBox.corrected(two, OptionalInt.empty(), Optional.empty())));
        refused.put("names no predictedBoxId", List.of(NewReviewBox.accepted(one), NewReviewBox.rejected(two),
                new NewReviewBox(Optional.empty(), ReviewDecision.REJECTED, OptionalInt.empty(), Optional.empty())));

        refused.forEach((message, boxes) -> assertThatThrownBy(() -> lake.review(new NewReview(inference.id(), "dr-house", boxes, Optional.empty()), stored -> {}))
                .as(message)
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(((InvalidInputException) e).code()).isEqualTo("bad_review")));
        assertThatThrownBy(() -> ReviewDecision.of("maybe")).isInstanceOf(InvalidInputException.class).hasMessageContaining("accepted, rejected, corrected, added");
        assertThatThrownBy(() -> review(Long.MAX_VALUE)).isInstanceOf(NotFoundException.class);
        assertThat(count("review")).isEqualTo(reviewsBefore);
    }

    @Test
    void whatTheReviewersCallerWritesInTheTransactionCommitsWithTheReviewOrNeither()
    {
        StoredInference inference = reviewable(TestData.box(1, 0.91));
        long reviewsBefore = count("review");

        assertThatThrownBy(() -> lake.review(new NewReview(inference.id(), "dr-house", List.of(NewReviewBox.accepted(inference.boxes().get(0).id())), Optional.empty()),
                stored -> {
                    throw new IllegalStateException("the audit log refuses");
                })).hasMessageContaining("the audit log refuses");

        assertThat(count("review")).isEqualTo(reviewsBefore);
        assertThat(lake.latestReview(inference.id())).isEmpty();
    }

    @Test
    void theWorklistPutsTheMostAbnormalFirstButAStudyWaitingTooLongBeforeAll()
    {
        // This test spans two days of its own: later tests start after them.
        DAYS.addAndGet(2);
        Duration maxWait = Duration.ofHours(24);
        StoredInference oldLow = reviewable(TestData.box(1, 0.3));
        clock.advance(Duration.ofHours(1));
        StoredInference oldHigh = reviewable(TestData.box(1, 0.6));
        clock.advance(Duration.ofHours(30));
        StoredInference normal = reviewable();
        StoredInference high = reviewable(TestData.box(2, 0.95), TestData.box(3, 0.4));
        StoredInference middle = reviewable(TestData.box(2, 0.5));
        StoredInference reviewed = reviewable(TestData.box(4, 0.99));
        review(reviewed.id(), NewReviewBox.accepted(reviewed.boxes().get(0).id()));
        clock.advance(Duration.ofMinutes(1));
        Set<Long> mine = Set.of(oldLow.id(), oldHigh.id(), normal.id(), high.id(), middle.id(), reviewed.id());

        List<WorklistEntry> worklist = lake.worklist(10_000, maxWait).stream().filter(entry -> mine.contains(entry.inferenceId())).toList();

        // Waiting over 24 h: oldest first, whatever the score; then by the highest box score.
        assertThat(worklist).extracting(WorklistEntry::inferenceId).containsExactly(oldLow.id(), oldHigh.id(), high.id(), middle.id(), normal.id());
        assertThat(worklist).extracting(WorklistEntry::overdue).containsExactly(true, true, false, false, false);
        assertThat(worklist).extracting(WorklistEntry::score).containsExactly(0.3, 0.6, 0.95, 0.5, 0.0);
        assertThat(worklist.get(2).boxes()).isEqualTo(2);
        assertThat(worklist.get(2).image()).isEqualTo(high.image());
    }

    @Test
    void agreementCountsTheLatestReviewsDecisionsPerModelVersionAndClass()
    {
        List<String> classes = List.of("Nodule", "Effusion");
        lake.registerModel("agreement-test", "1", classes);
        IngestResult first = lake.ingest(TestData.newUpload(), new NewInference(0.5, 0.45, "agreement-test", "1", 10, Optional.empty(), List.of(
                new PredictedBox(0, "Nodule", 0.9, 1, 1, 20, 20), new PredictedBox(0, "Nodule", 0.8, 30, 30, 50, 50), new PredictedBox(1, "Effusion", 0.7, 60, 60, 90, 90))));
        IngestResult second = lake.ingest(TestData.newUpload(), new NewInference(0.5, 0.45, "agreement-test", "1", 10, Optional.empty(), List.of(
                new PredictedBox(1, "Effusion", 0.6, 1, 1, 20, 20))));
        StoredInference a = lake.inference(first.inferenceId()).orElseThrow();
        StoredInference b = lake.inference(second.inferenceId()).orElseThrow();
        long nodule1 = a.boxes().stream().filter(x -> x.score() == 0.9).findFirst().orElseThrow().id();
        long nodule2 = a.boxes().stream().filter(x -> x.score() == 0.8).findFirst().orElseThrow().id();
        long effusion = boxOfClass(a, 1);
        // Superseded: this first review of a is not counted.
        review(a.id(), NewReviewBox.rejected(nodule1), NewReviewBox.rejected(nodule2), NewReviewBox.rejected(effusion));
        review(a.id(), NewReviewBox.accepted(nodule1), NewReviewBox.corrected(nodule2, OptionalInt.empty(), Optional.of(new NewReviewBox.Corners(31, 31, 50, 50))),
                NewReviewBox.rejected(effusion), NewReviewBox.added(1, new NewReviewBox.Corners(100, 100, 200, 200)));
        review(b.id(), NewReviewBox.accepted(b.boxes().get(0).id()), NewReviewBox.added(0, new NewReviewBox.Corners(100, 100, 200, 200)),
                NewReviewBox.added(0, new NewReviewBox.Corners(300, 300, 400, 380)));

        List<ModelAgreement> agreement = lake.agreement().stream().filter(row -> row.modelName().equals("agreement-test")).toList();

        assertThat(agreement).containsExactly(
                new ModelAgreement("agreement-test", "1", 0, "Nodule", 1, 1, 0, 2),
                new ModelAgreement("agreement-test", "1", 1, "Effusion", 1, 0, 1, 1));
    }

    @Test
    void reviewsAreCountedAndReadInSettledPagesOfTheirImages()
    {
        StoredInference inference = reviewable(TestData.box(1, 0.91), TestData.box(2, 0.7));
        LakeRows rows = new LakeRows(database);
        LakeCounts before = rows.counts();
        StoredReview early = review(inference.id(), NewReviewBox.accepted(boxOfClass(inference, 1)), NewReviewBox.rejected(boxOfClass(inference, 2)));
        clock.advance(Duration.ofMinutes(10));
        StoredReview late = review(inference.id(), NewReviewBox.accepted(boxOfClass(inference, 1)), NewReviewBox.accepted(boxOfClass(inference, 2)));

        LakeCounts after = rows.counts();
        LakeRows.SettledReviews settled = rows.settledReviews(early.id() - 1, 100, late.reviewedAt());

        assertThat(after.reviews() - before.reviews()).isEqualTo(2);
        assertThat(after.reviewBoxes() - before.reviewBoxes()).isEqualTo(4);
        assertThat(rows.countsUpTo(new Watermark(0, 0, early.id())).reviews()).isEqualTo(before.reviews() + 1);
        assertThat(settled.reviews()).extracting(row -> row.review()).containsExactly(early);
        assertThat(settled.reviews().get(0).image()).isEqualTo(inference.image());
        assertThat(settled.last()).isTrue();
        assertThat(rows.reviews(early.id() - 1, late.id(), testStart, testStart.plus(Duration.ofDays(1)), 10))
                .extracting(LakeRows.ReviewOfImage::review).containsExactly(early, late);
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
