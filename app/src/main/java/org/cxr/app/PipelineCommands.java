package org.cxr.app;

import org.cxr.app.pipeline.Reconciliation;
import org.cxr.app.pipeline.Stage;
import org.cxr.backup.Purge;
import org.cxr.backup.PurgeOptions;
import org.cxr.backup.PurgeResult;
import org.cxr.backup.Restore;
import org.cxr.backup.RestoreResult;
import org.cxr.backup.BackupOptions;
import org.cxr.lake.sql.Database;
import org.cxr.lake.store.ObjectStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/** The pipeline stages from the command line. */
final class PipelineCommands
{
    private PipelineCommands() {}

    static Duration parseAge(String text)
    {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        try {
            if (t.endsWith("d")) {
                return Duration.ofDays(Long.parseLong(t.substring(0, t.length() - 1)));
            }
            if (t.endsWith("h")) {
                return Duration.ofHours(Long.parseLong(t.substring(0, t.length() - 1)));
            }
            return Duration.parse(text);
        }
        catch (RuntimeException e) {
            throw new IllegalArgumentException("'" + text + "' is not an age: write for example 90d, 36h or P90D.");
        }
    }

    /** How a stage is run by the command: its builtin code in this process (default), or its Spark job. */
    static final class EngineOptions
    {
        @Spec(Spec.Target.MIXEE)
        CommandSpec command;

        @Option(names = "--engine", paramLabel = "ENGINE", defaultValue = "builtin", converter = Engine.Converter.class,
                description = "builtin (the default: in this process) or spark: the stage's Spark job (cxr-spark.jar, $CXR_SPARK_JAR) in a child process,"
                        + " by $SPARK_HOME/bin/spark-submit, else by java.")
        Engine engine;

        @Option(names = "--master", paramLabel = "URL", description = "With --engine spark: the Spark master (default: spark-submit's, else local[*]).")
        String master;

        /** Runs the stage with the engine asked for; options of the other engine are a usage error. */
        int runStage(Stage stage, Map<String, Object> overrides, URI server)
        {
            if (engine != Engine.SPARK && master != null) {
                throw new ParameterException(command.commandLine(), "--master is for --engine spark");
            }
            if (engine == Engine.SPARK && server != null) {
                throw new ParameterException(command.commandLine(), "--server is for the builtin engine: the Spark engine runs the job itself");
            }
            return PipelineCli.runStage(stage, overrides, Optional.ofNullable(server), engine, Optional.ofNullable(master));
        }
    }

    @Command(name = "backup", mixinStandardHelpOptions = true,
            description = "Stage 3: back up what is new in the database to S3 as Parquet, verify it, and (opt-in) purge old rows that are safely backed up.")
    static final class BackupCommand
            implements Callable<Integer>
    {
        @Option(names = "--purge-older-than", paramLabel = "AGE",
                description = "After the backup, delete database rows older than AGE (e.g. 90d) that are in a verified backup and in the warehouse.")
        String purgeOlderThan;

        @Option(names = "--server", paramLabel = "URL", description = "The running server to ask when it holds the data directory (default: the address it left there).")
        URI server;

        @Mixin
        EngineOptions engine;

        @Override
        public Integer call()
        {
            Duration age = purgeOlderThan == null ? null : parseAge(purgeOlderThan);
            int status = engine.runStage(Stage.BACKUP, Map.of(), server);
            if (status != 0 || age == null) {
                return status;
            }
            PurgeResult purged = PipelineCli.withContext(Map.of(), context -> new Purge(context.getBean(Database.class),
                    PurgeOptions.defaults().withAlsoRequiredStages(List.of("warehouse")), Clock.systemUTC()).run(age));
            System.out.printf("purge: %d inferences, %d predicted boxes, %d images deleted (older than %s, up to inference %d)%n",
                    purged.inferencesDeleted(), purged.predictedBoxesDeleted(), purged.imagesDeleted(), purged.cutoff(), purged.limit().inferenceId());
            return 0;
        }
    }

