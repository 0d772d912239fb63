package org.cxr.datamart;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Removes what an interrupted run left behind: only this exporter writes names that start with a dot and end with
 * {@code .tmp}, and while it holds the folder's lock no other run is writing any.
 */
final class TemporaryFiles
{
    private TemporaryFiles() {}

    static int deleteLeftovers(Path directory)
            throws IOException
    {
        int deleted = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, ".*.tmp")) {
            for (Path file : files) {
                if (Files.isRegularFile(file) && Files.deleteIfExists(file)) {
                    deleted++;
                }
            }
        }
        return deleted;
    }
}
