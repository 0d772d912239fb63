package org.cxr.lake.embedded;

import io.zonky.test.db.postgres.util.LinuxUtils;
import org.cxr.lake.sql.DatabaseConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A PostgreSQL server on loopback for local runs and tests, with its data in a folder of the caller's that survives
 * restarts: the first start runs initdb there, later starts reuse the cluster.
 *
 * <p>Running as root: initdb and postgres refuse to run as root, and this project's machines and CI run as root.
 * zonky runs every PostgreSQL command through {@code unshare -U} when the JVM's user is root and that works: the
 * command then runs in a new user namespace in which it is unprivileged ("nobody", uid 65534), so initdb accepts
 * it, while the kernel still checks its file access as the real user, so it can use a data folder inside root-owned
 * folders (for example a JUnit temporary folder, mode 0700) and the files it writes are owned by root. Nothing is
 * installed, no user is created and no folder is chowned. As a normal user the commands run directly. When the user
 * is root and user namespaces are not available (for example a container whose seccomp profile forbids them), there
 * is no way to run initdb, and {@link #start} says so instead of failing obscurely.
 */
public final class EmbeddedPostgres
        implements AutoCloseable
{
    public static final String USER = "postgres";
    public static final String DATABASE = "postgres";

    // The machines are small and often busy; a cold start (unpacking, initdb) can take a while.
    private static final Duration STARTUP_WAIT = Duration.ofSeconds(120);

    private final io.zonky.test.db.postgres.embedded.EmbeddedPostgres postgres;
    private final Path dataDirectory;

    private EmbeddedPostgres(io.zonky.test.db.postgres.embedded.EmbeddedPostgres postgres, Path dataDirectory)
    {
        this.postgres = postgres;
        this.dataDirectory = dataDirectory;
    }

    /** Starts on a free port. */
    public static EmbeddedPostgres start(Path dataDirectory)
    {
        return start(dataDirectory, 0);
    }

    public static EmbeddedPostgres start(Path dataDirectory, int port)
    {
        requireNonNull(dataDirectory, "dataDirectory");
        checkCanRunAsThisUser();
        Path directory = dataDirectory.toAbsolutePath();
        try {
            Files.createDirectories(directory);
            return new EmbeddedPostgres(
                    io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                            .setDataDirectory(directory)
                            .setCleanDataDirectory(false)
                            .setPort(port)
                            .setPGStartupWait(STARTUP_WAIT)
                            .setLocaleConfig("locale", "C")
                            .setServerConfig("timezone", "UTC")
                            .setServerConfig("listen_addresses", "localhost")
                            // zonky's test defaults trade durability for speed; this server holds real data.
                            .setServerConfig("fsync", "on")
                            .setServerConfig("synchronous_commit", "on")
                            .setServerConfig("full_page_writes", "on")
                            .start(),
                    directory);
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot start PostgreSQL in " + directory, e);
        }
    }

    private static void checkCanRunAsThisUser()
    {
        if (isRoot().orElse(false) && !LinuxUtils.isUnshareAvailable()) {
            throw new IllegalStateException("PostgreSQL cannot run as root, and 'unshare -U' (a user namespace) is not available to run it "
                    + "unprivileged. Run as a normal user, or allow user namespaces.");
        }
    }

    private static Optional<Boolean> isRoot()
    {
        try {
            return Optional.of(Files.getAttribute(Path.of("/proc/self"), "unix:uid").equals(0));
        }
        catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    public int port()
    {
        return postgres.getPort();
    }

    public Path dataDirectory()
    {
        return dataDirectory;
    }

    public String jdbcUrl()
    {
        return "jdbc:postgresql://localhost:" + port() + "/" + DATABASE;
    }

    /** The superuser, trusted on loopback without a password. */
    public DatabaseConfig databaseConfig()
    {
        return DatabaseConfig.of(jdbcUrl(), USER, null);
    }

    /** Stops the server (a fast shutdown); the data stays in the folder. */
    @Override
    public void close()
    {
        try {
            postgres.close();
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot stop PostgreSQL in " + dataDirectory, e);
        }
    }
}
