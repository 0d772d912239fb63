package org.cxr.app.pipeline;

import org.cxr.backup.BackupCatalog;
import org.cxr.backup.BackupOptions;
import org.cxr.backup.BackupVerifier;
import org.cxr.backup.Manifest;
import org.cxr.lake.LakeCounts;
import org.cxr.lake.LakeRows;
import org.cxr.lake.pipeline.Watermark;
import org.cxr.lake.pipeline.Watermarks;
import org.cxr.lake.sql.Database;
import org.cxr.lake.store.ObjectStore;
import org.cxr.warehouse.WarehouseCounts;
import org.cxr.warehouse.WarehouseReader;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * Compares what each layer holds: the relational lake, the Parquet backup (row counts and file checksums of every
 * verified manifest), the warehouse and the data mart. Each stage is compared on what it has claimed so far (its
 * watermark), so a stage that simply has not run since the last upload is not a difference; rows a purge removed
 * from the database after their backup are reported as such, not as missing. Radiologists' reviews and their
 * decisions are compared in the backup and the warehouse, by the review id of each watermark; the data mart holds
 * the model's boxes only, not reviews.
 */
public final class Reconciliation
{
    private final Database database;
    private final ObjectStore store;
    private final BackupOptions backupOptions;
    private final WarehouseConnection warehouse;
    private final Path dataMart;

    public Reconciliation(Database database, ObjectStore store, BackupOptions backupOptions, WarehouseConnection warehouse, Path dataMart)
    {
        this.database = requireNonNull(database, "database");
        this.store = requireNonNull(store, "store");
        this.backupOptions = requireNonNull(backupOptions, "backupOptions");
        this.warehouse = requireNonNull(warehouse, "warehouse");
        this.dataMart = requireNonNull(dataMart, "dataMart");
    }

    /**
     * What was compared ({@code lines}) and what differs ({@code differences}: each one means something is missing);
     * {@code counts} are the numbers of the lines, by layer ({@code database}, {@code backup}, {@code warehouse},
     * {@code dataMart}) and by what is counted, for a program to read.
     */
    public record Report(List<String> lines, List<String> differences, List<String> notes, Map<String, Map<String, Long>> counts)
    {
        public Report
        {
            lines = List.copyOf(lines);
            differences = List.copyOf(differences);
            notes = List.copyOf(notes);
            // In the order the layers were compared, which is the order of the lines.
            Map<String, Map<String, Long>> copy = new LinkedHashMap<>();
            counts.forEach((layer, numbers) -> copy.put(layer, Collections.unmodifiableMap(new LinkedHashMap<>(numbers))));
            counts = Collections.unmodifiableMap(copy);
        }

        /** A report as a running server's reconciliation answered it to the command line, which prints only the lines. */
        public Report(List<String> lines, List<String> differences, List<String> notes)
        {
            this(lines, differences, notes, Map.of());
        }

        public boolean consistent()
        {
            return differences.isEmpty();
        }
    }

