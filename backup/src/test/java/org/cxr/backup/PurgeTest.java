package org.cxr.backup;

import org.cxr.lake.IngestResult;
import org.cxr.lake.NewReviewBox;
import org.cxr.lake.StoredReview;
import org.cxr.lake.pipeline.Watermark;
import org.cxr.lake.pipeline.Watermarks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.cxr.backup.TestLake.box;

class PurgeTest
{
    private static final Duration TWO_WEEKS = Duration.ofDays(14);

    @RegisterExtension
    static final TestServers servers = TestServers.postgres();

    private final TestLake lake = servers.newLake();

    @Test
    void deletesOnlyRowsThatAreInAVerifiedBackupAndOlderThanTheCutoff()
    {
        byte[] shared = TestLake.uniquePng();
        IngestResult oldOfSharedImage = lake.ingest("2030-01-01T10:00:00Z", shared, box(1, 0.9), box(2, 0.8));
        IngestResult oldAlone = lake.ingest("2030-01-02T10:00:00Z", box(3, 0.7));
        IngestResult recentOfSharedImage = lake.ingest("2030-01-20T10:00:00Z", shared, box(4, 0.6));
        IngestResult recentAlone = lake.ingest("2030-01-21T10:00:00Z");
        lake.backupAt("2030-01-21T10:00:00Z");
        // Stamped long ago (a slow clock), but after the backup: not in it, so it stays however old it is.
        IngestResult oldButNotBackedUp = lake.ingest("2030-01-03T10:00:00Z", box(0, 0.5));

        lake.clock.set("2030-01-30T00:00:00Z");
        PurgeResult result = purge(PurgeOptions.defaults()).run(TWO_WEEKS);

        assertThat(result.cutoff()).isEqualTo(Instant.parse("2030-01-16T00:00:00Z"));
        assertThat(result.limit()).isEqualTo(new Watermark(recentAlone.imageId(), recentAlone.inferenceId(), 0));
        assertThat(result.inferencesDeleted()).isEqualTo(2);
        assertThat(result.predictedBoxesDeleted()).isEqualTo(3);
        assertThat(result.imagesDeleted()).isEqualTo(1);
        assertThat(lake.ids("inference")).containsExactly(recentOfSharedImage.inferenceId(), recentAlone.inferenceId(), oldButNotBackedUp.inferenceId());
        assertThat(lake.ids("image")).containsExactly(oldOfSharedImage.imageId(), recentAlone.imageId(), oldButNotBackedUp.imageId());
        assertThat(lake.tables.column("predicted_box", "inference_id", Long.class))
                .containsExactly(recentOfSharedImage.inferenceId(), oldButNotBackedUp.inferenceId());
        // The backup refers to the image bytes; they stay.
        assertThat(lake.store.exists(oldAlone.objectKey())).isTrue();
        assertThat(lake.store.exists(oldOfSharedImage.objectKey())).isTrue();
        // Everything deleted is still in the backup.
        assertThat(lake.backedUpIds(Dataset.INFERENCES, "id")).contains(oldOfSharedImage.inferenceId(), oldAlone.inferenceId());
        assertThat(lake.backedUpIds(Dataset.IMAGES, "id")).contains(oldAlone.imageId());
    }

    @Test
    void runningAgainDeletesNothingMoreAndALaterBackupLetsTheRestGo()
    {
        lake.ingest("2030-01-01T10:00:00Z", box(1, 0.9));
        lake.backupAt("2030-01-01T10:00:00Z");
        IngestResult notYetBackedUp = lake.ingest("2030-01-02T10:00:00Z", box(2, 0.9));
        lake.clock.set("2030-02-01T00:00:00Z");
        Purge purge = purge(PurgeOptions.defaults());
        assertThat(purge.run(TWO_WEEKS).inferencesDeleted()).isEqualTo(1);

        PurgeResult again = purge.run(TWO_WEEKS);

        assertThat(again.inferencesDeleted()).isZero();
        assertThat(again.imagesDeleted()).isZero();
        assertThat(again.batches()).isZero();
        assertThat(lake.ids("inference")).containsExactly(notYetBackedUp.inferenceId());

        lake.backupAt("2030-02-01T00:00:00Z");
        PurgeResult afterBackup = purge.run(TWO_WEEKS);

        assertThat(afterBackup.inferencesDeleted()).isEqualTo(1);
        assertThat(afterBackup.imagesDeleted()).isEqualTo(1);
        assertThat(lake.ids("inference")).isEmpty();
        assertThat(lake.ids("image")).isEmpty();
    }

    @Test
    void deletesInBatchesOfTheConfiguredSize()
    {
        for (int day = 1; day <= 5; day++) {
            lake.ingest("2030-01-0" + day + "T10:00:00Z", box(1, 0.9));
        }
        lake.backupAt("2030-01-05T10:00:00Z");
        lake.clock.set("2030-02-01T00:00:00Z");

        PurgeResult result = purge(PurgeOptions.defaults().withBatchSize(2)).run(TWO_WEEKS);

        assertThat(result.inferencesDeleted()).isEqualTo(5);
        assertThat(result.predictedBoxesDeleted()).isEqualTo(5);
        assertThat(result.imagesDeleted()).isEqualTo(5);
        // Three batches of inferences (2, 2, 1) and three of images.
        assertThat(result.batches()).isEqualTo(6);
        assertThat(lake.ids("image")).isEmpty();
    }

