package org.cxr.spark;

import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.cxr.backup.AvroRows;
import org.cxr.backup.Backup;
import org.cxr.backup.Dataset;
import org.cxr.backup.ManifestFile;
import org.cxr.backup.PartitionWriter;
import org.cxr.backup.RunPlan;
import org.cxr.lake.BoxRecord;
import org.cxr.lake.ImageRecord;
import org.cxr.lake.LakeRangeQueries;
import org.cxr.lake.LakeRangeQueries.RangeQuery;
import org.cxr.lake.LakeRows;
import org.cxr.lake.ModelVersion;
import org.cxr.lake.ReviewBoxRecord;
import org.cxr.lake.StoredInference;
import org.cxr.lake.StoredReview;
import org.cxr.lake.sql.Database;
import org.cxr.lake.store.ObjectStore;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import static java.time.ZoneOffset.UTC;
import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.col;

/**
 * Stage 3's files written by Spark: the {@link Backup} of the backup module runs (run id, plan, verification, manifest,
 * watermark), and this writes the files of its plan on the executors, the same files the single-machine backup writes.
 *
 * <p>Each table's range is read by the lake's range queries in parallel over JDBC. Every row becomes the backup's own
 * Avro record ({@link AvroRows}, from the lake's records), carried through Spark as Avro bytes with its dataset, ingest
 * date and order; rows are then grouped by dataset and date, sorted in the single-machine order (ids; boxes and
 * detections by inference, then box), and each group is written by the backup's {@link PartitionWriter}: the same
 * Parquet writer, schema, zstd, parts of {@code maxRowsPerFile} rows and keys. A date's rows of one dataset are written
 * by one task, so the parts are the same files, byte for byte, as the single-machine backup's.
 */
