package org.cxr.app;

import org.cxr.app.audit.Audit;
import org.cxr.app.audit.AuditEvent.Outcome;
import org.cxr.app.lake.DataDirectoryInUseException;
import org.cxr.app.lake.LakeConfiguration;
import org.cxr.app.pipeline.PipelineContext;
import org.cxr.app.pipeline.PipelineService;
import org.cxr.app.pipeline.Stage;
import org.cxr.app.security.LocalCliToken;
import org.cxr.app.server.CxrProperties;
import org.cxr.app.server.EnvironmentVariables;
import org.cxr.app.server.ServerAddressFile;
import org.cxr.lake.errors.ConflictException;
import org.cxr.lake.pipeline.PipelineRun;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * How the pipeline commands run: in this process on the configured stores (a lean context: no web server, no model),
 * or, when a running server holds the embedded data directory, by asking that server over HTTP at the address it left
 * in that directory.
 */
final class PipelineCli
{
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

    /** Runs a stage here, or on the running server; prints the run and returns the exit status. */
    static int runStage(Stage stage, Map<String, Object> overrides, Optional<URI> server)
    {
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
}
