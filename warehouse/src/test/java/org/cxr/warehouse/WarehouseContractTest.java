package org.cxr.warehouse;

import org.cxr.lake.MutableClock;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import org.bson.BsonArray;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonNull;
import org.bson.BsonString;
import org.bson.BsonType;
import org.bson.BsonValue;
import org.bson.Document;
import org.cxr.lake.BoxRecord;
import org.cxr.lake.ContentHash;
import org.cxr.lake.IngestResult;
import org.cxr.lake.Lake;
import org.cxr.lake.LakeTables;
import org.cxr.lake.NewReview;
import org.cxr.lake.NewReviewBox;
import org.cxr.lake.ReviewBoxRecord;
import org.cxr.lake.StoredReview;
import org.cxr.lake.Upload;
import org.cxr.lake.embedded.EmbeddedS3;
import org.cxr.lake.store.ObjectStore;
import org.cxr.lake.NewInference;
import org.cxr.lake.MediaType;
import org.cxr.lake.PredictedBox;
import org.cxr.lake.sql.Database;
import org.cxr.lake.sql.DatabaseConfig;
import org.cxr.lake.pipeline.Watermark;
import org.cxr.lake.pipeline.Watermarks;
import org.cxr.lake.store.ObjectKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static java.util.function.Function.identity;
import static java.util.stream.Collectors.toMap;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * What the warehouse stage promises, run against each database the lake supports. The servers start once per class;
 * each test starts from an empty lake and writes into a database of its own in the warehouse.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class WarehouseContractTest
{
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static final WarehouseOptions NO_SETTLE_DELAY = WarehouseOptions.defaults().withSettleDelay(Duration.ZERO);

    private Database database;
    private LakeTables tables;
    private EmbeddedS3 s3;
    private ObjectStore store;
    private Lake lake;
    private EmbeddedWarehouse embedded;
    private MongoClient client;
    private final RecordedCommands commands = new RecordedCommands();
    private final MutableClock clock = new MutableClock(Instant.parse("2031-05-06T07:08:09.123456Z"));
    private MongoDatabase warehouse;

    /** Starts the lake's database server once for the class, with its files under the folder. */
    protected abstract DatabaseConfig startDatabase(Path folder)
            throws Exception;

    protected abstract void stopDatabase()
            throws Exception;

    @BeforeAll
    void startServers(@TempDir Path folder)
            throws Exception
    {
        database = Database.connect(startDatabase(folder.resolve("database")));
        database.migrate();
        tables = new LakeTables(database);
        s3 = EmbeddedS3.start(folder.resolve("s3"));
        store = ObjectStore.create(s3.config("cxr-images"));
        store.createBucketIfAbsent();
        lake = new Lake(database, store, clock);
        embedded = EmbeddedWarehouse.start(folder.resolve("warehouse"));
        client = client(embedded.config());
    }

    @AfterAll
    void stopServers()
            throws Exception
    {
        try (EmbeddedS3 ignoredS3 = s3; ObjectStore ignoredStore = store; EmbeddedWarehouse ignoredServer = embedded; MongoClient ignoredClient = client;
                Database ignoredDatabase = database) {
            // Closed in reverse order: pool, client, warehouse server, store, S3 server.
        }
        stopDatabase();
    }

    @BeforeEach
    void emptyLakeAndFreshWarehouse()
    {
        tables.deleteAll();
        warehouse = freshDatabase();
        commands.clear();
    }

    @Test
    void writesOneDocumentPerImageWithEveryInferenceAndItsDetections()
    {
        List<String> classes = List.of("Aortic enlargement", "Cardiomegaly", "ILD", "Infiltration", "Nodule/Mass");
        lake.registerModel("retinanet-r101", "2026.1", classes);
        Image image = newImage("chest.png");
        Instant first = clock.advance(Duration.ofMinutes(1));
        IngestResult firstInference = write(image, new NewInference(0.5, 0.45, "retinanet-r101", "2026.1", 1234, Optional.of("radiologist"),
                List.of(new PredictedBox(1, "Cardiomegaly", 0.91, 10.5, 20.25, 110.75, 220), new PredictedBox(4, "Nodule/Mass", 0.625, 300, 310, 340.5, 352))), first);
        Instant second = clock.advance(Duration.ofMinutes(1));
        IngestResult secondInference = write(image, new NewInference(0.3, 0.6, "cxr-demo-phantom", "1.0.0", 87, Optional.empty(),
                List.of(new PredictedBox(0, "Aortic enlargement", 0.4, 1, 2, 3, 4))), second);

        WarehouseRunResult result = warehouse().run();

        assertThat(result.pages()).isEqualTo(1);
        assertThat(result.inferencesRead()).isEqualTo(2);
        assertThat(result.boxesRead()).isEqualTo(3);
        assertThat(result.documentsInserted()).isEqualTo(1);
        assertThat(result.documentsUpdated()).isZero();
        assertThat(result.inferencesAppended()).isEqualTo(2);
        assertThat(result.watermark()).isEqualTo(new Watermark(0, secondInference.inferenceId(), 0));

        List<BsonDocument> stored = warehouse.getCollection("images", BsonDocument.class).find().into(new ArrayList<>());
        assertThat(stored).hasSize(1);
        BsonDocument document = stored.get(0);
        assertThat(document.keySet()).containsExactly(
                "_id", "imageId", "bucket", "objectKey", "fileName", "mediaType", "width", "height", "sizeBytes", "firstSeen", "inferences");
        assertThat(document.get("_id")).isEqualTo(string(image.sha256()));
        assertThat(document.get("imageId")).isEqualTo(int64(firstInference.imageId()));
        assertThat(document.get("bucket")).isEqualTo(string("cxr-images"));
        assertThat(document.get("objectKey")).isEqualTo(string(image.objectKey()));
        assertThat(document.get("fileName")).isEqualTo(string("chest.png"));
        assertThat(document.get("mediaType")).isEqualTo(string("image/png"));
        assertThat(document.get("width")).isEqualTo(int32(512));
        assertThat(document.get("height")).isEqualTo(int32(384));
        assertThat(document.get("sizeBytes")).isEqualTo(int64(4096));
        assertThat(document.get("firstSeen")).isEqualTo(date(first));

        BsonArray inferences = document.getArray("inferences");
        assertThat(inferences).hasSize(2);
        BsonDocument firstStored = inferences.get(0).asDocument();
        assertThat(firstStored.keySet()).containsExactly("inferenceId", "createdAt", "model", "thresholds", "durationMs", "user", "detections", "reviews");
        // Reviews follow in pages of their own; none yet.
        assertThat(firstStored.getArray("reviews")).isEmpty();
        assertThat(firstStored.get("inferenceId")).isEqualTo(int64(firstInference.inferenceId()));
        assertThat(firstStored.get("createdAt")).isEqualTo(date(first));
        // The classes of its model travel with each inference, so a class id is read as the name that model gave it.
        assertThat(firstStored.get("model")).isEqualTo(new BsonDocument("name", string("retinanet-r101")).append("version", string("2026.1"))
                .append("classes", new BsonArray(classes.stream().map(BsonString::new).toList())));
        assertThat(firstStored.get("thresholds")).isEqualTo(new BsonDocument("confidence", float64(0.5)).append("nmsIou", float64(0.45)));
        assertThat(firstStored.get("durationMs")).isEqualTo(int64(1234));
        assertThat(firstStored.get("user")).isEqualTo(string("radiologist"));
        List<Long> boxIds = boxIds(firstInference.inferenceId());
        assertThat(firstStored.getArray("detections").getValues()).containsExactly(
                detection(boxIds.get(0), 1, "Cardiomegaly", 0.91, 10.5, 20.25, 110.75, 220),
                detection(boxIds.get(1), 4, "Nodule/Mass", 0.625, 300, 310, 340.5, 352));

        BsonDocument secondStored = inferences.get(1).asDocument();
        assertThat(secondStored.keySet()).containsExactly("inferenceId", "createdAt", "model", "thresholds", "durationMs", "user", "detections", "reviews");
        assertThat(secondStored.get("inferenceId")).isEqualTo(int64(secondInference.inferenceId()));
        assertThat(secondStored.get("createdAt")).isEqualTo(date(second));
        assertThat(secondStored.get("durationMs")).isEqualTo(int64(87));
        // A model that was never registered (its inferences were stored before the lake kept models) has no classes.
        assertThat(secondStored.getDocument("model").getArray("classes")).isEmpty();
        assertThat(secondStored.get("user").getBsonType()).isEqualTo(BsonType.NULL);
        assertThat(secondStored.getArray("detections").getValues()).containsExactly(
                detection(boxIds(secondInference.inferenceId()).get(0), 0, "Aortic enlargement", 0.4, 1, 2, 3, 4));

        // The read API returns the same document as records.
        ImageDocument read = new WarehouseReader(warehouse).image(image.sha256()).orElseThrow();
        assertThat(read.imageId()).isEqualTo(firstInference.imageId());
        assertThat(read.mediaType()).isEqualTo(MediaType.PNG);
        assertThat(read.firstSeen()).isEqualTo(first.truncatedTo(ChronoUnit.MILLIS));
        assertThat(read.inferences()).containsExactly(
                new InferenceDocument(firstInference.inferenceId(), first.truncatedTo(ChronoUnit.MILLIS), "retinanet-r101", "2026.1", classes, 0.5, 0.45, 1234, Optional.of("radiologist"), List.of(
                        new Detection(boxIds.get(0), 1, "Cardiomegaly", 0.91, 10.5, 20.25, 110.75, 220),
                        new Detection(boxIds.get(1), 4, "Nodule/Mass", 0.625, 300, 310, 340.5, 352)), List.of()),
                new InferenceDocument(secondInference.inferenceId(), second.truncatedTo(ChronoUnit.MILLIS), "cxr-demo-phantom", "1.0.0", List.of(), 0.3, 0.6, 87, Optional.empty(), List.of(
                        new Detection(boxIds(secondInference.inferenceId()).get(0), 0, "Aortic enlargement", 0.4, 1, 2, 3, 4)), List.of()));
    }

    @Test
    void aLaterRunAppendsOnlyTheNewInferences()
    {
        Image seenTwice = newImage("twice.png");
        IngestResult first = ingest(seenTwice, 1);
        ingest(newImage("once.png"), 2);
        WarehouseRunResult firstRun = warehouse().run();
        assertThat(firstRun.documentsInserted()).isEqualTo(2);

        IngestResult again = ingest(seenTwice, 0);
        Image fresh = newImage("new.png");
        IngestResult freshInference = ingest(fresh, 3);
        WarehouseRunResult secondRun = warehouse().run();

        assertThat(secondRun.inferencesRead()).isEqualTo(2);
        assertThat(secondRun.boxesRead()).isEqualTo(3);
        assertThat(secondRun.documentsInserted()).isEqualTo(1);
        assertThat(secondRun.documentsUpdated()).isEqualTo(1);
        assertThat(secondRun.inferencesAppended()).isEqualTo(2);
        assertThat(secondRun.watermark().inferenceId()).isEqualTo(freshInference.inferenceId());

        Map<String, ImageDocument> documents = documents().stream().collect(toMap(ImageDocument::sha256, identity()));
        assertThat(documents).hasSize(3);
        assertThat(inferenceIds(documents.get(seenTwice.sha256()))).containsExactly(first.inferenceId(), again.inferenceId());
        assertThat(inferenceIds(documents.get(fresh.sha256()))).containsExactly(freshInference.inferenceId());
        assertThat(new WarehouseReader(warehouse).counts()).isEqualTo(new WarehouseCounts(3, 4, 6, 0, 0));
    }

    @Test
    void aRunWithNothingNewWritesNothing()
    {
        ingest(newImage("a.png"), 2);
        ingest(newImage("b.png"), 1);
        WarehouseRunResult firstRun = warehouse().run();
        List<ImageDocument> before = documents();
        commands.clear();

        WarehouseRunResult secondRun = warehouse().run();

        assertThat(secondRun.pages()).isZero();
        assertThat(secondRun.inferencesRead()).isZero();
        assertThat(secondRun.documentsInserted() + secondRun.documentsUpdated() + secondRun.inferencesAppended()).isZero();
        assertThat(secondRun.watermark()).isEqualTo(firstRun.watermark());
        assertThat(commands.writes()).isEmpty();
        assertThat(documents()).isEqualTo(before);
    }

    @Test
    void aRunThatRepeatsWrittenPagesDuplicatesNothing()
    {
        // A crash after a page's bulk write but before its watermark update: the next run writes the page again.
        Image twice = newImage("twice.png");
        ingest(twice, 1);
        ingest(newImage("other.png"), 2);
        ingest(twice, 3);
        warehouse(2).run();
        List<ImageDocument> before = documents();
        resetWatermark();
        commands.clear();

        WarehouseRunResult rerun = warehouse(2).run();

        assertThat(rerun.inferencesRead()).isEqualTo(3);
        assertThat(rerun.documentsInserted()).isZero();
        assertThat(rerun.documentsUpdated()).isZero();
        assertThat(rerun.inferencesAppended()).isZero();
        assertThat(commands.writes()).isEmpty();
        assertThat(documents()).isEqualTo(before);
        assertThat(new WarehouseReader(warehouse).counts()).isEqualTo(new WarehouseCounts(2, 3, 6, 0, 0));
    }

    @Test
    void aPartlyAppliedBulkWriteIsCompletedByTheNextRun()
    {
        // An unordered bulk write that failed half-way: one new document missing, one existing document without one
        // of its new inferences. The next run may cut its pages differently.
        Image kept = newImage("kept.png");
        Image lost = newImage("lost.png");
        IngestResult keptFirst = ingest(kept, 1);
        IngestResult keptSecond = ingest(kept, 2);
        ingest(lost, 3);
        ingest(lost, 0);
        ingest(newImage("whole.png"), 1);
        warehouse(2).run();
        MongoCollection<Document> images = warehouse.getCollection("images");
        images.deleteOne(Filters.eq("_id", lost.sha256()));
        images.updateOne(Filters.eq("_id", kept.sha256()), Updates.pull("inferences", Filters.eq("inferenceId", keptSecond.inferenceId())));
        resetWatermark();

        WarehouseRunResult rerun = warehouse(3).run();

        assertThat(rerun.inferencesRead()).isEqualTo(5);
        assertThat(rerun.documentsInserted()).isEqualTo(1);
        // The kept image, and the lost one again on the second page (counts are per page).
        assertThat(rerun.documentsUpdated()).isEqualTo(2);
        assertThat(rerun.inferencesAppended()).isEqualTo(3);
        assertThat(inferenceIds(new WarehouseReader(warehouse).image(kept.sha256()).orElseThrow()))
                .containsExactly(keptFirst.inferenceId(), keptSecond.inferenceId());
        assertThat(documents()).isEqualTo(documentsOfACleanRun());
    }

    @Test
    void aRunThatLosesTheWarehouseMidwayKeepsItsWrittenPagesAndTheNextRunConverges(@TempDir Path folder)
    {
        for (int i = 0; i < 5; i++) {
            ingest(i % 2 == 0 ? newImage("image-" + i + ".png") : newImage("other-" + i + ".png"), i % 3);
        }
        clock.advance(Duration.ofSeconds(1));
        EmbeddedWarehouse server = EmbeddedWarehouse.start(folder);
        int port = server.port();
        WarehouseRunException failure;
        try (MongoClient shortLived = MongoClients.create(server.connectionString() + "/?serverSelectionTimeoutMS=500&connectTimeoutMS=500")) {
            Warehouse warehouse = new Warehouse(database, shortLived.getDatabase("x_ray"), NO_SETTLE_DELAY.withPageSize(2), clock);
            failure = catchThrowableOfType(WarehouseRunException.class, () -> warehouse.run(progress -> server.close()));
        }

        assertThat(failure).isNotNull();
        assertThat(failure.progress().pages()).isEqualTo(1);
        assertThat(failure.progress().inferencesRead()).isEqualTo(2);
        long afterFirstPage = failure.progress().watermark().inferenceId();
        assertThat(new Watermarks(database, clock).read(Warehouse.STAGE).inferenceId()).isEqualTo(afterFirstPage);

        try (EmbeddedWarehouse restarted = EmbeddedWarehouse.start(folder, port);
                MongoClient restartedClient = client(restarted.config())) {
            MongoDatabase documents = restartedClient.getDatabase("x_ray");
            // The first page survived the restart.
            assertThat(new WarehouseReader(documents).counts().inferences()).isEqualTo(2);

            WarehouseRunResult rerun = new Warehouse(database, documents, NO_SETTLE_DELAY.withPageSize(2), clock).run();

            assertThat(rerun.pages()).isEqualTo(2);
            assertThat(rerun.inferencesRead()).isEqualTo(3);
            assertThat(rerun.inferencesAppended()).isEqualTo(3);
            try (Stream<ImageDocument> converged = new WarehouseReader(documents).images()) {
                assertThat(converged.toList()).isEqualTo(documentsOfACleanRun());
            }
        }
    }

    @Test
    void advancesTheWatermarkPageByPageOnlyOnceThePageIsStored()
    {
        List<IngestResult> ingested = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ingested.add(ingest(newImage("page-" + i + ".png"), 1));
        }
        Watermarks watermarks = new Watermarks(database, clock);
        List<Long> watermarksSeen = new ArrayList<>();

        WarehouseRunResult result = warehouse(2).run(progress -> {
            long watermark = watermarks.read(Warehouse.STAGE).inferenceId();
            watermarksSeen.add(watermark);
            assertThat(progress.watermark().inferenceId()).isEqualTo(watermark);
            assertThat(documents()).flatExtracting(WarehouseContractTest::inferenceIds).contains(watermark);
        });

        assertThat(result.pages()).isEqualTo(3);
        assertThat(watermarksSeen).containsExactly(ingested.get(1).inferenceId(), ingested.get(3).inferenceId(), ingested.get(4).inferenceId());
    }

    @Test
    void takesOnlyInferencesOlderThanTheSettleDelayAndStopsAtTheFirstYoungerOne()
    {
        Instant now = clock.advance(Duration.ofHours(1));
        IngestResult old = write(newImage("old.png"), inference(1), now.minusSeconds(120));
        // A lower id with a later time: its transaction took its id first, and others may still be writing theirs.
        IngestResult young = write(newImage("young.png"), inference(1), now.minusSeconds(30));
        IngestResult olderButLater = write(newImage("older.png"), inference(1), now.minusSeconds(90));
        Warehouse warehouse = new Warehouse(database, this.warehouse, WarehouseOptions.defaults(), clock);

        WarehouseRunResult early = warehouse.run();

        assertThat(early.cutoff()).isEqualTo(now.minusSeconds(60));
        assertThat(early.inferencesRead()).isEqualTo(1);
        assertThat(early.watermark().inferenceId()).isEqualTo(old.inferenceId());
        assertThat(documents()).extracting(ImageDocument::fileName).containsExactly("old.png");

        clock.advance(Duration.ofSeconds(31));
        WarehouseRunResult later = warehouse.run();

        assertThat(later.inferencesRead()).isEqualTo(2);
        assertThat(later.watermark().inferenceId()).isEqualTo(olderButLater.inferenceId());
        assertThat(documents()).flatExtracting(WarehouseContractTest::inferenceIds)
                .containsExactlyInAnyOrder(old.inferenceId(), young.inferenceId(), olderButLater.inferenceId());
    }

    @Test
    void readsEveryDocumentInHashOrderABatchAtATimeAndCountsThem()
    {
        List<String> hashes = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Image image = newImage("read-" + i + ".png");
            hashes.add(image.sha256());
            ingest(image, i);
        }
        ingest(newImage("read-again.png"), 2);
        warehouse().run();
        WarehouseReader reader = new WarehouseReader(warehouse, 2);

        List<String> streamed;
        try (Stream<ImageDocument> images = reader.images()) {
            streamed = images.map(ImageDocument::sha256).toList();
        }

        assertThat(streamed).hasSize(6).isSorted().containsAll(hashes);
        assertThat(reader.images(Optional.of(streamed.get(3)), 10)).extracting(ImageDocument::sha256).containsExactly(streamed.get(4), streamed.get(5));
        assertThat(reader.images(Optional.empty(), 1)).extracting(ImageDocument::sha256).containsExactly(streamed.get(0));
        assertThat(reader.counts()).isEqualTo(new WarehouseCounts(6, 6, 0 + 1 + 2 + 3 + 4 + 2, 0, 0));
        assertThat(reader.image(ContentHash.sha256(new byte[] {1}))).isEmpty();
        assertThat(new WarehouseReader(freshDatabase()).counts()).isEqualTo(new WarehouseCounts(0, 0, 0, 0, 0));
    }

    @Test
    void indexesInferenceIdsClassIdsAndTimes()
    {
        ingest(newImage("indexed.png"), 1);

        warehouse().run();

        List<Document> keys = warehouse.getCollection("images").listIndexes().map(index -> index.get("key", Document.class)).into(new ArrayList<>());
        assertThat(keys).contains(
                new Document("inferences.inferenceId", 1),
                new Document("inferences.detections.classId", 1),
                new Document("inferences.createdAt", 1));
    }

    @Test
    void aReviewThatArrivesAfterItsInferenceIsNestedInItAndALaterReviewIsKeptAfterIt()
    {
        registerDemoModel();
        Image image = newImage("reviewed.png");
        IngestResult reviewed = ingest(image, 2);
        IngestResult notReviewed = ingest(image, 1);
        warehouse().run();
        List<Long> boxes = boxIds(reviewed.inferenceId());
        StoredReview first = review(reviewed.inferenceId(), Optional.of("left base"),
                NewReviewBox.accepted(boxes.get(0)),
                NewReviewBox.corrected(boxes.get(1), OptionalInt.of(3), Optional.of(new NewReviewBox.Corners(5, 6, 50.5, 60))),
                NewReviewBox.added(4, new NewReviewBox.Corners(100, 100, 200, 150)));

        WarehouseRunResult afterFirst = warehouse().run();

        assertThat(afterFirst.pages()).isEqualTo(1);
        assertThat(afterFirst.inferencesRead()).isZero();
        assertThat(afterFirst.reviewsRead()).isEqualTo(1);
        assertThat(afterFirst.reviewBoxesRead()).isEqualTo(3);
        assertThat(afterFirst.reviewsAppended()).isEqualTo(1);
        assertThat(afterFirst.documentsInserted() + afterFirst.documentsUpdated() + afterFirst.inferencesAppended()).isZero();
        assertThat(afterFirst.watermark()).isEqualTo(new Watermark(0, notReviewed.inferenceId(), first.id()));

        // Reviewed again: the later review supersedes the first, and both are kept, in review id order.
        StoredReview second = review(reviewed.inferenceId(), Optional.empty(), NewReviewBox.rejected(boxes.get(0)), NewReviewBox.rejected(boxes.get(1)));
        WarehouseRunResult afterSecond = warehouse().run();

        assertThat(afterSecond.reviewsAppended()).isEqualTo(1);
        assertThat(afterSecond.watermark().reviewId()).isEqualTo(second.id());
        BsonArray inferences = warehouse.getCollection("images", BsonDocument.class).find().first().getArray("inferences");
        assertThat(inferences.get(1).asDocument().getArray("reviews")).isEmpty();
        BsonArray reviews = inferences.get(0).asDocument().getArray("reviews");
        assertThat(reviews).hasSize(2);
        BsonDocument firstStored = reviews.get(0).asDocument();
        assertThat(firstStored.keySet()).containsExactly("reviewId", "reviewer", "reviewedAt", "comment", "boxes");
        assertThat(firstStored.get("reviewId")).isEqualTo(int64(first.id()));
        assertThat(firstStored.get("reviewer")).isEqualTo(string("dr-house"));
        assertThat(firstStored.get("reviewedAt")).isEqualTo(date(first.reviewedAt()));
        assertThat(firstStored.get("comment")).isEqualTo(string("left base"));
        List<Long> decisions = first.boxes().stream().map(ReviewBoxRecord::id).toList();
        assertThat(firstStored.getArray("boxes").getValues()).containsExactly(
                reviewedBox(decisions.get(0), int64(boxes.get(0)), "accepted", label(0, "class 0", 0, 0, 10, 20)),
                reviewedBox(decisions.get(1), int64(boxes.get(1)), "corrected", label(3, "class 3", 5, 6, 50.5, 60)),
                reviewedBox(decisions.get(2), BsonNull.VALUE, "added", label(4, "class 4", 100, 100, 200, 150)));
        BsonDocument secondStored = reviews.get(1).asDocument();
        assertThat(secondStored.get("reviewId")).isEqualTo(int64(second.id()));
        assertThat(secondStored.get("comment")).isEqualTo(BsonNull.VALUE);
        assertThat(secondStored.getArray("boxes").getValues()).containsExactly(
                reviewedBox(second.boxes().get(0).id(), int64(boxes.get(0)), "rejected", BsonNull.VALUE),
                reviewedBox(second.boxes().get(1).id(), int64(boxes.get(1)), "rejected", BsonNull.VALUE));

        // The read API gives the same reviews as records (times to the millisecond, as BSON keeps them).
        InferenceDocument read = new WarehouseReader(warehouse).image(image.sha256()).orElseThrow().inferences().get(0);
        assertThat(read.reviews()).containsExactly(asStored(first), asStored(second));
        assertThat(new WarehouseReader(warehouse).counts()).isEqualTo(new WarehouseCounts(1, 2, 3, 2, 5));
        assertThat(documents()).isEqualTo(documentsOfACleanRun());
    }

    @Test
    void anInferenceReviewedBeforeTheWarehouseCopiedItGetsItsReviewInTheSameRun()
    {
        registerDemoModel();
        IngestResult inference = ingest(newImage("early.png"), 1);
        StoredReview review = review(inference.inferenceId(), Optional.empty(), NewReviewBox.accepted(boxIds(inference.inferenceId()).get(0)));

        WarehouseRunResult result = warehouse().run();

        // The inferences first, then the reviews: one page of each.
        assertThat(result.pages()).isEqualTo(2);
        assertThat(result.documentsInserted()).isEqualTo(1);
        assertThat(result.inferencesAppended()).isEqualTo(1);
        assertThat(result.reviewsAppended()).isEqualTo(1);
        assertThat(result.watermark()).isEqualTo(new Watermark(0, inference.inferenceId(), review.id()));
        assertThat(documents().get(0).inferences().get(0).reviews()).containsExactly(asStored(review));
    }

    @Test
    void aRunThatRepeatsWrittenReviewPagesDuplicatesNoReviewAndRestoresOneThatWasLost()
    {
        registerDemoModel();
        Image twice = newImage("twice.png");
        IngestResult firstOfTwice = ingest(twice, 1);
        IngestResult other = ingest(newImage("other.png"), 2);
        IngestResult secondOfTwice = ingest(twice, 1);
        review(firstOfTwice.inferenceId(), Optional.empty(), NewReviewBox.accepted(boxIds(firstOfTwice.inferenceId()).get(0)));
        review(other.inferenceId(), Optional.of("two"), boxIds(other.inferenceId()).stream().map(NewReviewBox::rejected).toArray(NewReviewBox[]::new));
        review(secondOfTwice.inferenceId(), Optional.empty(), NewReviewBox.accepted(boxIds(secondOfTwice.inferenceId()).get(0)));
        StoredReview again = review(firstOfTwice.inferenceId(), Optional.of("again"), NewReviewBox.rejected(boxIds(firstOfTwice.inferenceId()).get(0)));
        warehouse(2).run();
        List<ImageDocument> before = documents();
        assertThat(before).flatExtracting(ImageDocument::inferences).flatExtracting(InferenceDocument::reviews).hasSize(4);
        // A crash after a review page's bulk write but before its watermark moved: the next run writes the pages again.
        forgetReviews(secondOfTwice.inferenceId());
        commands.clear();

        WarehouseRunResult rerun = warehouse(2).run();

        assertThat(rerun.inferencesRead()).isZero();
        assertThat(rerun.reviewsRead()).isEqualTo(4);
        assertThat(rerun.reviewsAppended()).isZero();
        assertThat(rerun.pages()).isEqualTo(2);
        assertThat(commands.writes()).isEmpty();
        assertThat(documents()).isEqualTo(before);

        // A bulk write that failed half-way: the second review of the first inference did not arrive.
        warehouse.getCollection("images").updateOne(Filters.eq("_id", twice.sha256()), Updates.pull("inferences.0.reviews", Filters.eq("reviewId", again.id())));
        forgetReviews(secondOfTwice.inferenceId());

        WarehouseRunResult completing = warehouse(2).run();

        assertThat(completing.reviewsAppended()).isEqualTo(1);
        assertThat(documents()).isEqualTo(before);
        assertThat(new WarehouseReader(warehouse).counts()).isEqualTo(new WarehouseCounts(2, 3, 4, 4, 1 + 2 + 1 + 1));
    }

    @Test
    void aReviewOfAnInferenceTheWarehouseDoesNotHoldYetEndsTheReviewPagesUntilALaterRunCopiesIt()
    {
        registerDemoModel();
        Instant now = clock.advance(Duration.ofHours(1));
        IngestResult settled = write(newImage("settled.png"), inference(1), now.minusSeconds(300));
        // A lower id with a later time: the inference pages stop before it, and so before the older one that follows.
        IngestResult young = write(newImage("young.png"), inference(1), now.minusSeconds(30));
        IngestResult older = write(newImage("older.png"), inference(1), now.minusSeconds(200));
        StoredReview ofOlder = reviewAt(now.minusSeconds(120), older.inferenceId(), NewReviewBox.accepted(boxIds(older.inferenceId()).get(0)));
        StoredReview ofSettled = reviewAt(now.minusSeconds(110), settled.inferenceId(), NewReviewBox.rejected(boxIds(settled.inferenceId()).get(0)));
        Warehouse warehouse = new Warehouse(database, this.warehouse, WarehouseOptions.defaults(), clock);

        WarehouseRunResult early = warehouse.run();

        // Both reviews are old enough, but the first is of an inference the warehouse does not hold yet: the review
        // pages stop at it, and the review after it waits too, so that the watermark does not pass the first.
        assertThat(early.inferencesRead()).isEqualTo(1);
        assertThat(early.reviewsRead()).isZero();
        assertThat(early.watermark()).isEqualTo(new Watermark(0, settled.inferenceId(), 0));
        assertThat(documents()).flatExtracting(ImageDocument::inferences).flatExtracting(InferenceDocument::reviews).isEmpty();

        Instant later = clock.advance(Duration.ofSeconds(31));
        // Made within the settle delay: the next run leaves it for a later one.
        reviewAt(later.minusSeconds(10), young.inferenceId(), NewReviewBox.accepted(boxIds(young.inferenceId()).get(0)));
        WarehouseRunResult second = warehouse.run();

        assertThat(second.inferencesRead()).isEqualTo(2);
        assertThat(second.reviewsRead()).isEqualTo(2);
        assertThat(second.reviewsAppended()).isEqualTo(2);
        assertThat(second.watermark()).isEqualTo(new Watermark(0, older.inferenceId(), ofSettled.id()));
        Map<String, ImageDocument> documents = documents().stream().collect(toMap(ImageDocument::fileName, identity()));
        assertThat(documents.get("older.png").inferences().get(0).reviews()).containsExactly(asStored(ofOlder));
        assertThat(documents.get("settled.png").inferences().get(0).reviews()).containsExactly(asStored(ofSettled));
        assertThat(documents.get("young.png").inferences().get(0).reviews()).isEmpty();
    }

    @Test
    void aReviewWhoseInferenceTheWarehouseLostFailsTheRunAndKeepsItsWatermark()
    {
        registerDemoModel();
        Image image = newImage("lost.png");
        IngestResult inference = ingest(image, 1);
        warehouse().run();
        warehouse.getCollection("images").deleteOne(Filters.eq("_id", image.sha256()));
        StoredReview review = review(inference.inferenceId(), Optional.empty(), NewReviewBox.accepted(boxIds(inference.inferenceId()).get(0)));

        WarehouseRunException failure = catchThrowableOfType(WarehouseRunException.class, () -> warehouse().run());

        assertThat(failure).isNotNull();
        assertThat(failure.getMessage()).contains("Review " + review.id() + " is of inference " + inference.inferenceId(), "does not hold");
        assertThat(failure.progress().watermark().reviewId()).isZero();
        assertThat(new Watermarks(database, clock).read(Warehouse.STAGE).reviewId()).isZero();
    }

    @Test
    void sendsOnlyWhatDocumentDbSupports()
    {
        registerDemoModel();
        Image twice = newImage("twice.png");
        IngestResult reviewed = ingest(twice, 2);
        ingest(newImage("once.png"), 1);
        warehouse(1).run();
        ingest(twice, 3);
        warehouse(1).run();
        review(reviewed.inferenceId(), Optional.empty(), boxIds(reviewed.inferenceId()).stream().map(NewReviewBox::accepted).toArray(NewReviewBox[]::new));
        warehouse(1).run();
        WarehouseReader reader = new WarehouseReader(warehouse, 1);
        try (Stream<ImageDocument> images = reader.images()) {
            assertThat(images.count()).isEqualTo(2);
        }
        reader.counts();

        assertThat(commands.writes()).isNotEmpty();
        assertThat(commands.fieldNames())
                .contains("$setOnInsert", "$push", "$ne", "$elemMatch", "$unwind", "$group", "$ifNull")
                .doesNotContainAnyElementsOf(ForbiddenOperatorsTest.FORBIDDEN)
                // No retryable writes and no transactions: DocumentDB refuses the one, and the stage needs neither.
                .doesNotContain("txnNumber", "startTransaction", "autocommit");
        assertThat(commands.all()).extracting(BsonDocument::getFirstKey).doesNotContain("commitTransaction", "abortTransaction");
    }

    private static final List<String> DEMO_CLASSES = List.of("class 0", "class 1", "class 2", "class 3", "class 4");

    /** The model of {@link #inference(int)}: a review is checked against its model's classes. */
    private void registerDemoModel()
    {
        lake.registerModel("cxr-demo-phantom", "1.0.0", DEMO_CLASSES);
    }

    /** Dr House's review of the inference, a second from now. */
    private StoredReview review(long inferenceId, Optional<String> comment, NewReviewBox... boxes)
    {
        Instant at = clock.advance(Duration.ofSeconds(1));
        return reviewAt(at, inferenceId, comment, boxes);
    }

    private StoredReview reviewAt(Instant at, long inferenceId, NewReviewBox... boxes)
    {
        return reviewAt(at, inferenceId, Optional.empty(), boxes);
    }

    /** Stores the review as made at that time; the clock then shows the time it showed before. */
    private StoredReview reviewAt(Instant at, long inferenceId, Optional<String> comment, NewReviewBox... boxes)
    {
        Instant now = clock.instant();
        clock.set(at);
        try {
            return lake.review(new NewReview(inferenceId, "dr-house", List.of(boxes), comment), stored -> {});
        }
        finally {
            clock.set(now);
        }
    }

    /** The review as the warehouse gives it back. */
    private static ReviewDocument asStored(StoredReview review)
    {
        return new ReviewDocument(review.id(), review.review().reviewer(), review.reviewedAt().truncatedTo(ChronoUnit.MILLIS), review.review().comment(),
                review.boxes().stream().map(box -> new ReviewedBox(box.id(), box.predictedBoxId(), box.decision(), box.label())).toList());
    }

    /** Sets the stage's watermark back to the first review, leaving its inferences as they are. */
    private void forgetReviews(long inferenceId)
    {
        resetWatermark();
        new Watermarks(database, clock).advance(Warehouse.STAGE, new Watermark(0, inferenceId, 0));
    }

    private Warehouse warehouse()
    {
        return warehouse(WarehouseOptions.DEFAULT_PAGE_SIZE);
    }

    private Warehouse warehouse(int pageSize)
    {
        clock.advance(Duration.ofSeconds(1));
        return new Warehouse(database, warehouse, NO_SETTLE_DELAY.withPageSize(pageSize), clock);
    }

    /** What an uninterrupted run from an empty warehouse writes; uses the stage's watermark, so call it last. */
    private List<ImageDocument> documentsOfACleanRun()
    {
        resetWatermark();
        MongoDatabase clean = freshDatabase();
        new Warehouse(database, clean, NO_SETTLE_DELAY, clock).run();
        try (Stream<ImageDocument> images = new WarehouseReader(clean).images()) {
            List<ImageDocument> documents = images.toList();
            assertThat(documents).isNotEmpty();
            return documents;
        }
    }

    private List<ImageDocument> documents()
    {
        try (Stream<ImageDocument> images = new WarehouseReader(warehouse).images()) {
            return images.toList();
        }
    }

    private void resetWatermark()
    {
        assertThat(tables.forgetWatermark(Warehouse.STAGE)).isEqualTo(1);
    }

    private MongoDatabase freshDatabase()
    {
        return client.getDatabase("warehouse_test_" + DATABASES.incrementAndGet());
    }

    private MongoClient client(WarehouseConfig config)
    {
        return MongoClients.create(MongoClientSettings.builder(WarehouseClients.settings(config)).addCommandListener(commands).build());
    }

    private IngestResult ingest(Image image, int boxes)
    {
        return write(image, inference(boxes), clock.advance(Duration.ofSeconds(1)));
    }

    /** Stores the upload as made at that time; the clock then shows the time it showed before. */
    private IngestResult write(Image image, NewInference inference, Instant at)
    {
        Instant now = clock.instant();
        clock.set(at);
        try {
            return lake.ingest(image.upload(), inference);
        }
        finally {
            clock.set(now);
        }
    }

    private static NewInference inference(int boxes)
    {
        List<PredictedBox> predicted = new ArrayList<>();
        for (int i = 0; i < boxes; i++) {
            predicted.add(new PredictedBox(i % 5, "class " + (i % 5), 0.9 - i * 0.1, i, i, i + 10, i + 20));
        }
        return new NewInference(0.5, 0.5, "cxr-demo-phantom", "1.0.0", 42, Optional.of("tester"), predicted);
    }

    private static Image newImage(String fileName)
    {
        byte[] bytes = new byte[4096];
        ThreadLocalRandom.current().nextBytes(bytes);
        System.arraycopy(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, 0, bytes, 0, 8);
        return new Image(new Upload(bytes, fileName, MediaType.PNG, 512, 384), ContentHash.sha256(bytes));
    }

    /** An upload and what the lake will call it. */
    private record Image(Upload upload, String sha256)
    {
        String objectKey()
        {
            return ObjectKeys.image(sha256, MediaType.PNG);
        }
    }

    private List<Long> boxIds(long inferenceId)
    {
        return lake.inference(inferenceId).orElseThrow().boxes().stream().map(BoxRecord::id).sorted().toList();
    }

    private static List<Long> inferenceIds(ImageDocument document)
    {
        return document.inferences().stream().map(InferenceDocument::inferenceId).toList();
    }

    private static BsonDocument detection(long boxId, int classId, String className, double score, double xMin, double yMin, double xMax, double yMax)
    {
        return new BsonDocument()
                .append("boxId", int64(boxId))
                .append("classId", int32(classId))
                .append("className", string(className))
                .append("score", float64(score))
                .append("box", new BsonDocument()
                        .append("xMin", float64(xMin))
                        .append("yMin", float64(yMin))
                        .append("xMax", float64(xMax))
                        .append("yMax", float64(yMax)));
    }

    private static BsonDocument reviewedBox(long reviewBoxId, BsonValue predictedBoxId, String decision, BsonValue label)
    {
        return new BsonDocument()
                .append("reviewBoxId", int64(reviewBoxId))
                .append("predictedBoxId", predictedBoxId)
                .append("decision", string(decision))
                .append("label", label);
    }

    private static BsonDocument label(int classId, String className, double xMin, double yMin, double xMax, double yMax)
    {
        return new BsonDocument()
                .append("classId", int32(classId))
                .append("className", string(className))
                .append("box", new BsonDocument()
                        .append("xMin", float64(xMin))
                        .append("yMin", float64(yMin))
                        .append("xMax", float64(xMax))
                        .append("yMax", float64(yMax)));
    }

    private static BsonValue string(String value)
    {
        return new BsonString(value);
    }

    private static BsonValue int32(int value)
    {
        return new BsonInt32(value);
    }

    private static BsonValue int64(long value)
    {
        return new BsonInt64(value);
    }

    private static BsonValue float64(double value)
    {
        return new BsonDouble(value);
    }

    private static BsonValue date(Instant instant)
    {
        return new BsonDateTime(instant.toEpochMilli());
    }
}
