package org.cxr.spark;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.cxr.lake.LakeRangeQueries;
import org.cxr.lake.LakeRows;
import org.cxr.lake.StoredInference;
import org.cxr.lake.StoredReview;
import org.cxr.lake.pipeline.Watermark;
import org.cxr.lake.pipeline.Watermarks;
import org.cxr.lake.sql.Database;
import org.cxr.warehouse.DocumentWriter;
import org.cxr.warehouse.ImageDocument;
import org.cxr.warehouse.InferenceDocument;
import org.cxr.warehouse.LakeDocuments;
import org.cxr.warehouse.PendingReview;
import org.cxr.warehouse.Warehouse;
import org.cxr.warehouse.WarehouseClients;
import org.cxr.warehouse.WarehouseIndexes;
import org.cxr.warehouse.WarehouseOptions;
import org.cxr.warehouse.WarehouseRunResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.col;

/**
 * Stage 4 as a Spark job: the warehouse stage's documents, written by the warehouse module's {@link DocumentWriter}
 * from many tasks at once. The run takes what the single-machine stage would take now (settled inferences after the
 * watermark, then settled reviews of the inferences the warehouse then holds), reads them with the lake's range
 * queries, gathers each image's rows in one task (partitioned by the image's SHA-256), makes the documents with
 * {@link LakeDocuments} and writes them a page at a time with the stage's idempotent bulk upserts and guarded pushes,
 * checked after each page. Only when every task has written and checked its pages does the watermark move, as the
 * single-machine stage's does: a run that dies anywhere is done again by the next, which converges on the same
 * documents, nothing doubled.
 */
final class SparkWarehouse
{
    private static final Logger log = LoggerFactory.getLogger(SparkWarehouse.class);
    private static final StructType COUNTS = new StructType()
            .add("pages", DataTypes.LongType, false)
            .add("read", DataTypes.LongType, false)
            .add("boxes", DataTypes.LongType, false)
            .add("inserted", DataTypes.LongType, false)
            .add("updated", DataTypes.LongType, false)
            .add("appended", DataTypes.LongType, false);

    private final SparkSession spark;
    private final SparkSettings settings;
    private final Database database;
    private final MongoDatabase warehouse;
    private final Clock clock;
    private final JobFaults faults;

    SparkWarehouse(SparkSession spark, SparkSettings settings, Database database, MongoDatabase warehouse, Clock clock, JobFaults faults)
    {
        this.spark = requireNonNull(spark, "spark");
        this.settings = requireNonNull(settings, "settings");
        this.database = requireNonNull(database, "database");
        this.warehouse = requireNonNull(warehouse, "warehouse");
        this.clock = requireNonNull(clock, "clock");
        this.faults = requireNonNull(faults, "faults");
    }

    WarehouseRunResult run()
    {
        Instant cutoff = clock.instant().minus(settings.settle());
        Watermarks watermarks = new Watermarks(database, clock);
        Watermark mark = watermarks.read(Warehouse.STAGE);
        LakeRows rows = new LakeRows(database);
        LakeRangeQueries queries = new LakeRangeQueries(settings.dialect());
        LakeReads reads = new LakeReads(spark, settings);
        int pageSize = WarehouseOptions.defaults().pageSize();
        int partitions = SparkJobs.partitions(spark, settings);
        WarehouseIndexes.createMissing(warehouse);

        // A model is registered before its first inference: the table as of now covers every inference taken.
        HashMap<String, ArrayList<String>> classes = new HashMap<>();
        rows.models().forEach(model -> classes.put(model.key(), new ArrayList<>(model.classNames())));

        long[] images = {0, 0, 0, 0, 0, 0};
        long lastInference = rows.lastSettledId(LakeRows.Table.INFERENCE, mark.inferenceId(), cutoff);
        if (lastInference > mark.inferenceId()) {
            images = sum(reads.read(queries.inferencesWithBoxes(mark.inferenceId(), lastInference))
                    .repartition(partitions, col("image_sha256"))
                    .sortWithinPartitions("image_sha256", "inference_id", "box_id")
                    .mapPartitions(new WriteImages(settings.stores(), classes, pageSize, faults), Encoders.row(COUNTS))
                    .collectAsList());
            // The warehouse follows inferences; the image part of the watermark belongs to no one here and stays.
            mark = new Watermark(mark.imageId(), lastInference, mark.reviewId());
            watermarks.advance(Warehouse.STAGE, mark);
        }
        long[] reviews = {0, 0, 0, 0, 0, 0};
        long lastReview = rows.lastSettledReviewId(mark.reviewId(), cutoff, mark.inferenceId());
        if (lastReview > mark.reviewId()) {
            reviews = sum(reads.read(queries.reviewsWithBoxes(mark.reviewId(), lastReview))
                    .repartition(partitions, col("image_sha256"))
                    .sortWithinPartitions("image_sha256", "review_id", "rbox_id")
                    .mapPartitions(new WriteReviews(settings.stores(), pageSize, faults), Encoders.row(COUNTS))
                    .collectAsList());
            mark = new Watermark(mark.imageId(), mark.inferenceId(), lastReview);
            watermarks.advance(Warehouse.STAGE, mark);
        }
        WarehouseRunResult result = new WarehouseRunResult(cutoff, Math.toIntExact(images[0] + reviews[0]), images[1], images[2], images[3], images[4], images[5],
                reviews[1], reviews[2], reviews[5], mark);
        log.info("Spark warehouse run: {}", result);
        return result;
    }

