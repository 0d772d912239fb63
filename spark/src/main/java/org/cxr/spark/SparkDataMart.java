package org.cxr.spark;

import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.bson.BsonBinaryWriter;
import org.bson.Document;
import org.bson.codecs.DocumentCodec;
import org.bson.codecs.EncoderContext;
import org.bson.io.BasicOutputBuffer;
import org.cxr.backup.BackupCatalog;
import org.cxr.backup.BackupOptions;
import org.cxr.backup.Dataset;
import org.cxr.backup.Manifest;
import org.cxr.backup.ManifestFile;
import org.cxr.datamart.DataMartExport;
import org.cxr.datamart.DataMartLayout;
import org.cxr.datamart.DataMartOptions;
import org.cxr.datamart.DataMartResult;
import org.cxr.datamart.DocumentSpool;
import org.cxr.datamart.ExportSource;
import org.cxr.datamart.ImageCopies;
import org.cxr.datamart.ImageCopy;
import org.cxr.lake.StoredInference;
import org.cxr.lake.StoredReview;
import org.cxr.lake.store.ObjectStore;
import org.cxr.warehouse.DocumentShape;
import org.cxr.warehouse.ImageDocument;
import org.cxr.warehouse.InferenceDocument;
import org.cxr.warehouse.LakeDocuments;
import org.cxr.warehouse.ReviewDocument;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.unix_micros;

/**
 * Stage 5 as a Spark job, built from the backup's Parquet files rather than from the warehouse: the data mart's export
 * ({@link DataMartExport}: checks, categories, splits, COCO files, lineage) over documents that Spark makes from the
 * backup, whose images its executors copy into the folder in parallel ({@link ImageCopies}: the same downloads, hash
 * checks and upright PNGs as the export's own).
 *
 * <p>The backup holds what the warehouse holds, the same rows carried the same way: the {@code detections} dataset is
 * every backed-up inference with its image and boxes, {@code reviews} and {@code review_boxes} the reviews, and
 * {@code model_versions} the classes of each model. Only the files of stored manifests are read (through S3A), so
 * nothing a crashed backup left is exported. Spark gathers each image's rows in one task (ranges of SHA-256, so that
 * the partitions come in {@code _id} order), nests them as the warehouse stage does ({@link LakeDocuments},
 * {@link DocumentShape}), and the driver receives the documents in order and writes the files. With the backup and the
 * warehouse at the same point (both stages run after the same uploads), the files equal those of {@code ./cxr datamart}.
 */
final class SparkDataMart
{
    private static final StructType COPIED = new StructType()
            .add("sha256", DataTypes.StringType, false)
            .add("document", DataTypes.BinaryType, false)
            .add("status", DataTypes.StringType, false)
            .add("bytes", DataTypes.LongType, false)
            .add("file_name", DataTypes.StringType, true);

    private final SparkSession spark;
    private final SparkSettings settings;
    private final ObjectStore store;
    private final Clock clock;
    private final JobFaults faults;

    SparkDataMart(SparkSession spark, SparkSettings settings, ObjectStore store, Clock clock, JobFaults faults)
    {
        this.spark = requireNonNull(spark, "spark");
        this.settings = requireNonNull(settings, "settings");
        this.store = requireNonNull(store, "store");
        this.clock = requireNonNull(clock, "clock");
        this.faults = requireNonNull(faults, "faults");
    }

    DataMartResult run()
    {
        Path outDir = settings.dataMartDirectory();
        DataMartOptions options = DataMartOptions.defaults().withTrainRatio(settings.trainRatio());
        try (S3Client s3 = settings.stores().s3Client()) {
            return new DataMartExport(layout -> documents(layout, options.pageSize()), s3, options, clock).run(outDir);
        }
    }

