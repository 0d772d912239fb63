package org.cxr.warehouse;

import com.mongodb.ConnectionString;

import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * How to reach the document warehouse: Amazon DocumentDB or MongoDB.
 *
 * @param connectionString a {@code mongodb://} or {@code mongodb+srv://} connection string, credentials included
 * @param database the database that holds the {@code images} collection
 * @param tls whether to use TLS; it is also used when the connection string asks for it, and is never turned off
 * @param caFile a PEM bundle of the certificate authorities to trust instead of the JVM's (for DocumentDB, Amazon's
 *         {@code global-bundle.pem}); needs TLS
 * @param retryWrites set on the client whatever the connection string says. Off by default: DocumentDB refuses
 *         retryable writes, and every write of this stage is idempotent and re-run by the stage itself.
 */
public record WarehouseConfig(String connectionString, String database, boolean tls, Optional<Path> caFile, boolean retryWrites)
{
    public static final String DEFAULT_DATABASE = "x_ray";

    // MongoDB's rules for database names, which DocumentDB shares.
    private static final Pattern DATABASE_NAME = Pattern.compile("[^/\\\\. \"$*<>:|?\\x00]{1,63}");

    public WarehouseConfig
    {
        requireNonNull(connectionString, "connectionString");
        requireNonNull(database, "database");
        requireNonNull(caFile, "caFile");
        parse(connectionString);
        if (!DATABASE_NAME.matcher(database).matches()) {
            throw new IllegalArgumentException("Not a valid database name: '" + database + "'");
        }
        if (caFile.isPresent() && !tls && !connectionStringAsksForTls(connectionString)) {
            throw new IllegalArgumentException("A CA file is set but TLS is off: turn TLS on, or remove the CA file");
        }
    }

    /** MongoDB as the connection string says, database {@value #DEFAULT_DATABASE}, no retryable writes. */
    public static WarehouseConfig of(String connectionString)
    {
        return new WarehouseConfig(connectionString, DEFAULT_DATABASE, false, Optional.empty(), false);
    }

    /** Amazon DocumentDB: TLS with Amazon's CA bundle, no retryable writes. */
    public static WarehouseConfig documentDb(String connectionString, Path caBundle)
    {
        return new WarehouseConfig(connectionString, DEFAULT_DATABASE, true, Optional.of(requireNonNull(caBundle, "caBundle")), false);
    }

    public WarehouseConfig withDatabase(String database)
    {
        return new WarehouseConfig(connectionString, database, tls, caFile, retryWrites);
    }

    public WarehouseConfig withTls(boolean tls, Optional<Path> caFile)
    {
        return new WarehouseConfig(connectionString, database, tls, caFile, retryWrites);
    }

    public WarehouseConfig withRetryWrites(boolean retryWrites)
    {
        return new WarehouseConfig(connectionString, database, tls, caFile, retryWrites);
    }

    /** Whether the client uses TLS: set here or asked for by the connection string. */
    public boolean usesTls()
    {
        return tls || connectionStringAsksForTls(connectionString);
    }

    ConnectionString parsedConnectionString()
    {
        return parse(connectionString);
    }

    @Override
    public String toString()
    {
        return "WarehouseConfig[connectionString=" + redact(connectionString) + ", database=" + database + ", tls=" + tls
                + ", caFile=" + caFile.map(Path::toString).orElse("none") + ", retryWrites=" + retryWrites + "]";
    }

    private static boolean connectionStringAsksForTls(String connectionString)
    {
        Boolean sslEnabled = parse(connectionString).getSslEnabled();
        return sslEnabled != null && sslEnabled;
    }

    private static ConnectionString parse(String connectionString)
    {
        try {
            return new ConnectionString(connectionString);
        }
        catch (IllegalArgumentException e) {
            // The driver's message may quote the string, and with it the password.
            throw new IllegalArgumentException("Not a valid MongoDB connection string: " + redact(connectionString));
        }
    }

    /** The connection string without its password, for messages and logs. */
    static String redact(String connectionString)
    {
        int scheme = connectionString.indexOf("://");
        if (scheme < 0) {
            return connectionString;
        }
        int start = scheme + 3;
        int end = start;
        while (end < connectionString.length() && connectionString.charAt(end) != '/' && connectionString.charAt(end) != '?') {
            end++;
        }
        int at = connectionString.lastIndexOf('@', end - 1);
        if (at < start) {
            return connectionString;
        }
        int colon = connectionString.indexOf(':', start);
        if (colon < 0 || colon > at) {
            return connectionString;
        }
        return connectionString.substring(0, colon) + ":***" + connectionString.substring(at);
    }
}
