package org.cxr.app.security;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Optional;

/**
 * A token a server on the embedded data directory writes into that directory, readable by its owner only, so that
 * {@code ./cxr backup} (and the other pipeline commands) on the same machine can ask the server to run a stage. It
 * grants the data engineer's role only, changes at every start and is deleted at shutdown. Whoever can read the data
 * directory can read the database files anyway, so the file gives no one more than they have.
 */
public final class LocalCliToken
        implements AutoCloseable
{
    public static final String FILE_NAME = "server-token";
    public static final String ACTOR = "local-cli";
    private static final Logger log = LoggerFactory.getLogger(LocalCliToken.class);

    private final Optional<Path> file;
    private final byte[] token;

    private LocalCliToken(Optional<Path> file, byte[] token)
    {
        this.file = file;
        this.token = token;
    }

    /** No local token: a server on external services is reached with personal tokens only. */
    public static LocalCliToken none()
    {
        return new LocalCliToken(Optional.empty(), new byte[0]);
    }

    /** Writes a fresh token into the data directory. */
    public static LocalCliToken write(Path dataDirectory)
    {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        String token = ApiTokens.PREFIX + "local_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        Path file = dataDirectory.resolve(FILE_NAME);
        try {
            Files.createDirectories(dataDirectory);
            Files.deleteIfExists(file);
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
            catch (UnsupportedOperationException e) {
                // Not a POSIX file system: the folder's own permissions protect it.
                Files.createFile(file);
            }
            Files.writeString(file, token + "\n", StandardCharsets.US_ASCII);
        }
        catch (FileAlreadyExistsException e) {
            throw new IllegalStateException("Another process created " + file + " while this server started.", e);
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot write the CLI token file " + file, e);
        }
        return new LocalCliToken(Optional.of(file), token.getBytes(StandardCharsets.US_ASCII));
    }

    /** Reads the token a running server wrote, if there is one. */
    public static Optional<String> read(Path dataDirectory)
    {
        Path file = dataDirectory.resolve(FILE_NAME);
        try {
            return Files.isReadable(file) ? Optional.of(Files.readString(file, StandardCharsets.US_ASCII).strip()) : Optional.empty();
        }
        catch (IOException e) {
            return Optional.empty();
        }
    }

    Optional<Authentication> authenticate(String candidate)
    {
        if (token.length == 0 || !MessageDigest.isEqual(token, candidate.getBytes(StandardCharsets.US_ASCII))) {
            return Optional.empty();
        }
        return Optional.of(UsernamePasswordAuthenticationToken.authenticated(ACTOR, null, Role.authorities(EnumSet.of(Role.DATA_ENGINEER))));
    }

    @Override
    public void close()
    {
        file.ifPresent(path -> {
            try {
                Files.deleteIfExists(path);
            }
            catch (IOException e) {
                log.warn("Could not delete {}: {}", path, e.toString());
            }
        });
    }
}
