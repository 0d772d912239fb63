package org.cxr.spark;

import com.mongodb.client.MongoClient;
import org.apache.spark.sql.SparkSession;
import org.cxr.backup.Backup;
import org.cxr.backup.BackupOptions;
import org.cxr.backup.BackupResult;
import org.cxr.datamart.DataMartResult;
import org.cxr.lake.pipeline.PipelineRun;
import org.cxr.lake.pipeline.PipelineRuns;
import org.cxr.lake.sql.Database;
import org.cxr.lake.store.ObjectStore;
import org.cxr.warehouse.Warehouse;
import org.cxr.warehouse.WarehouseClients;
import org.cxr.warehouse.WarehouseRunResult;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The entry point of {@code cxr-spark.jar}: {@code spark-submit --class org.cxr.spark.SparkStages cxr-spark.jar
 * backup|warehouse|datamart}, configured by the application's environment variables ({@link SparkSettings}). Each run
 * is recorded in the lake's run history under the stage's lease, as the application records its own; it prints one
 * line as {@code ./cxr} does ({@code backup run 12: SUCCEEDED {...}}) and exits 0 when the run succeeded, 1 when it
 * failed or did not start, 2 on bad arguments or settings.
 */
public final class SparkStages
{
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String USAGE = "usage: SparkStages backup|warehouse|datamart [--master URL] [--out DIR]";

    private SparkStages() {}

    /** The stages a job runs, named as the application names them. */
    enum Stage
    {
        BACKUP, WAREHOUSE, DATAMART;

        String id()
        {
            return name().toLowerCase(Locale.ROOT);
        }

        static Stage of(String id)
        {
            for (Stage stage : values()) {
                if (stage.id().equals(id)) {
                    return stage;
                }
            }
            throw new IllegalArgumentException("No stage '" + id + "'; the stages are backup, warehouse and datamart.");
        }
    }

    /** What a run did, for the run history: as the application's stage tasks count it, with {@code engine: spark}. */
    record Outcome(long rowsRead, long rowsWritten, Map<String, Object> detail)
    {
        Outcome
        {
            detail = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(detail));
        }
    }

    public static void main(String[] args)
    {
        System.exit(run(args, System.getenv()));
    }

    static int run(String[] args, Map<String, String> environment)
    {
        Stage stage;
        Optional<String> master = Optional.empty();
        SparkSettings settings;
        try {
            List<String> rest = new ArrayList<>(List.of(args));
            master = option(rest, "--master");
            Optional<String> out = option(rest, "--out");
            if (rest.size() != 1) {
                throw new IllegalArgumentException(USAGE);
            }
            stage = Stage.of(rest.get(0));
            settings = SparkSettings.fromEnvironment(environment);
            if (out.isPresent()) {
                settings = settings.withDataMartDirectory(Path.of(out.get()).toAbsolutePath());
            }
        }
        catch (IllegalArgumentException e) {
            System.err.println("cxr: " + e.getMessage());
            return 2;
        }
        SparkSession spark = null;
        try (Database database = Database.connect(settings.databaseConfig())) {
            spark = SparkJobs.session("cxr-" + stage.id(), master, settings);
            PipelineRun run = execute(stage, spark, settings, database, Clock.systemUTC(), JobFaults.NONE);
            System.out.println(stage.id() + " run " + run.id() + ": " + run.status() + run.detail().map(d -> " " + d).orElse("")
                    + run.error().map(e -> " " + e).orElse(""));
            return run.status() == PipelineRun.Status.SUCCEEDED ? 0 : 1;
        }
        catch (RecordedRun.StageBusyException e) {
            System.out.println(stage.id() + " run " + e.runId() + ": FAILED " + e.getMessage());
            return 1;
        }
        catch (RuntimeException e) {
            // The database could not be reached, so the run could not even be recorded.
            System.err.println("cxr: the " + stage.id() + " job did not start: " + RecordedRun.describe(e));
            return 1;
        }
        finally {
            if (spark != null) {
                spark.stop();
            }
        }
    }

    /** Runs the stage as one recorded run under its lease; returns the run as the history holds it. */
    static PipelineRun execute(Stage stage, SparkSession spark, SparkSettings settings, Database database, Clock clock, JobFaults faults)
    {
        requireNonNull(stage, "stage");
        PipelineRuns runs = new PipelineRuns(database, clock);
        try (RecordedRun run = RecordedRun.claim(runs, stage.id())) {
            try {
                Outcome outcome = switch (stage) {
                    case BACKUP -> backup(spark, settings, database, clock, faults);
                    case WAREHOUSE -> warehouse(spark, settings, database, clock, faults);
                    case DATAMART -> dataMart(spark, settings, clock, faults);
                };
                run.succeed(outcome.rowsRead(), outcome.rowsWritten(), JSON.writeValueAsString(outcome.detail()));
            }
            catch (Exception | Error e) {
                // A failed Spark job too, which Scala throws as the checked SparkException, and an Error (classes of
                // mismatched versions on a cluster): the run must not stay RUNNING.
                run.fail(e);
                if (e instanceof Error error) {
                    throw error;
                }
            }
            return runs.find(run.runId()).orElseThrow();
        }
    }

    private static Outcome backup(SparkSession spark, SparkSettings settings, Database database, Clock clock, JobFaults faults)
    {
        try (ObjectStore store = ObjectStore.create(settings.objectStoreConfig())) {
            BackupOptions options = BackupOptions.defaults().withPrefix(settings.backupPrefix()).withSettleDelay(settings.settle());
            BackupResult r = new Backup(database, store, options, clock, new SparkBackup(spark, settings, database, store, faults)).run();
            return new Outcome(r.rowsRead(), r.rowsWritten(), bySpark(r.summary()));
        }
    }

    private static Outcome warehouse(SparkSession spark, SparkSettings settings, Database database, Clock clock, JobFaults faults)
    {
        try (MongoClient client = WarehouseClients.create(settings.warehouseConfig())) {
            WarehouseRunResult r = new SparkWarehouse(spark, settings, database, WarehouseClients.database(client, settings.warehouseConfig()), clock, faults).run();
            return new Outcome(r.rowsRead(), r.rowsWritten(), bySpark(r.summary()));
        }
    }

    private static Outcome dataMart(SparkSession spark, SparkSettings settings, Clock clock, JobFaults faults)
    {
        try (ObjectStore store = ObjectStore.create(settings.objectStoreConfig())) {
            DataMartResult r = new SparkDataMart(spark, settings, store, clock, faults).run();
            return new Outcome(r.images(), r.annotations(), bySpark(r.summary()));
        }
    }

    /** The stage's summary, as the application records it, said to be Spark's. */
    private static Map<String, Object> bySpark(Map<String, Object> summary)
    {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("engine", "spark");
        detail.putAll(summary);
        return detail;
    }

    private static Optional<String> option(List<String> args, String name)
    {
        int at = args.indexOf(name);
        if (at < 0) {
            return Optional.empty();
        }
        if (at + 1 >= args.size()) {
            throw new IllegalArgumentException(name + " needs a value; " + USAGE);
        }
        String value = args.get(at + 1);
        args.remove(at + 1);
        args.remove(at);
        return Optional.of(value);
    }
}