    private ExportSource.Documents documents(DataMartLayout layout, int pageSize)
            throws IOException
    {
        List<Manifest> manifests = new BackupCatalog(store, BackupOptions.defaults().withPrefix(settings.backupPrefix())).manifests();
        Map<Dataset, List<String>> files = new LinkedHashMap<>();
        for (Manifest manifest : manifests) {
            for (ManifestFile file : manifest.files()) {
                files.computeIfAbsent(file.dataset(), dataset -> new ArrayList<>()).add("s3a://" + settings.s3Bucket() + "/" + file.key());
            }
        }
        if (!files.containsKey(Dataset.DETECTIONS)) {
            return spool(layout.root(), Collections.emptyIterator(), pageSize);
        }
        HashMap<String, ArrayList<String>> classes = new HashMap<>();
        for (Row model : spark.read().parquet(files.get(Dataset.MODEL_VERSIONS).toArray(String[]::new)).select("name", "version", "class_names").distinct().collectAsList()) {
            classes.put(model.getString(0) + "@" + model.getString(1), new ArrayList<>(model.getList(2)));
        }

        org.apache.spark.sql.Dataset<Row> detections = spark.read().parquet(files.get(Dataset.DETECTIONS).toArray(String[]::new)).select(
                col("inference_id"), col("image_id").as("inference_image_id"), unix_micros(col("created_at")).as("inference_created_at_micros"),
                col("confidence_threshold").as("inference_confidence_threshold"), col("nms_iou_threshold").as("inference_nms_iou_threshold"),
                col("model_name").as("inference_model_name"), col("model_version").as("inference_model_version"),
                col("duration_ms").as("inference_duration_ms"), col("user_name").as("inference_user_name"),
                col("image_id"), col("image_sha256"), col("bucket").as("image_bucket"), col("object_key").as("image_object_key"),
                col("original_file_name").as("image_original_file_name"), col("media_type").as("image_media_type"), col("width").as("image_width"),
                col("height").as("image_height"), col("size_bytes").as("image_size_bytes"), unix_micros(col("first_seen")).as("image_first_seen_micros"),
                col("box_id"), col("inference_id").as("box_inference_id"), col("class_id").as("box_class_id"), col("class_name").as("box_class_name"),
                col("score").as("box_score"), col("x_min").as("box_x_min"), col("y_min").as("box_y_min"), col("x_max").as("box_x_max"), col("y_max").as("box_y_max"),
                lit(0).as("kind"), col("inference_id").as("s1"), col("box_id").as("s2"));
        org.apache.spark.sql.Dataset<Row> rows = detections;
        if (files.containsKey(Dataset.REVIEWS)) {
            org.apache.spark.sql.Dataset<Row> reviews = spark.read().parquet(files.get(Dataset.REVIEWS).toArray(String[]::new)).select(
                    col("id").as("review_id"), col("inference_id").as("review_inference_id"), col("reviewer").as("review_reviewer"),
                    unix_micros(col("reviewed_at")).as("review_reviewed_at_micros"), col("comment").as("review_comment"));
            if (files.containsKey(Dataset.REVIEW_BOXES)) {
                org.apache.spark.sql.Dataset<Row> decisions = spark.read().parquet(files.get(Dataset.REVIEW_BOXES).toArray(String[]::new)).select(
                        col("id").as("rbox_id"), col("review_id").as("rbox_review_id"), col("predicted_box_id").as("rbox_predicted_box_id"),
                        col("decision").as("rbox_decision"), col("class_id").as("rbox_class_id"), col("class_name").as("rbox_class_name"),
                        col("x_min").as("rbox_x_min"), col("y_min").as("rbox_y_min"), col("x_max").as("rbox_x_max"), col("y_max").as("rbox_y_max"));
                reviews = reviews.join(decisions, col("review_id").equalTo(col("rbox_review_id")), "left");
            }
            org.apache.spark.sql.Dataset<Row> imageOfInference = detections.select(col("inference_id").as("of_inference"), col("image_sha256")).distinct();
            reviews = reviews.join(imageOfInference, col("review_inference_id").equalTo(col("of_inference")), "inner").drop("of_inference")
                    .withColumn("kind", lit(1)).withColumn("s1", col("review_id")).withColumn("s2", col("rbox_id"));
            rows = detections.unionByName(reviews, true);
        }

        int partitions = SparkJobs.partitions(spark, settings);
        Column[] order = {col("image_sha256"), col("kind"), col("s1"), col("s2")};
        org.apache.spark.sql.Dataset<Row> copied = rows
                // Ranges of hashes: partition i holds smaller ids than partition i + 1, so the driver reads them in _id order.
                .repartitionByRange(partitions, col("image_sha256"))
                .sortWithinPartitions(order)
                .mapPartitions(new BuildAndCopy(settings.stores(), classes, layout.root().toString(), faults), Encoders.row(COPIED))
                .persist(StorageLevel.DISK_ONLY());
        try {
            // Every partition at once: the copies are made in parallel here, not one partition at a time as the driver reads.
            copied.count();
            return spool(layout.root(), copied.toLocalIterator(), pageSize);
        }
        finally {
            copied.unpersist();
        }
    }

