package org.cxr.backup;

import org.cxr.lake.BoxRecord;
import org.cxr.lake.ImageRecord;
import org.cxr.lake.InferenceRecord;
import org.cxr.lake.MediaType;
import org.cxr.lake.ModelVersion;
import org.cxr.lake.StoredInference;
import org.cxr.lake.pipeline.Watermark;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class AvroRowsTest
{
    @Test
    void timestampsAreMicrosecondsSinceTheEpochOnBothSidesOfIt()
    {
        assertThat(AvroRows.micros(Instant.parse("1970-01-01T00:00:01.000002Z"))).isEqualTo(1_000_002);
        assertThat(AvroRows.micros(Instant.parse("1969-12-31T23:59:59.999999Z"))).isEqualTo(-1);
        assertThat(AvroRows.instant(-1)).isEqualTo(Instant.parse("1969-12-31T23:59:59.999999Z"));
        assertThat(AvroRows.instant(AvroRows.micros(Instant.parse("2030-03-01T23:59:59.123456Z")))).isEqualTo(Instant.parse("2030-03-01T23:59:59.123456Z"));
    }

    @Test
    void rowsSurviveTheirRecords()
    {
        ImageRecord image = new ImageRecord(7, "a".repeat(64), "bucket", "images/sha256/aa/x.png", "x \"y\".png", MediaType.PNG, 3, 4, 5, Instant.parse("2030-01-01T00:00:00.000001Z"));
        InferenceRecord inference = new InferenceRecord(8, 7, Instant.parse("2030-01-02T00:00:00Z"), 0.5, 0.45, "m", "v", 12, Optional.empty());
        BoxRecord box = new BoxRecord(9, 8, 4, "Nodule/Mass", 0.25, 1, 2, 3, 4);
        ModelVersion model = new ModelVersion(3, "m", "v", List.of("Cardiomegaly", "Nodule/Mass"), Instant.parse("2029-12-31T00:00:00.000001Z"));

        assertThat(AvroRows.image(AvroRows.image(image))).isEqualTo(image);
        assertThat(AvroRows.inference(AvroRows.inference(inference))).isEqualTo(inference);
        assertThat(AvroRows.box(AvroRows.box(box))).isEqualTo(box);
        assertThat(AvroRows.modelVersion(AvroRows.modelVersion(model))).isEqualTo(model);
        assertThat(AvroRows.detections(new StoredInference(inference, image, List.of(box, box)))).hasSize(2);
    }

    @Test
    void keysFollowTheRunsStartingWatermarkAndSortInRunOrder()
    {
        BackupLayout layout = new BackupLayout("backups/");
        String runId = BackupLayout.runId(new Watermark(42, 1234, 0));

        assertThat(runId).isEqualTo("000000000042-000000001234");
        assertThat(layout.dataFile(Dataset.PREDICTED_BOXES, Optional.of(LocalDate.parse("2030-03-01")), runId, 12))
                .isEqualTo("backups/predicted_boxes/ingest_date=2030-03-01/run-000000000042-000000001234-part-00012.parquet");
        assertThat(layout.dataFile(Dataset.MODEL_VERSIONS, Optional.empty(), runId, 0))
                .isEqualTo("backups/model_versions/run-000000000042-000000001234-part-00000.parquet");
        assertThat(layout.manifest(runId)).isEqualTo("backups/manifests/run-000000000042-000000001234.json");
        assertThat(BackupLayout.runId(new Watermark(42, 1234, 0))).isLessThan(BackupLayout.runId(new Watermark(100, 1300, 0)));
    }
}
