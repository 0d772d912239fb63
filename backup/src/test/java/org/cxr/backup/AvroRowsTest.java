package org.cxr.backup;

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
import org.cxr.lake.pipeline.Watermark;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
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

        ReviewRecord review = new ReviewRecord(10, 8, "dr-house", Instant.parse("2030-01-03T00:00:00.000001Z"), Optional.of("left \"base\""));
        ReviewRecord withoutComment = new ReviewRecord(11, 8, "dr-house", Instant.parse("2030-01-04T00:00:00Z"), Optional.empty());
        ReviewLabel label = new ReviewLabel(4, "Nodule/Mass", 1.5, 2, 3, 4.25);
        List<ReviewBoxRecord> decisions = List.of(
                new ReviewBoxRecord(12, 10, Optional.of(9L), ReviewDecision.ACCEPTED, Optional.of(label)),
                new ReviewBoxRecord(13, 10, Optional.of(9L), ReviewDecision.REJECTED, Optional.empty()),
                new ReviewBoxRecord(14, 10, Optional.of(9L), ReviewDecision.CORRECTED, Optional.of(label)),
                new ReviewBoxRecord(15, 10, Optional.empty(), ReviewDecision.ADDED, Optional.of(label)));

        assertThat(AvroRows.review(AvroRows.review(review))).isEqualTo(review);
        assertThat(AvroRows.review(AvroRows.review(withoutComment))).isEqualTo(withoutComment);
        assertThat(decisions.stream().map(AvroRows::reviewBox).map(AvroRows::reviewBox).toList()).isEqualTo(decisions);
    }

    @Test
    void manifestsAndPlansOfEarlierFormatsReadAsHoldingNoReviews()
    {
        // As version 2 wrote them: watermarks without a review id, counts without reviews.
        String manifest = """
                {
                  "formatVersion" : 2,
                  "runId" : "000000000000-000000000000",
                  "createdAt" : "2030-03-02T10:00:01Z",
                  "watermarkFrom" : { "imageId" : 0, "inferenceId" : 0 },
                  "watermarkTo" : { "imageId" : 2, "inferenceId" : 3 },
                  "rows" : { "images" : 2, "inferences" : 3, "predictedBoxes" : 4, "detections" : 5, "modelVersions" : 1 },
                  "files" : [ {
                    "key" : "backups/images/ingest_date=2030-03-01/run-000000000000-000000000000-part-00000.parquet",
                    "dataset" : "images",
                    "ingestDate" : "2030-03-01",
                    "rows" : 2,
                    "sizeBytes" : 1234,
                    "sha256" : "%s"
                  } ]
                }
                """.formatted("a".repeat(64));
        String plan = """
                { "runId" : "000000000002-000000000003", "plannedAt" : "2030-03-03T10:00:00Z", "settleCutoff" : "2030-03-03T09:59:00Z",
                  "from" : { "imageId" : 2, "inferenceId" : 3 }, "to" : { "imageId" : 4, "inferenceId" : 5 }, "maxRowsPerFile" : 500000 }
                """;

        Manifest read = Json.read(manifest.getBytes(StandardCharsets.UTF_8), Manifest.class, "manifest");
        RunPlan readPlan = Json.read(plan.getBytes(StandardCharsets.UTF_8), RunPlan.class, "plan");

        assertThat(read.watermarkFrom()).isEqualTo(Watermark.START);
        assertThat(read.watermarkTo()).isEqualTo(new Watermark(2, 3, 0));
        assertThat(read.rows()).isEqualTo(new DatasetCounts(2, 3, 4, 5, 1, 0, 0));
        assertThat(read.files(Dataset.IMAGES)).hasSize(1);
        assertThat(read.files(Dataset.REVIEWS)).isEmpty();
        assertThat(readPlan.from()).isEqualTo(new Watermark(2, 3, 0));
        assertThat(readPlan.to()).isEqualTo(new Watermark(4, 5, 0));
        // Its run id is the one this version gives a run from that watermark, so the run is finished under its keys.
        assertThat(BackupLayout.runId(readPlan.from())).isEqualTo(readPlan.runId());
        // Version 1 had no models either.
        String versionOne = manifest.replace("\"formatVersion\" : 2", "\"formatVersion\" : 1").replace(", \"modelVersions\" : 1", "");
        assertThat(Json.read(versionOne.getBytes(StandardCharsets.UTF_8), Manifest.class, "manifest").rows()).isEqualTo(new DatasetCounts(2, 3, 4, 5, 0, 0, 0));
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
        // Once reviews are backed up the id names the review id too: a run of new reviews only starts from the same
        // image and inference ids as the run before it.
        assertThat(BackupLayout.runId(new Watermark(42, 1234, 7))).isEqualTo("000000000042-000000001234-000000000007");
        assertThat(List.of(BackupLayout.runId(new Watermark(42, 1234, 0)), BackupLayout.runId(new Watermark(42, 1234, 7)),
                BackupLayout.runId(new Watermark(42, 1234, 8)), BackupLayout.runId(new Watermark(42, 1235, 8)))).isSorted().doesNotHaveDuplicates();
    }
}
