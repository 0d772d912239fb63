package org.cxr.app.server;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/**
 * The environment variables the README documents, each the short name of one setting of {@link CxrProperties}
 * ({@code CXR_DATA_DIR} sets {@code cxr.data-directory}, and so on). They rank as environment variables do: below
 * command-line arguments and system properties, above {@code application.yaml}. Spring Boot's own names for the
 * settings ({@code CXR_DATA_DIRECTORY}) work too. The defaults are not here: they are stated once, in
 * {@link CxrProperties}.
 */
public final class EnvironmentVariables
        implements EnvironmentPostProcessor
{
    static final String SOURCE_NAME = "cxrEnvironmentVariables";

    /** Every documented variable and the setting it sets. */
    public enum Variable
    {
        ADMIN_PASSWORD("CXR_ADMIN_PASSWORD", "cxr.security.admin-password"),
        API_TOKEN("CXR_API_TOKEN", "cxr.cli.api-token"),
        DATA_DIR("CXR_DATA_DIR", "cxr.data-directory"),
        MODEL_DIR("CXR_MODEL_DIR", "cxr.model.directory"),
        MODEL_THREADS("CXR_MODEL_THREADS", "cxr.model.threads"),
        MODEL_BATCH_WAIT("CXR_MODEL_BATCH_WAIT", "cxr.model.batch-wait"),
        MODEL_BATCH_SIZE("CXR_MODEL_BATCH_SIZE", "cxr.model.batch-size"),
        UPLOAD_MAX_BYTES("CXR_UPLOAD_MAX_BYTES", "cxr.upload.max-bytes"),
        UPLOAD_MAX_PIXELS("CXR_UPLOAD_MAX_PIXELS", "cxr.upload.max-pixels"),
        DATABASE_URL("CXR_DATABASE_URL", "cxr.database.url"),
        DATABASE_USERNAME("CXR_DATABASE_USERNAME", "cxr.database.username"),
        DATABASE_PASSWORD("CXR_DATABASE_PASSWORD", "cxr.database.password"),
        S3_REGION("CXR_S3_REGION", "cxr.s3.region"),
        S3_ENDPOINT("CXR_S3_ENDPOINT", "cxr.s3.endpoint"),
        S3_BUCKET("CXR_S3_BUCKET", "cxr.s3.bucket"),
        S3_ACCESS_KEY("CXR_S3_ACCESS_KEY", "cxr.s3.access-key"),
        S3_SECRET_KEY("CXR_S3_SECRET_KEY", "cxr.s3.secret-key"),
        S3_PATH_STYLE("CXR_S3_PATH_STYLE", "cxr.s3.path-style"),
        EMBEDDED_POSTGRES_PORT("CXR_EMBEDDED_POSTGRES_PORT", "cxr.embedded.postgres-port"),
        EMBEDDED_S3_PORT("CXR_EMBEDDED_S3_PORT", "cxr.embedded.s3-port"),
        BACKUP_CRON("CXR_BACKUP_CRON", "cxr.pipelines.backup.cron"),
        WAREHOUSE_CRON("CXR_WAREHOUSE_CRON", "cxr.pipelines.warehouse.cron"),
        DATAMART_CRON("CXR_DATAMART_CRON", "cxr.pipelines.datamart.cron"),
        DATAMART_DIR("CXR_DATAMART_DIR", "cxr.pipelines.datamart.directory"),
        DATAMART_TRAIN_RATIO("CXR_DATAMART_TRAIN_RATIO", "cxr.pipelines.datamart.train-ratio"),
        WAREHOUSE_URI("CXR_WAREHOUSE_URI", "cxr.pipelines.warehouse.uri"),
        WAREHOUSE_DATABASE("CXR_WAREHOUSE_DATABASE", "cxr.pipelines.warehouse.database"),
        WAREHOUSE_TLS("CXR_WAREHOUSE_TLS", "cxr.pipelines.warehouse.tls"),
        WAREHOUSE_CA_FILE("CXR_WAREHOUSE_CA_FILE", "cxr.pipelines.warehouse.ca-file"),
        EMBEDDED_WAREHOUSE_PORT("CXR_EMBEDDED_WAREHOUSE_PORT", "cxr.pipelines.warehouse.embedded-port"),
        PIPELINE_SETTLE("CXR_PIPELINE_SETTLE", "cxr.pipelines.settle"),
        PIPELINE_ATTEMPTS("CXR_PIPELINE_ATTEMPTS", "cxr.pipelines.attempts"),
        PIPELINE_RETRY_DELAY("CXR_PIPELINE_RETRY_DELAY", "cxr.pipelines.retry-delay"),
        SWEEP_GRACE("CXR_SWEEP_GRACE", "cxr.sweep.grace"),
        SWEEP_CRON("CXR_SWEEP_CRON", "cxr.sweep.cron"),
        REVIEW_MAX_WAIT("CXR_REVIEW_MAX_WAIT", "cxr.review.max-wait"),
        SPARK_JAR("CXR_SPARK_JAR", "cxr.spark.jar");

        private final String name;
        private final String property;

        Variable(String name, String property)
        {
            this.name = name;
            this.property = property;
        }

        public String variableName()
        {
            return name;
        }

        public String property()
        {
            return property;
        }
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application)
    {
        apply(environment);
    }

    /** Adds the documented variables that are set to the environment, as the settings they stand for. */
    static void apply(ConfigurableEnvironment environment)
    {
        Map<String, Object> settings = settings(name -> environment.getSystemEnvironment().get(name) instanceof String value ? value : null);
        MapPropertySource source = new MapPropertySource(SOURCE_NAME, settings);
        if (environment.getPropertySources().contains(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME)) {
            environment.getPropertySources().addAfter(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, source);
        }
        else {
            environment.getPropertySources().addLast(source);
        }
    }

    /** The settings that these variables, as {@code lookup} finds them, stand for. */
    static Map<String, Object> settings(Function<String, String> lookup)
    {
        requireNonNull(lookup, "lookup");
        Map<String, Object> settings = new LinkedHashMap<>();
        for (Variable variable : Variable.values()) {
            String value = lookup.apply(variable.name);
            if (value != null) {
                settings.put(variable.property, value);
            }
        }
        return settings;
    }

    /**
     * The settings as a server started here would see them, for commands that must not start one (the CLI deciding
     * whether to ask a running server): this process's environment variables and system properties, and the
     * {@code overrides} ({@code key=value}) above both.
     */
    public static CxrProperties load(Map<String, Object> overrides)
    {
        StandardEnvironment environment = new StandardEnvironment();
        apply(environment);
        environment.getPropertySources().addFirst(new MapPropertySource("overrides", Map.copyOf(overrides)));
        return Binder.get(environment).bindOrCreate("cxr", CxrProperties.class);
    }
}