    public Report run()
    {
        List<String> lines = new ArrayList<>();
        List<String> differences = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        LakeRows rows = new LakeRows(database);
        Watermarks watermarks = new Watermarks(database, Clock.systemUTC());

        Map<String, Map<String, Long>> counts = new LinkedHashMap<>();

        LakeCounts all = rows.counts();
        lines.add("database: %d images, %d inferences, %d predicted boxes, %d reviews, %d review boxes"
                .formatted(all.images(), all.inferences(), all.predictedBoxes(), all.reviews(), all.reviewBoxes()));
        counts.put("database", tableCounts(all.images(), all.inferences(), all.predictedBoxes(), all.reviews(), all.reviewBoxes()));

        // Backup: every row up to the backup watermark must be in a verified manifest, byte for byte.
        Watermark backupMark = watermarks.read("backup");
        List<Manifest> manifests = new BackupCatalog(store, backupOptions).manifests();
        long backedImages = manifests.stream().mapToLong(m -> m.rows().images()).sum();
        long backedInferences = manifests.stream().mapToLong(m -> m.rows().inferences()).sum();
        long backedBoxes = manifests.stream().mapToLong(m -> m.rows().predictedBoxes()).sum();
        long backedReviews = manifests.stream().mapToLong(m -> m.rows().reviews()).sum();
        long backedReviewBoxes = manifests.stream().mapToLong(m -> m.rows().reviewBoxes()).sum();
        lines.add("backup: %d manifests, %d images, %d inferences, %d predicted boxes, %d reviews, %d review boxes (watermark: inference %d, review %d)"
                .formatted(manifests.size(), backedImages, backedInferences, backedBoxes, backedReviews, backedReviewBoxes, backupMark.inferenceId(),
                        backupMark.reviewId()));
        Map<String, Long> backup = new LinkedHashMap<>();
        backup.put("manifests", (long) manifests.size());
        backup.putAll(tableCounts(backedImages, backedInferences, backedBoxes, backedReviews, backedReviewBoxes));
        counts.put("backup", backup);
        LakeCounts inBackupRange = rows.countsUpTo(backupMark);
        compare(differences, notes, "backup", "images", inBackupRange.images(), backedImages);
        compare(differences, notes, "backup", "inferences", inBackupRange.inferences(), backedInferences);
        compare(differences, notes, "backup", "predicted boxes", inBackupRange.predictedBoxes(), backedBoxes);
        compare(differences, notes, "backup", "reviews", inBackupRange.reviews(), backedReviews);
        compare(differences, notes, "backup", "review boxes", inBackupRange.reviewBoxes(), backedReviewBoxes);
        BackupVerifier verifier = new BackupVerifier(store);
        for (Manifest manifest : manifests) {
            for (String problem : verifier.problems(manifest)) {
                differences.add("backup run " + manifest.runId() + ": " + problem);
            }
        }
        if (all.inferences() > inBackupRange.inferences()) {
            notes.add("%d inference(s) are newer than the last backup; the next backup run takes them".formatted(all.inferences() - inBackupRange.inferences()));
        }
        if (all.reviews() > inBackupRange.reviews()) {
            notes.add("%d review(s) are newer than the last backup; the next backup run takes them".formatted(all.reviews() - inBackupRange.reviews()));
        }

        // Warehouse: every inference up to its watermark is nested in its image's document, every review up to it in its inference.
        Watermark warehouseMark = watermarks.read("warehouse");
        WarehouseCounts stored = new WarehouseReader(warehouse.database()).counts();
        lines.add("warehouse: %d documents, %d inferences, %d boxes, %d reviews, %d review boxes (watermark: inference %d, review %d)"
                .formatted(stored.documents(), stored.inferences(), stored.boxes(), stored.reviews(), stored.reviewBoxes(), warehouseMark.inferenceId(),
                        warehouseMark.reviewId()));
        Map<String, Long> inWarehouse = new LinkedHashMap<>();
        inWarehouse.put("documents", stored.documents());
        inWarehouse.put("inferences", stored.inferences());
        inWarehouse.put("predictedBoxes", stored.boxes());
        inWarehouse.put("reviews", stored.reviews());
        inWarehouse.put("reviewBoxes", stored.reviewBoxes());
        counts.put("warehouse", inWarehouse);
        LakeCounts inWarehouseRange = rows.countsUpTo(warehouseMark);
        compare(differences, notes, "warehouse", "documents (images)", inWarehouseRange.imagesWithInferences(), stored.documents());
        compare(differences, notes, "warehouse", "inferences", inWarehouseRange.inferences(), stored.inferences());
        compare(differences, notes, "warehouse", "boxes", inWarehouseRange.predictedBoxes(), stored.boxes());
        compare(differences, notes, "warehouse", "reviews", inWarehouseRange.reviews(), stored.reviews());
        compare(differences, notes, "warehouse", "review boxes", inWarehouseRange.reviewBoxes(), stored.reviewBoxes());

        // Data mart: one COCO image per warehouse document, in a reviewed split or among the unreviewed.
        Path train = dataMart.resolve("annotations/train.json");
        Path validation = dataMart.resolve("annotations/val.json");
        Path unreviewed = dataMart.resolve("annotations/unreviewed.json");
        if (!Files.isRegularFile(train) || !Files.isRegularFile(validation) || !Files.isRegularFile(unreviewed)) {
            if (stored.documents() > 0) {
                differences.add("data mart: no complete export in " + dataMart + ", the warehouse holds " + stored.documents() + " documents");
            }
            lines.add("data mart: no export in " + dataMart);
        }
        else {
            long[] t = cocoCounts(train);
            long[] v = cocoCounts(validation);
            long[] u = cocoCounts(unreviewed);
            long images = t[0] + v[0] + u[0];
            lines.add("data mart: %d images (%d train, %d validation reviewed; %d unreviewed), %d reviewed labels, %d predicted boxes of unreviewed images in %s"
                    .formatted(images, t[0], v[0], u[0], t[1] + v[1], u[1], dataMart));
            Map<String, Long> exported = new LinkedHashMap<>();
            exported.put("images", images);
            exported.put("reviewedImages", t[0] + v[0]);
            exported.put("unreviewedImages", u[0]);
            exported.put("labels", t[1] + v[1]);
            exported.put("annotations", t[1] + v[1] + u[1]);
            counts.put("dataMart", exported);
            if (images < stored.documents()) {
                differences.add("data mart: %d images, the warehouse holds %d documents".formatted(images, stored.documents()));
            }
        }
        return new Report(lines, differences, notes, counts);
    }

    /** The rows of the lake's tables as a layer holds them, named as the JSON names them. */
    private static Map<String, Long> tableCounts(long images, long inferences, long predictedBoxes, long reviews, long reviewBoxes)
    {
        Map<String, Long> rows = new LinkedHashMap<>();
        rows.put("images", images);
        rows.put("inferences", inferences);
        rows.put("predictedBoxes", predictedBoxes);
        rows.put("reviews", reviews);
        rows.put("reviewBoxes", reviewBoxes);
        return rows;
    }

    private static void compare(List<String> differences, List<String> notes, String layer, String what, long expected, long actual)
    {
        if (actual < expected) {
            differences.add("%s: %d %s missing (database %d, %s %d)".formatted(layer, expected - actual, what, expected, layer, actual));
        }
        else if (actual > expected) {
            notes.add("%s holds %d %s no longer in the database (purged after backup, or restored elsewhere)".formatted(layer, actual - expected, what));
        }
    }

    /** Images and annotations in a COCO file, read as a stream so a large export needs no memory. */
    static long[] cocoCounts(Path file)
    {
        long images = 0;
        long annotations = 0;
        try (JsonParser parser = JsonMapper.builder().build().createParser(file.toFile())) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalStateException(file + " is not a COCO object");
            }
            while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = parser.currentName();
                parser.nextToken();
                if ((name.equals("images") || name.equals("annotations")) && parser.currentToken() == JsonToken.START_ARRAY) {
                    long n = 0;
                    while (parser.nextToken() != JsonToken.END_ARRAY) {
                        parser.skipChildren();
                        n++;
                    }
                    if (name.equals("images")) {
                        images = n;
                    }
                    else {
                        annotations = n;
                    }
                }
                else {
                    parser.skipChildren();
                }
            }
        }
        return new long[] {images, annotations};
    }
}
