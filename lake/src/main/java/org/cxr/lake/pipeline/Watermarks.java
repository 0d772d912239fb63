package org.cxr.lake.pipeline;

import org.cxr.lake.db.Database;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.time.Clock;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** The stages' watermarks, kept in the relational database so every instance of the application shares them. */
public final class Watermarks
{
    private final Database database;
    private final JdbcClient jdbc;
    private final Clock clock;

    public Watermarks(Database database, Clock clock)
    {
        this.database = requireNonNull(database, "database");
        this.jdbc = JdbcClient.create(database.dataSource());
        this.clock = requireNonNull(clock, "clock");
    }

    /** Where the stage has got to; {@link Watermark#START} before its first verified run. */
    public Watermark read(String stage)
    {
        Optional<Watermark> stored = jdbc.sql("SELECT last_image_id, last_inference_id FROM pipeline_watermark WHERE stage = ?")
                .param(stage)
                .query((rs, row) -> new Watermark(rs.getLong("last_image_id"), rs.getLong("last_inference_id")))
                .optional();
        return stored.orElse(Watermark.START);
    }

    /** Moves the stage's watermark forward; never backwards, so a late or repeated call changes nothing. */
    public void advance(String stage, Watermark watermark)
    {
        Watermark current = read(stage);
        Watermark next = new Watermark(Math.max(current.imageId(), watermark.imageId()), Math.max(current.inferenceId(), watermark.inferenceId()));
        Object now = database.dialect().timestamp(clock.instant());
        int updated = jdbc.sql("UPDATE pipeline_watermark SET last_image_id = ?, last_inference_id = ?, updated_at = ? WHERE stage = ?")
                .params(next.imageId(), next.inferenceId(), now, stage)
                .update();
        if (updated == 0) {
            jdbc.sql("INSERT INTO pipeline_watermark (stage, last_image_id, last_inference_id, updated_at) VALUES (?, ?, ?, ?)")
                    .params(stage, next.imageId(), next.inferenceId(), now)
                    .update();
        }
    }
}
