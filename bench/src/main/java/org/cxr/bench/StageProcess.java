package org.cxr.bench;

import com.mongodb.client.MongoClient;
import org.cxr.backup.Backup;
import org.cxr.backup.BackupOptions;
import org.cxr.backup.BackupResult;
import org.cxr.lake.embedded.EmbeddedPostgres;
import org.cxr.lake.embedded.EmbeddedS3;
import org.cxr.lake.sql.Database;
import org.cxr.lake.sql.DatabaseConfig;
import org.cxr.lake.store.ObjectStore;
import org.cxr.lake.store.ObjectStoreConfig;
import org.cxr.warehouse.Warehouse;
import org.cxr.warehouse.WarehouseClients;
import org.cxr.warehouse.WarehouseConfig;
import org.cxr.warehouse.WarehouseOptions;
import org.cxr.warehouse.WarehouseRunResult;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Properties;

/**
 * One run of one of our stages (backup or warehouse) in a JVM of its own, on a lake that {@link PeerBenchmark} made:
 * so that our stages are measured as the original's peers are, as a process (wall time, peak resident set), besides
 * the stage's own time and heap. The stage runs as its scheduled run would, with its watermark: the first run copies
 * everything, a later one only what is new. Prints one JSON line.
 *
 * <pre>java -Xmx2g ... StageProcess backup|warehouse POSTGRES_PORT ADDRESS_FILE WORK_DIR</pre>
 */
public final class StageProcess
{
    private StageProcess() {}

    public static void main(String[] args)
            throws Exception
    {
        long jvmStart = java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
        if (args.length != 4 || !(args[0].equals("backup") || args[0].equals("warehouse"))) {
            System.err.println("usage: StageProcess backup|warehouse POSTGRES_PORT ADDRESS_FILE WORK_DIR");
            System.exit(2);
        }
        String stage = args[0];
        DatabaseConfig lake = DatabaseConfig.of("jdbc:postgresql://localhost:" + Integer.parseInt(args[1]) + "/" + EmbeddedPostgres.DATABASE,
                EmbeddedPostgres.USER, null);
        Properties servers = PipelineBenchmark.addresses(Path.of(args[2]));
        Path work = Path.of(args[3]);

        try (HeapMeter heap = new HeapMeter(); Database database = Database.connect(lake)) {
            System.gc();
            heap.reset();
            long start = System.nanoTime();
            String result = switch (stage) {
                case "backup" -> backup(database, servers, work);
                case "warehouse" -> warehouse(database, servers);
                default -> throw new AssertionError(stage);
            };
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT, "{\"ours\": \"%s\", \"seconds\": %.2f, \"startupSeconds\": %.2f, \"peakHeapMb\": %.0f, \"maxHeapAfterGcMb\": %.0f, "
                            + "\"xmxMb\": %.0f, \"result\": %s}%n",
                    stage, seconds, (System.currentTimeMillis() - jvmStart) / 1e3 - seconds, heap.peakMb(), heap.maxAfterGcMb(), HeapMeter.maxHeapMb(), result);
        }
    }

    private static String backup(Database database, Properties servers, Path work)
            throws Exception
    {
        ObjectStoreConfig s3 = ObjectStoreConfig.local(PipelineBenchmark.BUCKET, URI.create(servers.getProperty(PipelineServers.S3_ENDPOINT)),
                EmbeddedS3.ACCESS_KEY, EmbeddedS3.SECRET_KEY);
        try (ObjectStore store = ObjectStore.create(s3)) {
            BackupOptions options = BackupOptions.defaults().withSettleDelay(Duration.ZERO).withWorkDirectory(Files.createDirectories(work));
            BackupResult result = new Backup(database, store, options, Clock.systemUTC()).run();
            return ("{\"images\": %d, \"inferences\": %d, \"boxes\": %d, \"detectionRows\": %d, \"files\": %d, \"bytes\": %d}").formatted(
                    result.rows().images(), result.rows().inferences(), result.rows().predictedBoxes(), result.rows().detections(), result.files(),
                    result.bytes());
        }
    }

    private static String warehouse(Database database, Properties servers)
    {
        WarehouseConfig config = WarehouseConfig.of(servers.getProperty(PipelineServers.WAREHOUSE_URI));
        try (MongoClient mongo = WarehouseClients.create(config)) {
            WarehouseOptions options = WarehouseOptions.defaults().withSettleDelay(Duration.ZERO);
            WarehouseRunResult result = new Warehouse(database, WarehouseClients.database(mongo, config), options, Clock.systemUTC()).run();
            return ("{\"inferences\": %d, \"boxes\": %d, \"pages\": %d, \"documentsInserted\": %d, \"documentsUpdated\": %d, \"inferencesAppended\": %d}").formatted(
                    result.inferencesRead(), result.boxesRead(), result.pages(), result.documentsInserted(), result.documentsUpdated(),
                    result.inferencesAppended());
        }
    }
}
