package org.cxr.app;

import org.cxr.app.audit.Audit;
import org.cxr.app.audit.AuditEvent.Outcome;
import org.cxr.app.lake.DataDirectoryInUseException;
import org.cxr.app.lake.LakeConfiguration;
import org.cxr.app.pipeline.PipelineContext;
import org.cxr.app.pipeline.PipelineService;
import org.cxr.app.pipeline.Stage;
import org.cxr.app.pipeline.WarehouseConnection;
import org.cxr.app.security.LocalCliToken;
import org.cxr.app.server.CxrProperties;
import org.cxr.app.server.EnvironmentVariables;
import org.cxr.app.server.ServerAddressFile;
import org.cxr.lake.errors.ConflictException;
import org.cxr.lake.pipeline.PipelineRun;
import org.cxr.lake.sql.DatabaseConfig;
import org.cxr.lake.store.ObjectStoreConfig;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the pipeline commands run: in this process on the configured stores (a lean context: no web server, no model),
 * or, when a running server holds the embedded data directory, by asking that server over HTTP at the address it left
 * in that directory; with {@code --engine spark}, as the stage's Spark job in a child process on the stores this
 * process resolves.
 */
final class PipelineCli
{
    /** The line a stage's run ends with, from either engine: {@code backup run 12: SUCCEEDED {...}}. */
    private static final Pattern RUN_LINE = Pattern.compile("[a-z]+ run ([0-9]+): ");

    private PipelineCli() {}

