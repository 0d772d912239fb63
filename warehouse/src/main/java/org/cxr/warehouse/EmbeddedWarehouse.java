package org.cxr.warehouse;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import org.h2.mvstore.MVStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static java.util.Objects.requireNonNull;

/**
 * A MongoDB-wire server on loopback for local runs and tests, with its data in one file of a folder of the caller's
 * that survives restarts (mongo-java-server on H2's MVStore).
 *
 * <p>Not a production store: it has no authentication and no TLS, and it speaks a subset of MongoDB that is close to
 * what DocumentDB speaks. The store writes to disk about once a second and on {@link #close}, so a killed process can
 * lose the last second of acknowledged writes; the warehouse stage then re-copies them only if its watermark was
 * reset. Production runs against DocumentDB or MongoDB.
 */
public final class EmbeddedWarehouse
        implements AutoCloseable
{
    private static final String HOST = "127.0.0.1";
    private static final String FILE_NAME = "warehouse.mv.db";

    private final MongoServer server;
    private final Path folder;
    private final int port;

    private EmbeddedWarehouse(MongoServer server, Path folder, int port)
    {
        this.server = server;
        this.folder = folder;
        this.port = port;
    }

    /** Starts on a free port. */
    public static EmbeddedWarehouse start(Path folder)
    {
        return start(folder, 0);
    }

    /** Starts on the port (0: any free port); fails if another server has the folder's file open. */
    public static EmbeddedWarehouse start(Path folder, int port)
    {
        requireNonNull(folder, "folder");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
        }
        Path directory = folder.toAbsolutePath();
        try {
            Files.createDirectories(directory);
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot create the warehouse folder " + directory, e);
        }
        // Without background compaction: H2 2.4's MVStore can drop a chunk that a concurrent reader still needs
        // ("Chunk N not found", h2database issue #4383), which a data mart export right after a large warehouse run
        // hit. The price: the file keeps what compaction would have reclaimed.
        MVStore store = new MVStore.Builder().fileName(directory.resolve(FILE_NAME).toString()).autoCompactFillRate(0).open();
        H2Backend backend = new H2Backend(store);
        MongoServer server = new MongoServer(backend);
        try {
            server.bind(HOST, port);
        }
        catch (RuntimeException e) {
            // The server never started, so it will not close the store that holds the file lock.
            backend.close();
            throw new IllegalStateException("Cannot start the embedded warehouse on " + HOST + ":" + port, e);
        }
        return new EmbeddedWarehouse(server, directory, server.getLocalAddress().getPort());
    }

    public int port()
    {
        return port;
    }

    public Path folder()
    {
        return folder;
    }

    public String connectionString()
    {
        return "mongodb://" + HOST + ":" + port;
    }

    /** How to reach this server: plain TCP on loopback, the default database. */
    public WarehouseConfig config()
    {
        return WarehouseConfig.of(connectionString());
    }

    /** Closes the clients' connections, stops listening and writes the store to disk. */
    @Override
    public void close()
    {
        server.shutdownNow();
    }
}
