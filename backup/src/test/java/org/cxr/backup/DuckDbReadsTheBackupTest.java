package org.cxr.backup;

import org.cxr.lake.IngestResult;
import org.cxr.lake.NewReviewBox;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cxr.backup.TestLake.box;

/** The backup's files as a reader that shares no code with the writer sees them: DuckDB, over the files the manifest lists. */
class DuckDbReadsTheBackupTest
{
    @RegisterExtension
    static final TestServers servers = TestServers.postgres();

    private final TestLake lake = servers.newLake();

    @TempDir
    Path directory;

    @Test
    void everyDatasetReadsAsTheLakesRowsWithTypedColumnsAndIngestDatePartitions()
            throws Exception
    {
        IngestResult first = lake.ingest("2030-03-01T10:00:00Z", TestLake.uniquePng(), "Röntgen \"thorax\" ✓.png", Optional.of("dr-who"), box(1, 0.91), box(4, 0.62));
        IngestResult nothingFound = lake.ingest("2030-03-01T23:59:59.999999Z", TestLake.uniquePng(), "empty.png", Optional.empty());
        IngestResult second = lake.ingest("2030-03-02T09:00:00Z", box(2, 0.7), box(2, 0.3), box(0, 0.55));
        List<Long> boxes = lake.boxIds(first.inferenceId());
        lake.review("2030-03-02T10:00:00Z", first.inferenceId(), Optional.of("left base"),
                NewReviewBox.accepted(boxes.get(0)),
                NewReviewBox.rejected(boxes.get(1)),
                NewReviewBox.added(3, new NewReviewBox.Corners(100, 100, 200, 150)));
        lake.backupAt("2030-03-02T11:00:00Z");
        download();

        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:"); Statement sql = duckdb.createStatement()) {
            for (Dataset dataset : Dataset.values()) {
                String partitioned = dataset == Dataset.MODEL_VERSIONS ? "" : "/*";
                sql.execute("CREATE VIEW " + dataset.directory() + " AS SELECT * FROM read_parquet('" + directory.resolve("backups").resolve(dataset.directory())
                        + partitioned + "/*.parquet', hive_partitioning = " + !partitioned.isEmpty() + ")");
            }

            List<Map<String, Object>> images = lake.rows("image");
            assertThat(rows(sql, "SELECT id, sha256, original_file_name, media_type, width, height, size_bytes, CAST(ingest_date AS VARCHAR) FROM images ORDER BY id"))
                    .containsExactly(
                            List.of(first.imageId(), first.sha256(), "Röntgen \"thorax\" ✓.png", "image/png", 512, 384, 300L, "2030-03-01"),
                            List.of(nothingFound.imageId(), nothingFound.sha256(), "empty.png", "image/png", 512, 384, 300L, "2030-03-01"),
                            List.of(second.imageId(), second.sha256(), images.get(2).get("original_file_name"), "image/png", 512, 384, 300L, "2030-03-02"));
            // Timestamps are instants to the microsecond, not numbers.
            assertThat(rows(sql, "SELECT typeof(first_seen), strftime(first_seen AT TIME ZONE 'UTC', '%Y-%m-%d %H:%M:%S.%f') FROM images WHERE id = " + nothingFound.imageId()))
                    .containsExactly(List.of("TIMESTAMP WITH TIME ZONE", "2030-03-01 23:59:59.999999"));
            assertThat(rows(sql, "SELECT id, user_name FROM inferences ORDER BY id"))
                    .containsExactly(List.of(first.inferenceId(), "dr-who"), List.of(nothingFound.inferenceId(), "null"), List.of(second.inferenceId(), "radiologist"));
            assertThat(rows(sql, "SELECT count(*), count(DISTINCT inference_id), min(score), max(score) FROM predicted_boxes"))
                    .containsExactly(List.of(5L, 2L, 0.3, 0.91));

            // The detections dataset is the left join of the three tables, row for row.
            String join = """
                    SELECT i.id AS inference_id, i.created_at, i.model_name, i.user_name, m.id AS image_id, m.sha256 AS image_sha256, m.object_key,
                           m.original_file_name, m.first_seen, b.id AS box_id, b.class_id, b.class_name, b.score, b.x_min, b.y_min, b.x_max, b.y_max
                    FROM inferences i JOIN images m ON m.id = i.image_id LEFT JOIN predicted_boxes b ON b.inference_id = i.id
                    """;
            String detections = """
                    SELECT inference_id, created_at, model_name, user_name, image_id, image_sha256, object_key, original_file_name, first_seen,
                           box_id, class_id, class_name, score, x_min, y_min, x_max, y_max
                    FROM detections
                    """;
            assertThat(rows(sql, "SELECT count(*) FROM detections")).containsExactly(List.of(6L));
            assertThat(rows(sql, "SELECT count(*) FROM ((" + detections + ") EXCEPT ALL (" + join + "))")).containsExactly(List.of(0L));
            assertThat(rows(sql, "SELECT count(*) FROM ((" + join + ") EXCEPT ALL (" + detections + "))")).containsExactly(List.of(0L));
            assertThat(rows(sql, "SELECT inference_id, box_id IS NULL, class_name IS NULL FROM detections WHERE box_id IS NULL"))
                    .containsExactly(List.of(nothingFound.inferenceId(), true, true));

            assertThat(rows(sql, "SELECT name, len(class_names), class_names[5] FROM model_versions")).containsExactly(List.of("retinanet-r101", 5L, "Nodule/Mass"));
            assertThat(rows(sql, "SELECT reviewer, comment, CAST(ingest_date AS VARCHAR) FROM reviews")).containsExactly(List.of("dr-house", "left base", "2030-03-02"));
            assertThat(rows(sql, "SELECT decision, predicted_box_id IS NULL, class_id, x_max FROM review_boxes ORDER BY id")).containsExactly(
                    List.of("accepted", false, 1, 110.75),
                    List.of("rejected", false, "null", "null"),
                    List.of("added", true, 3, 200.0));
        }
    }

    /** The files every manifest lists, under their keys. */
    private void download()
            throws Exception
    {
        for (Manifest manifest : lake.manifests()) {
            for (ManifestFile file : manifest.files()) {
                Path local = directory.resolve(file.key());
                Files.createDirectories(local.getParent());
                Files.write(local, lake.store.get(file.key()).orElseThrow());
            }
        }
    }

    private static List<List<Object>> rows(Statement sql, String query)
            throws SQLException
    {
        List<List<Object>> rows = new ArrayList<>();
        try (ResultSet result = sql.executeQuery(query)) {
            int columns = result.getMetaData().getColumnCount();
            while (result.next()) {
                List<Object> row = new ArrayList<>(columns);
                for (int column = 1; column <= columns; column++) {
                    Object value = result.getObject(column);
                    row.add(value == null ? "null" : value);
                }
                rows.add(row);
            }
        }
        return rows;
    }
}