    /**
     * Rows of {@code (sha256, document, status, bytes, file_name)}, as {@link BuildAndCopy} makes them, in order, spooled
     * to the data mart folder as the driver receives them, with the copies of their images the executors made.
     */
    private static DocumentSpool spool(Path directory, Iterator<Row> rows, int pageSize)
            throws IOException
    {
        try (DocumentSpool.Writer spool = DocumentSpool.create(directory, "spark-documents", pageSize)) {
            while (rows.hasNext()) {
                Row row = rows.next();
                String fileName = row.isNullAt(4) ? "" : row.getString(4);
                spool.add((byte[]) row.get(1), Optional.of(new ImageCopy(ImageCopy.Status.valueOf(row.getString(2)), row.getLong(3),
                        fileName.isEmpty() ? Optional.empty() : Optional.of(fileName))));
            }
            return spool.finish();
        }
    }

    /** One image's rows (its detections, then its reviews' decisions) → its warehouse document and the copy of its image. */
    private static final class BuildAndCopy
            implements MapPartitionsFunction<Row, Row>
    {
        private final Stores stores;
        private final HashMap<String, ArrayList<String>> classes;
        private final String outDir;
        private final JobFaults faults;

        BuildAndCopy(Stores stores, HashMap<String, ArrayList<String>> classes, String outDir, JobFaults faults)
        {
            this.stores = stores;
            this.classes = classes;
            this.outDir = outDir;
            this.faults = faults;
        }

        @Override
        public Iterator<Row> call(Iterator<Row> rows)
        {
            if (!rows.hasNext()) {
                return Collections.emptyIterator();
            }
            S3Client s3 = stores.s3Client();
            ImageCopies copies = new ImageCopies(s3, Path.of(outDir));
            Iterator<Row> out = Groups.flatMap(rows, row -> row.getString(row.fieldIndex("image_sha256")), group -> {
                Document document = DocumentShape.document(document(group, classes));
                try {
                    ImageCopy copy = copies.ensurePresent(document);
                    faults.afterImageCopy(document.getString("_id"));
                    return List.of(RowFactory.create(document.getString("_id"), bson(document), copy.status().name(), copy.bytesDownloaded(), copy.fileName().orElse(null)));
                }
                catch (IOException e) {
                    throw new java.io.UncheckedIOException("Cannot copy image " + document.getString("_id") + " into " + outDir, e);
                }
            });
            return new Iterator<>()
            {
                @Override
                public boolean hasNext()
                {
                    boolean more = out.hasNext();
                    if (!more) {
                        s3.close();
                    }
                    return more;
                }

                @Override
                public Row next()
                {
                    return out.next();
                }
            };
        }

        private static ImageDocument document(List<Row> rows, Map<String, ArrayList<String>> classes)
        {
            List<Row> detections = rows.stream().filter(row -> row.getInt(row.fieldIndex("kind")) == 0).toList();
            List<Row> decisions = rows.stream().filter(row -> row.getInt(row.fieldIndex("kind")) == 1).toList();
            Map<Long, List<ReviewDocument>> reviews = new HashMap<>();
            Groups.flatMap(decisions.iterator(), row -> row.getLong(row.fieldIndex("review_id")), group -> List.of(SparkJobs.storedReview(group)))
                    .forEachRemaining((StoredReview review) -> reviews.computeIfAbsent(review.inferenceId(), id -> new ArrayList<>()).add(LakeDocuments.review(review)));
            List<InferenceDocument> inferences = new ArrayList<>();
            List<StoredInference> stored = new ArrayList<>();
            Groups.flatMap(detections.iterator(), row -> row.getLong(row.fieldIndex("inference_id")), group -> List.of(SparkJobs.storedInference(group)))
                    .forEachRemaining(stored::add);
            for (StoredInference inference : stored) {
                inferences.add(LakeDocuments.inference(inference, classes.getOrDefault(LakeDocuments.modelKey(inference.inference()), new ArrayList<>()),
                        reviews.getOrDefault(inference.id(), List.of())));
            }
            // The warehouse made the document when it met the image's first inference, with that inference's image row.
            return LakeDocuments.image(stored.get(0).image(), inferences);
        }

        private static byte[] bson(Document document)
        {
            BasicOutputBuffer buffer = new BasicOutputBuffer();
            new DocumentCodec().encode(new BsonBinaryWriter(buffer), document, EncoderContext.builder().isEncodingCollectibleDocument(true).build());
            return buffer.toByteArray();
        }
    }
}