    private static long[] sum(List<Row> counts)
    {
        long[] total = new long[COUNTS.size()];
        for (Row row : counts) {
            for (int i = 0; i < total.length; i++) {
                total[i] += row.getLong(i);
            }
        }
        return total;
    }

    /** A task's image documents, a page at a time, through the stage's writer; one row of counts for the task. */
    private static final class WriteImages
            implements MapPartitionsFunction<Row, Row>
    {
        private final Stores stores;
        private final HashMap<String, ArrayList<String>> classes;
        private final int pageSize;
        private final JobFaults faults;

        WriteImages(Stores stores, HashMap<String, ArrayList<String>> classes, int pageSize, JobFaults faults)
        {
            this.stores = stores;
            this.classes = classes;
            this.pageSize = pageSize;
            this.faults = faults;
        }

        @Override
        public Iterator<Row> call(Iterator<Row> rows)
        {
            long[] counts = new long[COUNTS.size()];
            if (!rows.hasNext()) {
                return List.of(RowFactory.create(0L, 0L, 0L, 0L, 0L, 0L)).iterator();
            }
            try (MongoClient client = stores.warehouseClient()) {
                DocumentWriter writer = new DocumentWriter(WarehouseClients.database(client, stores.warehouse()));
                Iterator<ImageDocument> documents = Groups.flatMap(rows, row -> row.getString(row.fieldIndex("image_sha256")), group -> List.of(document(group, classes)));
                List<ImageDocument> page = new ArrayList<>();
                int inferences = 0;
                while (documents.hasNext()) {
                    ImageDocument document = documents.next();
                    page.add(document);
                    inferences += document.inferences().size();
                    if (inferences >= pageSize || !documents.hasNext()) {
                        DocumentWriter.PageWrite written = writer.write(page);
                        counts[0]++;
                        counts[1] += inferences;
                        counts[2] += page.stream().mapToInt(ImageDocument::boxCount).sum();
                        counts[3] += written.documentsInserted();
                        counts[4] += written.documentsUpdated();
                        counts[5] += written.inferencesAppended();
                        faults.afterWarehousePage(page.get(0).sha256());
                        page = new ArrayList<>();
                        inferences = 0;
                    }
                }
            }
            return List.of(RowFactory.create(counts[0], counts[1], counts[2], counts[3], counts[4], counts[5])).iterator();
        }

        /** One image's rows, by inference then box: its document, the image as its first inference names it. */
        private static ImageDocument document(List<Row> rows, Map<String, ArrayList<String>> classes)
        {
            List<InferenceDocument> inferences = new ArrayList<>();
            StoredInference first = null;
            Iterator<StoredInference> stored = Groups.flatMap(rows.iterator(), row -> row.getLong(row.fieldIndex("inference_id")),
                    group -> List.of(SparkJobs.storedInference(group)));
            while (stored.hasNext()) {
                StoredInference inference = stored.next();
                first = first == null ? inference : first;
                // Reviews go in by the review pass, as the single-machine stage's review pages put them.
                inferences.add(LakeDocuments.inference(inference, classes.getOrDefault(LakeDocuments.modelKey(inference.inference()), new ArrayList<>()), List.of()));
            }
            return LakeDocuments.image(requireNonNull(first, "an image group has rows").image(), inferences);
        }
    }

    /** A task's reviews, a page at a time, into their inferences through the stage's writer; one row of counts. */
    private static final class WriteReviews
            implements MapPartitionsFunction<Row, Row>
    {
        private final Stores stores;
        private final int pageSize;
        private final JobFaults faults;

        WriteReviews(Stores stores, int pageSize, JobFaults faults)
        {
            this.stores = stores;
            this.pageSize = pageSize;
            this.faults = faults;
        }

        @Override
        public Iterator<Row> call(Iterator<Row> rows)
        {
            long[] counts = new long[COUNTS.size()];
            if (!rows.hasNext()) {
                return List.of(RowFactory.create(0L, 0L, 0L, 0L, 0L, 0L)).iterator();
            }
            try (MongoClient client = stores.warehouseClient()) {
                DocumentWriter writer = new DocumentWriter(WarehouseClients.database(client, stores.warehouse()));
                Iterator<PendingReview> reviews = Groups.flatMap(rows, row -> row.getLong(row.fieldIndex("review_id")), group -> {
                    StoredReview stored = SparkJobs.storedReview(group);
                    return List.of(new PendingReview(group.get(0).getString(group.get(0).fieldIndex("image_sha256")), stored.inferenceId(), LakeDocuments.review(stored)));
                });
                List<PendingReview> page = new ArrayList<>();
                while (reviews.hasNext()) {
                    page.add(reviews.next());
                    if (page.size() >= pageSize || !reviews.hasNext()) {
                        int appended = writer.writeReviews(page);
                        counts[0]++;
                        counts[1] += page.size();
                        counts[2] += page.stream().mapToInt(review -> review.review().boxes().size()).sum();
                        counts[5] += appended;
                        faults.afterWarehouseReviewPage(page.get(0).sha256());
                        page = new ArrayList<>();
                    }
                }
            }
            return List.of(RowFactory.create(counts[0], counts[1], counts[2], counts[3], counts[4], counts[5])).iterator();
        }
    }
}
