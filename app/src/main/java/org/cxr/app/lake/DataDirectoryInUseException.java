package org.cxr.app.lake;

import org.cxr.lake.errors.ConflictException;

import java.nio.file.Path;

/** Another process (a running server, usually) holds the embedded data directory: its PostgreSQL is running there. */
public final class DataDirectoryInUseException
        extends ConflictException
{
    public DataDirectoryInUseException(Path dataDirectory, Throwable cause)
    {
        super("data_directory_in_use", "The data directory " + dataDirectory.toAbsolutePath()
                + " is in use by another cxr process (a running server?). Stop it first, or ask the running server over HTTP.", cause);
    }
}