    @Test
    void waitsForEveryOtherRequiredStageToHaveReadTheRows()
    {
        IngestResult first = lake.ingest("2030-01-01T10:00:00Z", box(1, 0.9));
        IngestResult second = lake.ingest("2030-01-02T10:00:00Z", box(2, 0.9));
        lake.backupAt("2030-01-02T10:00:00Z");
        new Watermarks(lake.database, lake.clock).advance("warehouse", new Watermark(first.imageId(), first.inferenceId(), 0));
        lake.clock.set("2030-02-01T00:00:00Z");

        PurgeResult result = purge(PurgeOptions.defaults().withAlsoRequiredStages(List.of("warehouse"))).run(TWO_WEEKS);

        assertThat(result.limit()).isEqualTo(new Watermark(first.imageId(), first.inferenceId(), 0));
        assertThat(lake.ids("inference")).containsExactly(second.inferenceId());
        assertThat(lake.ids("image")).containsExactly(second.imageId());
    }

    @Test
    void anInferenceWithAReviewNotYetBackedUpStaysWithItsReviewsUntilABackupHoldsIt()
    {
        IngestResult reviewedEarly = lake.ingest("2030-01-01T10:00:00Z", box(1, 0.9));
        IngestResult reviewedLate = lake.ingest("2030-01-02T10:00:00Z", box(2, 0.9));
        StoredReview early = lake.review("2030-01-03T10:00:00Z", reviewedEarly.inferenceId(), Optional.empty(),
                NewReviewBox.accepted(lake.boxIds(reviewedEarly.inferenceId()).get(0)));
        lake.backupAt("2030-01-03T10:00:00Z");
        // Made after the backup: the review is in no backup, however old its inference is.
        StoredReview late = lake.review("2030-01-04T10:00:00Z", reviewedLate.inferenceId(), Optional.empty(),
                NewReviewBox.rejected(lake.boxIds(reviewedLate.inferenceId()).get(0)));
        lake.clock.set("2030-02-01T00:00:00Z");
        Purge purge = purge(PurgeOptions.defaults());

        PurgeResult result = purge.run(TWO_WEEKS);

        assertThat(result.limit()).isEqualTo(new Watermark(reviewedLate.imageId(), reviewedLate.inferenceId(), early.id()));
        assertThat(result.inferencesDeleted()).isEqualTo(1);
        assertThat(result.reviewsDeleted()).isEqualTo(1);
        assertThat(lake.ids("inference")).containsExactly(reviewedLate.inferenceId());
        assertThat(lake.ids("image")).containsExactly(reviewedLate.imageId());
        assertThat(lake.ids("review")).containsExactly(late.id());
        assertThat(lake.tables.column("review_box", "review_id", Long.class)).containsExactly(late.id());
        assertThat(lake.backedUpIds(Dataset.REVIEWS, "id")).containsExactly(early.id());

        lake.backupAt("2030-02-01T00:00:00Z");
        PurgeResult afterBackup = purge.run(TWO_WEEKS);

        assertThat(afterBackup.inferencesDeleted()).isEqualTo(1);
        assertThat(afterBackup.reviewsDeleted()).isEqualTo(1);
        assertThat(lake.ids("inference")).isEmpty();
        assertThat(lake.ids("review")).isEmpty();
        assertThat(lake.ids("review_box")).isEmpty();
        assertThat(lake.backedUpIds(Dataset.REVIEWS, "id")).containsExactly(early.id(), late.id());
    }

    @Test
    void aRequiredStageThatHasNotReadAReviewKeepsItsInference()
    {
        IngestResult reviewed = lake.ingest("2030-01-01T10:00:00Z", box(1, 0.9));
        IngestResult plain = lake.ingest("2030-01-02T10:00:00Z", box(2, 0.9));
        lake.review("2030-01-03T10:00:00Z", reviewed.inferenceId(), Optional.empty(), NewReviewBox.accepted(lake.boxIds(reviewed.inferenceId()).get(0)));
        lake.backupAt("2030-01-03T10:00:00Z");
        // The warehouse holds both inferences but not the review yet.
        new Watermarks(lake.database, lake.clock).advance("warehouse", new Watermark(plain.imageId(), plain.inferenceId(), 0));
        lake.clock.set("2030-02-01T00:00:00Z");

        PurgeResult result = purge(PurgeOptions.defaults().withAlsoRequiredStages(List.of("warehouse"))).run(TWO_WEEKS);

        assertThat(result.limit()).isEqualTo(new Watermark(plain.imageId(), plain.inferenceId(), 0));
        assertThat(result.inferencesDeleted()).isEqualTo(1);
        assertThat(result.reviewsDeleted()).isZero();
        assertThat(lake.ids("inference")).containsExactly(reviewed.inferenceId());
        assertThat(lake.ids("review")).hasSize(1);
    }

    @Test
    void refusesANegativeAge()
    {
        assertThatThrownBy(() -> purge(PurgeOptions.defaults()).run(Duration.ofDays(-1))).isInstanceOf(IllegalArgumentException.class);
    }

    private Purge purge(PurgeOptions config)
    {
        return new Purge(lake.database, config, lake.clock);
    }
}
