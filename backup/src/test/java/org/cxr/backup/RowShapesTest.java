package org.cxr.backup;

import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.hadoop.ParquetWriter;
import org.cxr.backup.RowShapes.Detection;
import org.cxr.lake.BoxRecord;
import org.cxr.lake.ImageRecord;
import org.cxr.lake.InferenceRecord;
import org.cxr.lake.MediaType;
import org.cxr.lake.ModelVersion;
import org.cxr.lake.ReviewBoxRecord;
import org.cxr.lake.ReviewDecision;
import org.cxr.lake.ReviewLabel;
import org.cxr.lake.ReviewRecord;
import org.cxr.lake.StoredInference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The backup writes the lake's rows straight into Parquet; another engine (Spark) hands over Avro records. Both must be
 * the files parquet-avro's readers, the restore among them, read as the rows they came from.
 */
class RowShapesTest
{
    private static final ImageRecord IMAGE = new ImageRecord(7, "a".repeat(64), "bucket", "images/sha256/aa/x.png", "Röntgen \"thorax\".png", MediaType.PNG, 3, 4, 5,
            Instant.parse("2030-01-01T00:00:00.000001Z"));
    private static final ImageRecord OTHER_IMAGE = new ImageRecord(8, "b".repeat(64), "bucket", "images/sha256/bb/y.jpg", "y.jpg", MediaType.JPEG, 1024, 1024, 123_456,
            Instant.parse("1969-12-31T23:59:59.999999Z"));
    private static final InferenceRecord INFERENCE = new InferenceRecord(8, 7, Instant.parse("2030-01-02T00:00:00Z"), 0.5, 0.45, "m", "v", 12, Optional.of("dr-house"));
    private static final InferenceRecord ANONYMOUS = new InferenceRecord(9, 8, Instant.parse("2030-01-02T00:00:01Z"), 0.25, 0.5, "m", "v2", 0, Optional.empty());
    private static final BoxRecord BOX = new BoxRecord(9, 8, 4, "Nodule/Mass", 0.25, 1, 2, 3.5, 4);
    private static final BoxRecord OTHER_BOX = new BoxRecord(10, 8, 0, "Aortic enlargement", 0.999, 0, 0, 1023, 1023);
    private static final ReviewLabel LABEL = new ReviewLabel(4, "Nodule/Mass", 1.5, 2, 3, 4.25);

    @TempDir
    Path directory;

    @Test
    void imagesInferencesAndBoxesAreTheFilesOfTheirRecords()
            throws IOException
    {
        assertSameFiles(Dataset.IMAGES, RowShapes.IMAGE, List.of(IMAGE, OTHER_IMAGE), AvroRows::image);
        assertSameFiles(Dataset.INFERENCES, RowShapes.INFERENCE, List.of(INFERENCE, ANONYMOUS), AvroRows::inference);
        assertSameFiles(Dataset.PREDICTED_BOXES, RowShapes.BOX, List.of(BOX, OTHER_BOX), AvroRows::box);
    }

    @Test
    void detectionsAreOneRowPerBoxAndOneWithoutBoxColumnsForAnInferenceThatFoundNothing()
            throws IOException
    {
        StoredInference withBoxes = new StoredInference(INFERENCE, IMAGE, List.of(BOX, OTHER_BOX));
        StoredInference withoutBoxes = new StoredInference(ANONYMOUS, OTHER_IMAGE, List.of());
        List<Detection> detections = new ArrayList<>(Detection.of(withBoxes));
        detections.addAll(Detection.of(withoutBoxes));
        List<GenericRecord> records = new ArrayList<>(AvroRows.detections(withBoxes));
        records.addAll(AvroRows.detections(withoutBoxes));

        assertThat(detections).hasSize(3);
        assertSameFiles(Dataset.DETECTIONS, RowShapes.DETECTION, detections, records);
        assertThat(read(write(Dataset.DETECTIONS, RowShapes.DETECTION, detections)).get(2).get("box_id")).isNull();
    }

