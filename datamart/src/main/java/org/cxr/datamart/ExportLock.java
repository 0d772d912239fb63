package org.cxr.datamart;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One export at a time per folder, across processes (a scheduled run and a command-line run) and within one. The
 * operating system releases the lock when a process dies, so a crash never leaves the folder locked.
 */
final class ExportLock
        implements AutoCloseable
{
    static final String FILE_NAME = ".datamart.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private ExportLock(FileChannel channel, FileLock lock)
    {
        this.channel = channel;
        this.lock = lock;
    }

    static ExportLock acquire(Path root)
            throws IOException
    {
        Path file = root.resolve(FILE_NAME);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        }
        catch (OverlappingFileLockException e) {
            lock = null;
        }
        catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            throw new DataMartException("Another export is writing " + root + " (it holds " + file + ")");
        }
        return new ExportLock(channel, lock);
    }

    @Override
    public void close()
            throws IOException
    {
        try {
            lock.release();
        }
        finally {
            channel.close();
        }
    }
}