    @Command(name = "restore", mixinStandardHelpOptions = true,
            description = "Load every verified Parquet backup into an empty database (ids preserved).")
    static final class RestoreCommand
            implements Callable<Integer>
    {
        @Override
        public Integer call()
        {
            RestoreResult restored = PipelineCli.withContext(Map.of(), context -> new Restore(context.getBean(Database.class),
                    context.getBean(ObjectStore.class), context.getBean(BackupOptions.class), Clock.systemUTC()).run());
            System.out.printf("restore: %d manifests, %d images, %d inferences, %d predicted boxes%n",
                    restored.manifests(), restored.images(), restored.inferences(), restored.predictedBoxes());
            return 0;
        }
    }

    @Command(name = "warehouse", mixinStandardHelpOptions = true,
            description = "Stage 4: append new inferences to their image documents in the warehouse (MongoDB wire protocol).")
    static final class WarehouseCommand
            implements Callable<Integer>
    {
        @Option(names = "--server", paramLabel = "URL", description = "The running server to ask when it holds the data directory.")
        URI server;

        @Mixin
        EngineOptions engine;

        @Override
        public Integer call()
        {
            return engine.runStage(Stage.WAREHOUSE, Map.of(), server);
        }
    }

    @Command(name = "datamart", mixinStandardHelpOptions = true,
            description = "Stage 5: export the warehouse and its images as a COCO dataset (train/val split by image hash) to a folder.")
    static final class DataMartCommand
            implements Callable<Integer>
    {
        @Option(names = "--out", paramLabel = "DIR", description = "The data mart folder (default: $CXR_DATAMART_DIR, else datamart/ in the data directory).")
        Path out;

        @Option(names = "--server", paramLabel = "URL", description = "The running server to ask when it holds the data directory (it writes to its own folder).")
        URI server;

        @Mixin
        EngineOptions engine;

        @Override
        public Integer call()
        {
            Map<String, Object> settings = out == null ? Map.of() : Map.of("cxr.pipelines.datamart.directory", out.toAbsolutePath().toString());
            return engine.runStage(Stage.DATAMART, settings, server);
        }
    }

    @Command(name = "reconcile", mixinStandardHelpOptions = true,
            description = "Compare the database, the Parquet backup, the warehouse and the data mart; exit 1 when something is missing.")
    static final class ReconcileCommand
            implements Callable<Integer>
    {
        @Option(names = "--datamart", paramLabel = "DIR", description = "The data mart folder to check (default: the configured one; a running server checks its own).")
        Path datamart;

        @Option(names = "--server", paramLabel = "URL", description = "The running server to ask when it holds the data directory (default: the address it left there).")
        URI server;

        @Override
        public Integer call()
        {
            Map<String, Object> settings = datamart == null ? Map.of() : Map.of("cxr.pipelines.datamart.directory", datamart.toAbsolutePath().toString());
            Optional<RemotePipeline> running = PipelineCli.runningServer(settings, Optional.ofNullable(server));
            Reconciliation.Report report;
            if (running.isPresent()) {
                System.err.println("cxr: a server holds the data directory; asking it at " + running.get().server() + " to compare the layers...");
                RemotePipeline.Reconciliation remote = running.get().reconcile();
                report = new Reconciliation.Report(remote.lines(), remote.differences(), remote.notes());
            }
            else {
                report = PipelineCli.withContext(settings, context -> context.getBean(Reconciliation.class).run());
            }
            report.lines().forEach(System.out::println);
            report.notes().forEach(n -> System.out.println("note: " + n));
            report.differences().forEach(d -> System.out.println("DIFFERENCE: " + d));
            System.out.println(report.consistent() ? "No differences." : report.differences().size() + " difference(s).");
            return report.consistent() ? 0 : 1;
        }
    }
}