    @Test
    void modelsReviewsAndDecisionsAreTheFilesOfTheirRecords()
            throws IOException
    {
        ModelVersion model = new ModelVersion(3, "m", "v", List.of("Cardiomegaly", "Nodule/Mass"), Instant.parse("2029-12-31T00:00:00.000001Z"));
        ModelVersion oneClass = new ModelVersion(4, "m", "single", List.of("Pneumothorax"), Instant.parse("2029-12-31T00:00:00Z"));
        assertSameFiles(Dataset.MODEL_VERSIONS, RowShapes.MODEL_VERSION, List.of(model, oneClass), AvroRows::modelVersion);

        ReviewRecord review = new ReviewRecord(10, 8, "dr-house", Instant.parse("2030-01-03T00:00:00.000001Z"), Optional.of("left \"base\""));
        ReviewRecord withoutComment = new ReviewRecord(11, 8, "dr-house", Instant.parse("2030-01-04T00:00:00Z"), Optional.empty());
        assertSameFiles(Dataset.REVIEWS, RowShapes.REVIEW, List.of(review, withoutComment), AvroRows::review);

        assertSameFiles(Dataset.REVIEW_BOXES, RowShapes.REVIEW_BOX, List.of(
                new ReviewBoxRecord(12, 10, Optional.of(9L), ReviewDecision.ACCEPTED, Optional.of(LABEL)),
                new ReviewBoxRecord(13, 10, Optional.of(9L), ReviewDecision.REJECTED, Optional.empty()),
                new ReviewBoxRecord(14, 10, Optional.of(9L), ReviewDecision.CORRECTED, Optional.of(LABEL)),
                new ReviewBoxRecord(15, 10, Optional.empty(), ReviewDecision.ADDED, Optional.of(LABEL))), AvroRows::reviewBox);
    }

    @Test
    void aShapeThatWritesTooFewColumnsFailsInsteadOfShiftingTheRest()
    {
        RowShape<ImageRecord> onlyTheId = (image, row) -> row.int64(image.id());

        assertThatThrownBy(() -> write(Dataset.IMAGES, onlyTheId, List.of(IMAGE)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("A row of 10 columns was written with 1");
    }

    @Test
    void aRequiredStringThatIsMissingNamesItsColumn()
    {
        RowShape<ImageRecord> nullBucket = (image, row) -> row.int64(image.id()).string(image.sha256()).string(null);

        assertThatThrownBy(() -> write(Dataset.IMAGES, nullBucket, List.of(IMAGE)))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("bucket");
    }

    private <T> void assertSameFiles(Dataset dataset, RowShape<T> shape, List<T> rows, Function<T, GenericRecord> toRecord)
            throws IOException
    {
        assertSameFiles(dataset, shape, rows, rows.stream().map(toRecord).toList());
    }

    private <T> void assertSameFiles(Dataset dataset, RowShape<T> shape, List<T> rows, List<GenericRecord> records)
            throws IOException
    {
        byte[] typed = write(dataset, shape, rows);
        byte[] fromRecords = write(dataset, RowShapes.records(dataset.schema()), records);

        // Spark's backup and this one write the same bytes for the same rows.
        assertThat(typed).isEqualTo(fromRecords);
        // parquet-avro reads them as the records the rows are: the restore's reader.
        assertThat(read(typed)).map(GenericRecord::toString).isEqualTo(records.stream().map(GenericRecord::toString).toList());
        ParquetFiles.Footer footer = ParquetFiles.footer(typed);
        assertThat(footer.rows()).isEqualTo(rows.size());
        assertThat(footer.avroSchema()).contains(dataset.schema());
    }

    private <T> byte[] write(Dataset dataset, RowShape<T> shape, List<T> rows)
            throws IOException
    {
        Path file = Files.createTempFile(directory, dataset.directory(), ".parquet");
        try (ParquetWriter<T> writer = ParquetFiles.writer(file, dataset, shape)) {
            for (T row : rows) {
                writer.write(row);
            }
        }
        return Files.readAllBytes(file);
    }

    private static List<GenericRecord> read(byte[] parquet)
            throws IOException
    {
        List<GenericRecord> records = new ArrayList<>();
        ParquetFiles.forEachRecord(parquet, records::add);
        return records;
    }
}
