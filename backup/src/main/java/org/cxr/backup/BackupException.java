package org.cxr.backup;

/** A backup, verification or restore that cannot complete; nothing it did counts, and running it again is safe. */
public final class BackupException
        extends RuntimeException
{
    public BackupException(String message)
    {
        super(message);
    }

    public BackupException(String message, Throwable cause)
    {
        super(message, cause);
    }
}
