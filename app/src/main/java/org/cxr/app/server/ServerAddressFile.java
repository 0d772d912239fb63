package org.cxr.app.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Where a server on the embedded data directory can be reached, written into that directory ({@code server-url})
 * once it listens and deleted when it stops: a pipeline command on the same machine finds the server there, whatever
 * port it was given, next to the token the server leaves for it ({@code server-token}).
 */
@Component
public final class ServerAddressFile
{
    public static final String FILE_NAME = "server-url";

    private static final Logger log = LoggerFactory.getLogger(ServerAddressFile.class);

    private final CxrProperties properties;

    ServerAddressFile(CxrProperties properties)
    {
        this.properties = requireNonNull(properties, "properties");
    }

    @EventListener
    void listening(WebServerInitializedEvent event)
    {
        if (!properties.database().embedded()) {
            return;
        }
        Path file = properties.dataDir().resolve(FILE_NAME);
        try {
            Files.createDirectories(properties.dataDir());
            Path temporary = Files.createTempFile(properties.dataDir(), "." + FILE_NAME, ".tmp");
            Files.writeString(temporary, "http://localhost:" + event.getWebServer().getPort() + "\n", StandardCharsets.US_ASCII);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }

    @EventListener
    void stopping(ContextClosedEvent event)
    {
        Path file = properties.dataDir().resolve(FILE_NAME);
        try {
            Files.deleteIfExists(file);
        }
        catch (IOException e) {
            log.warn("Could not delete {}: {}", file, e.toString());
        }
    }

    /** The address a running server on this data directory wrote, if there is one. */
    public static Optional<URI> read(Path dataDirectory)
    {
        Path file = dataDirectory.resolve(FILE_NAME);
        try {
            return Files.isReadable(file) ? Optional.of(URI.create(Files.readString(file, StandardCharsets.US_ASCII).strip())) : Optional.empty();
        }
        catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
