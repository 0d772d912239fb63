package org.cxr.app.lake;

import org.cxr.app.server.CxrProperties;
import org.cxr.lake.embedded.EmbeddedPostgres;
import org.cxr.lake.embedded.EmbeddedS3;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The embedded PostgreSQL and S3 servers, each started only when no external one is configured, with their data
 * under the data directory so it survives restarts.
 */
final class EmbeddedServers
        implements AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(EmbeddedServers.class);
    /** The lock file EmbeddedPostgres (zonky) holds in the data folder while its server runs. */
    private static final String POSTGRES_LOCK_FILE = "epg-lock";
    private static final Duration ORPHAN_STOP_WAIT = Duration.ofSeconds(60);

    private final Optional<EmbeddedPostgres> postgres;
    private final Optional<EmbeddedS3> s3;

    private EmbeddedServers(Optional<EmbeddedPostgres> postgres, Optional<EmbeddedS3> s3)
    {
        this.postgres = postgres;
        this.s3 = s3;
    }

    static EmbeddedServers start(CxrProperties properties)
    {
        // The two servers need nothing of each other: the S3 server starts while PostgreSQL does.
        CompletableFuture<Optional<EmbeddedS3>> s3 = CompletableFuture.supplyAsync(() -> {
            if (!properties.s3().embedded()) {
                return Optional.empty();
            }
            EmbeddedS3 server = EmbeddedS3.start(properties.dataDir().resolve("s3"), properties.embedded().s3Port());
            log.info("Embedded S3 at {} (objects in {}, access key {})", server.endpoint(), properties.dataDir().resolve("s3"), EmbeddedS3.ACCESS_KEY);
            return Optional.of(server);
        });
        Optional<EmbeddedPostgres> postgres = Optional.empty();
        try {
            if (properties.database().embedded()) {
                EmbeddedPostgres server = startPostgres(properties);
                log.info("Embedded PostgreSQL at {} (data in {})", server.jdbcUrl(), server.dataDirectory());
                postgres = Optional.of(server);
            }
            return new EmbeddedServers(postgres, s3.join());
        }
        catch (RuntimeException e) {
            postgres.ifPresent(EmbeddedPostgres::close);
            s3.thenAccept(started -> started.ifPresent(EmbeddedS3::close));
            throw e instanceof CompletionException && e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    /**
     * Whether a live process holds the embedded database of this data directory: a server is running on it, and a
     * command should ask that server rather than start the database a second time.
     */
    static boolean dataDirectoryInUse(CxrProperties properties)
    {
        Path directory = properties.dataDir().resolve("postgres").toAbsolutePath();
        return properties.database().embedded() && Files.isDirectory(directory) && heldByLiveProcess(directory.resolve(POSTGRES_LOCK_FILE));
    }

    private static EmbeddedPostgres startPostgres(CxrProperties properties)
    {
        Path directory = properties.dataDir().resolve("postgres").toAbsolutePath();
        if (dataDirectoryInUse(properties)) {
            throw new DataDirectoryInUseException(properties.dataDir(), null);
        }
        stopOrphanedPostmaster(directory);
        try {
            return EmbeddedPostgres.start(directory, properties.embedded().postgresPort());
        }
        catch (OverlappingFileLockException e) {
            // The holder is this very JVM (a command run inside a server's process, as tests do).
            throw new DataDirectoryInUseException(properties.dataDir(), e);
        }
        catch (IllegalStateException e) {
            // Another process took the lock between the check and the start.
            if (heldByLiveProcess(directory.resolve(POSTGRES_LOCK_FILE))) {
                throw new DataDirectoryInUseException(properties.dataDir(), e);
            }
            throw e;
        }
    }

    /**
     * A cxr process killed without shutting down (SIGKILL, the OOM killer) leaves its PostgreSQL running: the postmaster
     * is a daemon, not a child that dies with the JVM, and it still holds the data folder, so the next start waited for
     * two minutes and failed. When no live process holds the folder's lock (the one EmbeddedPostgres takes) and
     * postmaster.pid names a running postgres on this folder, that orphan is asked to shut down first. SIGTERM (a
     * "smart" shutdown) is enough: the dead JVM's sessions are already closed, and nothing is killed outright.
     */
    static void stopOrphanedPostmaster(Path directory)
    {
        Path pidFile = directory.resolve("postmaster.pid");
        if (!Files.isRegularFile(pidFile) || heldByLiveProcess(directory.resolve(POSTGRES_LOCK_FILE))) {
            return;
        }
        Optional<ProcessHandle> postmaster = runningPostmaster(pidFile);
        if (postmaster.isEmpty()) {
            return; // a stale pid file: PostgreSQL starts over it by itself
        }
        long pid = postmaster.get().pid();
        log.warn("PostgreSQL (pid {}) is still running on {}, left by a cxr process that stopped without shutting it down; stopping it first.",
                pid, directory);
        postmaster.get().destroy();
        try {
            postmaster.get().onExit().get(ORPHAN_STOP_WAIT.toSeconds(), TimeUnit.SECONDS);
        }
        catch (TimeoutException e) {
            throw new IllegalStateException("PostgreSQL (pid " + pid + ") left running on " + directory + " by an earlier cxr process did not stop within "
                    + ORPHAN_STOP_WAIT.toSeconds() + " s. Stop it, then start again.");
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while stopping PostgreSQL (pid " + pid + ") on " + directory, e);
        }
        catch (ExecutionException e) {
            throw new IllegalStateException("Cannot wait for PostgreSQL (pid " + pid + ") on " + directory, e);
        }
    }

    private static boolean heldByLiveProcess(Path lockFile)
    {
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                return true;
            }
            lock.release();
            return false;
        }
        catch (OverlappingFileLockException e) {
            return true; // this JVM's own server
        }
        catch (IOException e) {
            log.debug("Cannot check the lock {}: {}", lockFile, e.toString());
            return true; // unsure: leave whatever runs alone
        }
    }

    /** The process postmaster.pid names, if it is alive and is a postgres serving the folder the file names. */
    private static Optional<ProcessHandle> runningPostmaster(Path pidFile)
    {
        List<String> lines;
        try {
            lines = Files.readAllLines(pidFile);
        }
        catch (IOException e) {
            return Optional.empty();
        }
        if (lines.size() < 2 || !lines.get(0).trim().matches("[0-9]{1,10}")) {
            return Optional.empty();
        }
        String dataDirectory = lines.get(1).trim();
        return ProcessHandle.of(Long.parseLong(lines.get(0).trim()))
                .filter(ProcessHandle::isAlive)
                // The pid may have been reused by an unrelated process since.
                .filter(process -> process.info().command().map(c -> Path.of(c).getFileName().toString().equals("postgres")).orElse(false))
                .filter(process -> process.info().arguments().map(args -> List.of(args).contains(dataDirectory)).orElse(false));
    }

    Optional<EmbeddedPostgres> postgres()
    {
        return postgres;
    }

    Optional<EmbeddedS3> s3()
    {
        return s3;
    }

    @Override
    public void close()
    {
        s3.ifPresent(EmbeddedS3::close);
        postgres.ifPresent(EmbeddedPostgres::close);
    }
}