    /** The lean context, or {@link DataDirectoryInUseException} when a running server holds the data directory. */
    static <T> T withContext(Map<String, Object> overrides, Function<ConfigurableApplicationContext, T> work)
    {
        CxrProperties settings = EnvironmentVariables.load(overrides);
        if (LakeConfiguration.dataDirectoryInUse(settings)) {
            throw new DataDirectoryInUseException(settings.dataDir(), null);
        }
        // The caller's settings go in as command-line arguments: they must win over application.yaml and the environment.
        String[] arguments = overrides.entrySet().stream().map(setting -> "--" + setting.getKey() + "=" + setting.getValue()).toArray(String[]::new);
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(PipelineContext.class)
                .web(WebApplicationType.NONE)
                .properties("spring.main.banner-mode=off", "logging.level.root=WARN",
                        // A start-up that fails is reported once, as the command's message; Spring would print a stack trace first.
                        "logging.level.org.springframework.boot.SpringApplication=OFF",
                        "management.endpoint.health.validate-group-membership=false")
                .run(arguments)) {
            return work.apply(context);
        }
    }

    /** The server that holds the data directory, when one does, as the command should reach it. */
    static Optional<RemotePipeline> runningServer(Map<String, Object> overrides, Optional<URI> server)
    {
        CxrProperties settings = EnvironmentVariables.load(overrides);
        if (!LakeConfiguration.dataDirectoryInUse(settings)) {
            return Optional.empty();
        }
        return Optional.of(remote(settings, server));
    }

    private static RemotePipeline remote(CxrProperties settings, Optional<URI> server)
    {
        URI address = server.or(() -> ServerAddressFile.read(settings.dataDir())).orElseThrow(() -> new ConflictException("server_unknown",
                "A server holds the data directory " + settings.dataDir().toAbsolutePath() + " but left no address in it; pass --server URL."));
        String token = settings.cli().token().or(() -> LocalCliToken.read(settings.dataDir())).orElseThrow(() -> new ConflictException("server_token_missing",
                "A server holds the data directory " + settings.dataDir().toAbsolutePath()
                        + " but left no token for the CLI in it; set CXR_API_TOKEN to a personal API token."));
        return new RemotePipeline(address, token);
    }

    /**
     * Runs a stage here, or on the running server, or (engine spark) as its Spark job ({@link #runSparkJob}); prints
     * the run and returns the exit status.
     */
    static int runStage(Stage stage, Map<String, Object> overrides, Optional<URI> server, Engine engine, Optional<String> master)
    {
        if (engine == Engine.SPARK) {
            return runSparkJob(stage, overrides, master);
        }
        Optional<RemotePipeline> running = runningServer(overrides, server);
        PipelineRun.Status status;
        String line;
        if (running.isPresent()) {
            System.err.println("cxr: a server holds the data directory; asking it at " + running.get().server() + " to run " + stage.id() + "...");
            RemotePipeline.Run run = running.get().runAndWait(stage.id());
            status = run.status();
            line = stage.id() + " run " + run.runId() + ": " + run.status() + run.detail().map(d -> " " + d).orElse("") + run.error().map(e -> " " + e).orElse("");
        }
        else {
            PipelineRun run = withContext(overrides, context -> {
                PipelineRun finished = context.getBean(PipelineService.class).runAndWait(stage, "cli");
                context.getBean(Audit.class).record("cli:" + System.getProperty("user.name"), "pipeline." + stage.id() + ".run", "run/" + finished.id(),
                        finished.status() == PipelineRun.Status.SUCCEEDED ? Outcome.SUCCESS : Outcome.FAILURE, null, null);
                return finished;
            });
            status = run.status();
            line = stage.id() + " run " + run.id() + ": " + run.status() + run.detail().map(d -> " " + d).orElse("") + run.error().map(e -> " " + e).orElse("");
        }
        System.out.println(line);
        return status == PipelineRun.Status.SUCCEEDED ? 0 : 1;
    }

    /**
     * Runs a stage as its Spark job in a child process, on the stores this process resolves: the embedded servers of
     * the data directory are started here (and the schema migrated) for the job's duration and their addresses given to
     * the job, so that it runs on a fresh checkout as the builtin engine does. The job records the run in the run
     * history itself; its line and exit status are the command's. A server holding the data directory holds those
     * servers, whose addresses it does not publish: the job cannot reach them, and the command says so.
     */
    private static int runSparkJob(Stage stage, Map<String, Object> overrides, Optional<String> master)
    {
        CxrProperties settings = EnvironmentVariables.load(overrides);
        if (LakeConfiguration.dataDirectoryInUse(settings)) {
            throw new ConflictException("data_directory_in_use", "A server holds the data directory " + settings.dataDir().toAbsolutePath()
                    + ", and the Spark engine needs its embedded servers to itself: stop the server, or let it run " + stage.id() + " (without --engine spark).");
        }
        // Before any server starts: a jar not built is said at once.
        SparkJob job = SparkJob.locate(settings.spark().jarFile(), System.getenv());
        SparkJob.Result result = withContext(overrides, context -> {
            CxrProperties properties = context.getBean(CxrProperties.class);
            SparkJob.Stores stores = new SparkJob.Stores(properties.dataDir(), context.getBean(DatabaseConfig.class), context.getBean(ObjectStoreConfig.class),
                    context.getBean(WarehouseConnection.class).config(), context.getBean("dataMartDirectory", Path.class),
                    properties.pipelines().datamart().trainRatio(), properties.pipelines().settle());
            System.err.println("cxr: running " + stage.id() + " as the Spark job in " + job.jar() + master.map(url -> " on " + url).orElse("") + "...");
            SparkJob.Result finished = job.run(stage, master, job.environment(System.getenv(), stores, master), System.out);
            Optional<Matcher> run = finished.runLine().map(RUN_LINE::matcher).filter(Matcher::lookingAt);
            context.getBean(Audit.class).record("cli:" + System.getProperty("user.name"), "pipeline." + stage.id() + ".run",
                    run.map(m -> "run/" + m.group(1)).orElse(null), finished.exitCode() == 0 ? Outcome.SUCCESS : Outcome.FAILURE, null,
                    "engine spark" + master.map(url -> ", master " + url).orElse("") + (run.isEmpty() ? ", exit status " + finished.exitCode() : ""));
            return finished;
        });
        return result.exitCode();
    }
}