final class SparkBackup
        implements Backup.RunWriter
{
    private static final StructType ENCODED = new StructType()
            .add("dataset", DataTypes.StringType, false)
            .add("day", DataTypes.IntegerType, true)
            .add("k1", DataTypes.LongType, false)
            .add("k2", DataTypes.LongType, false)
            .add("avro", DataTypes.BinaryType, false);
    private static final StructType WRITTEN = new StructType()
            .add("dataset", DataTypes.StringType, false)
            .add("day", DataTypes.IntegerType, true)
            .add("part", DataTypes.IntegerType, false)
            .add("key", DataTypes.StringType, false)
            .add("rows", DataTypes.LongType, false)
            .add("size", DataTypes.LongType, false)
            .add("sha256", DataTypes.StringType, false);

    private final SparkSession spark;
    private final SparkSettings settings;
    private final Database database;
    private final ObjectStore store;
    private final JobFaults faults;

    SparkBackup(SparkSession spark, SparkSettings settings, Database database, ObjectStore store, JobFaults faults)
    {
        this.spark = requireNonNull(spark, "spark");
        this.settings = requireNonNull(settings, "settings");
        this.database = requireNonNull(database, "database");
        this.store = requireNonNull(store, "store");
        this.faults = requireNonNull(faults, "faults");
    }

    @Override
    public List<ManifestFile> write(RunPlan plan)
    {
        requireNonNull(plan, "plan");
        LakeRangeQueries queries = new LakeRangeQueries(settings.dialect());
        LakeReads reads = new LakeReads(spark, settings);
        List<org.apache.spark.sql.Dataset<Row>> encoded = new ArrayList<>();
        RangeQuery images = queries.images(plan.from().imageId(), plan.to().imageId());
        if (!images.isEmpty()) {
            encoded.add(reads.read(images).mapPartitions(new EncodeImages(), Encoders.row(ENCODED)));
        }
        RangeQuery inferences = queries.inferencesWithBoxes(plan.from().inferenceId(), plan.to().inferenceId());
        if (!inferences.isEmpty()) {
            // A range query's partition holds every row of each of its inferences; sorted, they come one inference at a time.
            encoded.add(reads.read(inferences).sortWithinPartitions("inference_id", "box_id").mapPartitions(new EncodeInferences(), Encoders.row(ENCODED)));
        }
        RangeQuery reviews = queries.reviewsWithBoxes(plan.from().reviewId(), plan.to().reviewId());
        if (!reviews.isEmpty()) {
            encoded.add(reads.read(reviews).sortWithinPartitions("review_id", "rbox_id").mapPartitions(new EncodeReviews(), Encoders.row(ENCODED)));
        }

        List<ManifestFile> files = new ArrayList<>();
        if (!encoded.isEmpty()) {
            org.apache.spark.sql.Dataset<Row> rows = encoded.get(0);
            for (int i = 1; i < encoded.size(); i++) {
                rows = rows.union(encoded.get(i));
            }
            List<Row> written = rows.repartition(SparkJobs.partitions(spark, settings), col("dataset"), col("day"))
                    .sortWithinPartitions("dataset", "day", "k1", "k2")
                    .mapPartitions(new WriteFiles(plan.runId(), plan.maxRowsPerFile(), settings.backupPrefix(), settings.stores(), faults), Encoders.row(WRITTEN))
                    .collectAsList();
            files.addAll(inManifestOrder(written));
        }

        // The model table is small and whole in every run: the driver writes it as the single-machine backup does.
        try (PartitionWriter<GenericRecord> writer = PartitionWriter.ofRecords(Dataset.MODEL_VERSIONS, Optional.empty(), plan.runId(), plan.maxRowsPerFile(), settings.backupPrefix(), store,
                Path.of(System.getProperty("java.io.tmpdir")))) {
            for (ModelVersion model : new LakeRows(database).models()) {
                writer.write(AvroRows.modelVersion(model));
            }
            files.addAll(writer.finish());
        }
        return files;
    }

    /** Images by date, then by date each date's inferences, boxes and detections, then reviews and their decisions; parts in order. */
    private static List<ManifestFile> inManifestOrder(List<Row> written)
    {
        Map<Dataset, Integer> family = new EnumMap<>(Dataset.class);
        family.put(Dataset.IMAGES, 0);
        family.put(Dataset.INFERENCES, 1);
        family.put(Dataset.PREDICTED_BOXES, 1);
        family.put(Dataset.DETECTIONS, 1);
        family.put(Dataset.REVIEWS, 2);
        family.put(Dataset.REVIEW_BOXES, 2);
        family.put(Dataset.MODEL_VERSIONS, 3);
        return written.stream()
                .sorted(Comparator.<Row>comparingInt(row -> family.get(Dataset.fromDirectory(row.getString(0))))
                        .thenComparingInt(row -> row.getInt(1))
                        .thenComparingInt(row -> Dataset.fromDirectory(row.getString(0)).ordinal())
                        .thenComparingInt(row -> row.getInt(2)))
                .map(row -> new ManifestFile(row.getString(3), Dataset.fromDirectory(row.getString(0)), Optional.of(LocalDate.ofEpochDay(row.getInt(1))),
                        row.getLong(4), row.getLong(5), row.getString(6)))
                .toList();
    }

    private static int day(java.time.Instant instant)
    {
        return Math.toIntExact(LocalDate.ofInstant(instant, UTC).toEpochDay());
    }

    /** Avro records as bytes, with the dataset's schema: what every dataset can travel through Spark as. */
    private static final class AvroBytes
    {
        private final Map<Dataset, GenericDatumWriter<GenericRecord>> writers = new EnumMap<>(Dataset.class);
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(512);
        private BinaryEncoder encoder;

        Row row(Dataset dataset, int day, long k1, long k2, GenericRecord record)
        {
            buffer.reset();
            encoder = EncoderFactory.get().binaryEncoder(buffer, encoder);
            try {
                writers.computeIfAbsent(dataset, d -> new GenericDatumWriter<>(d.schema())).write(record, encoder);
                encoder.flush();
            }
            catch (IOException e) {
                throw new UncheckedIOException("Cannot encode a " + dataset.directory() + " row", e);
            }
            return RowFactory.create(dataset.directory(), day, k1, k2, buffer.toByteArray());
        }
    }

    private static final class EncodeImages
            implements MapPartitionsFunction<Row, Row>
    {
        @Override
        public Iterator<Row> call(Iterator<Row> rows)
        {
            AvroBytes avro = new AvroBytes();
            return new Iterator<>()
            {
                @Override
                public boolean hasNext()
                {
                    return rows.hasNext();
                }

                @Override
                public Row next()
                {
                    ImageRecord image = RowRecords.image(rows.next());
                    return avro.row(Dataset.IMAGES, day(image.firstSeen()), image.id(), 0, AvroRows.image(image));
                }
            };
        }
    }

    /** One inference's rows (its image, a row per box) → its inference row, its boxes and its detections, dated by the inference. */
    private static final class EncodeInferences
            implements MapPartitionsFunction<Row, Row>
    {
        @Override
        public Iterator<Row> call(Iterator<Row> rows)
        {
            AvroBytes avro = new AvroBytes();
            return Groups.flatMap(rows, row -> row.getLong(row.fieldIndex("inference_id")), group -> {
                StoredInference stored = SparkJobs.storedInference(group);
                int day = day(stored.createdAt());
                long id = stored.id();
                List<Row> out = new ArrayList<>(1 + 2 * Math.max(1, stored.boxes().size()));
                out.add(avro.row(Dataset.INFERENCES, day, id, 0, AvroRows.inference(stored.inference())));
                for (BoxRecord box : stored.boxes()) {
                    out.add(avro.row(Dataset.PREDICTED_BOXES, day, id, box.id(), AvroRows.box(box)));
                }
                for (GenericRecord detection : AvroRows.detections(stored)) {
                    Object boxId = detection.get("box_id");
                    out.add(avro.row(Dataset.DETECTIONS, day, id, boxId == null ? 0 : (Long) boxId, detection));
                }
                return out;
            });
        }
    }

    /** One review's rows (a row per decision) → its review row and its decisions, dated by the review. */
    private static final class EncodeReviews
            implements MapPartitionsFunction<Row, Row>
    {
        @Override
        public Iterator<Row> call(Iterator<Row> rows)
        {
            AvroBytes avro = new AvroBytes();
            return Groups.flatMap(rows, row -> row.getLong(row.fieldIndex("review_id")), group -> {
                StoredReview stored = SparkJobs.storedReview(group);
                int day = day(stored.reviewedAt());
                List<Row> out = new ArrayList<>(1 + stored.boxes().size());
                out.add(avro.row(Dataset.REVIEWS, day, stored.id(), 0, AvroRows.review(stored.review())));
                for (ReviewBoxRecord box : stored.boxes()) {
                    out.add(avro.row(Dataset.REVIEW_BOXES, day, stored.id(), box.id(), AvroRows.reviewBox(box)));
                }
                return out;
            });
        }
    }

    /** Each dataset and date of the partition, in order, through the backup's partition writer; one row per file uploaded. */
    private static final class WriteFiles
            implements MapPartitionsFunction<Row, Row>
    {
        private final String runId;
        private final int maxRowsPerFile;
        private final String prefix;
        private final Stores stores;
        private final JobFaults faults;

        WriteFiles(String runId, int maxRowsPerFile, String prefix, Stores stores, JobFaults faults)
        {
            this.runId = runId;
            this.maxRowsPerFile = maxRowsPerFile;
            this.prefix = prefix;
            this.stores = stores;
            this.faults = faults;
        }

        @Override
        public Iterator<Row> call(Iterator<Row> rows)
                throws IOException
        {
            List<Row> written = new ArrayList<>();
            if (!rows.hasNext()) {
                return written.iterator();
            }
            Path work = Path.of(System.getProperty("java.io.tmpdir"));
            try (ObjectStore store = stores.objectStore()) {
                PartitionWriter<GenericRecord> writer = null;
                Dataset dataset = null;
                Integer day = null;
                GenericDatumReader<GenericRecord> reader = null;
                BinaryDecoder decoder = null;
                try {
                    while (rows.hasNext()) {
                        Row row = rows.next();
                        Dataset rowDataset = Dataset.fromDirectory(row.getString(0));
                        Integer rowDay = row.getInt(1);
                        if (writer == null || rowDataset != dataset || !Objects.equals(rowDay, day)) {
                            if (writer != null) {
                                finish(writer, dataset, day, written);
                            }
                            dataset = rowDataset;
                            day = rowDay;
                            writer = PartitionWriter.ofRecords(dataset, Optional.of(LocalDate.ofEpochDay(day)), runId, maxRowsPerFile, prefix, store, work);
                            reader = new GenericDatumReader<>(dataset.schema());
                        }
                        decoder = DecoderFactory.get().binaryDecoder((byte[]) row.get(4), decoder);
                        writer.write(reader.read(null, decoder));
                    }
                    finish(writer, dataset, day, written);
                }
                finally {
                    if (writer != null) {
                        writer.close();
                    }
                }
            }
            return written.iterator();
        }

        private void finish(PartitionWriter<GenericRecord> writer, Dataset dataset, int day, List<Row> written)
        {
            List<ManifestFile> files = writer.finish();
            for (int part = 0; part < files.size(); part++) {
                ManifestFile file = files.get(part);
                written.add(RowFactory.create(dataset.directory(), day, part, file.key(), file.rows(), file.sizeBytes(), file.sha256()));
                faults.afterBackupFile(file.key());
            }
        }
    }
}
