package org.cxr.lake.pipeline;

import org.cxr.lake.sql.Database;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** The stages' watermarks, kept in the relational database so every instance of the application shares them. */
public final class Watermarks
{
    /**
     * How old a row must be before an incremental stage takes it: a transaction that took a lower id may commit after
     * one with a higher id, and a watermark must never pass a row that is not visible yet. Longer than any upload takes.
     */
    public static final Duration DEFAULT_SETTLE_DELAY = Duration.ofSeconds(60);

    private final Database database;
    private final Clock clock;

    public Watermarks(Database database, Clock clock)
    {
        this.database = requireNonNull(database, "database");
        this.clock = requireNonNull(clock, "clock");
    }

    /** Where the stage has got to; {@link Watermark#START} before its first verified run. */
    public Watermark read(String stage)
    {
        Optional<Watermark> stored = database.jdbc().sql("SELECT last_image_id, last_inference_id, last_review_id FROM pipeline_watermark WHERE stage = ?")
                .param(stage)
                .query((rs, row) -> new Watermark(rs.getLong("last_image_id"), rs.getLong("last_inference_id"), rs.getLong("last_review_id")))
                .optional();
        return stored.orElse(Watermark.START);
    }

    /**
     * Forgets how far the stage has got: its next run starts from {@link Watermark#START}, as on a lake never
     * processed, and does again what the runs before it did. Not for the application, whose watermarks only move
     * forward; for a benchmark that runs a stage several times on one lake. Returns whether the stage had a watermark.
     */
    public boolean forget(String stage)
    {
        requireNonNull(stage, "stage");
        return database.jdbc().sql("DELETE FROM pipeline_watermark WHERE stage = ?").param(stage).update() > 0;
    }

    /** Moves the stage's watermark forward; never backwards, so a late or repeated call changes nothing. */
    public void advance(String stage, Watermark watermark)
    {
        Watermark current = read(stage);
        Watermark next = current.max(watermark);
        Object now = database.dialect().timestamp(clock.instant());
        int updated = database.jdbc().sql("UPDATE pipeline_watermark SET last_image_id = ?, last_inference_id = ?, last_review_id = ?, updated_at = ? WHERE stage = ?")
                .params(next.imageId(), next.inferenceId(), next.reviewId(), now, stage)
                .update();
        if (updated == 0) {
            database.jdbc().sql("INSERT INTO pipeline_watermark (stage, last_image_id, last_inference_id, last_review_id, updated_at) VALUES (?, ?, ?, ?, ?)")
                    .params(stage, next.imageId(), next.inferenceId(), next.reviewId(), now)
                    .update();
        }
    }
}
