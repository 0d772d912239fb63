package org.cxr.datamart;

import org.bson.RawBsonDocument;
import org.bson.codecs.DocumentCodec;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * An export's image documents in a temporary file in the data mart folder (a dot-name ending in .tmp, which the next
 * run removes if this one dies): written once as the source hands them over, then read a page at a time, as often as
 * the export rewinds. So the export holds one page in memory, never the collection. Each document (BSON,
 * length-prefixed) is followed by the copy of its image when the source made one.
 */
public final class DocumentSpool
        implements ExportSource.Documents
{
    private static final DocumentCodec CODEC = new DocumentCodec();

    private final Path file;
    private final int pageSize;
    private DataInputStream input;
    private boolean exhausted;

    private DocumentSpool(Path file, int pageSize)
            throws IOException
    {
        this.file = file;
        this.pageSize = pageSize;
        this.input = open(file);
    }

    /** A spool to fill, named {@code .<name>-....tmp} in {@code directory}; read {@code pageSize} documents at a time. */
    public static Writer create(Path directory, String name, int pageSize)
            throws IOException
    {
        requireNonNull(directory, "directory");
        requireNonNull(name, "name");
        if (pageSize < 1) {
            throw new IllegalArgumentException("pageSize must be positive, got " + pageSize);
        }
        return new Writer(Files.createTempFile(directory, "." + name + "-", ".tmp"), pageSize);
    }

    /** Takes the documents in {@code _id} order; closing it without {@link #finish()} deletes what was written. */
    public static final class Writer
            implements Closeable
    {
        private final Path file;
        private final int pageSize;
        private final DataOutputStream output;
        private boolean finished;

        private Writer(Path file, int pageSize)
                throws IOException
        {
            this.file = file;
            this.pageSize = pageSize;
            this.output = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16));
        }

        /** One document as BSON bytes, and the copy of its image if the source made it. */
        public void add(byte[] document, Optional<ImageCopy> copy)
                throws IOException
        {
            requireNonNull(document, "document");
            requireNonNull(copy, "copy");
            output.writeInt(document.length);
            output.write(document);
            output.writeBoolean(copy.isPresent());
            if (copy.isPresent()) {
                output.writeUTF(copy.get().status().name());
                output.writeLong(copy.get().bytesDownloaded());
                output.writeUTF(copy.get().fileName().orElse(""));
            }
        }

        /** The spool, ready to read from its first document. */
        public DocumentSpool finish()
                throws IOException
        {
            output.close();
            finished = true;
            return new DocumentSpool(file, pageSize);
        }

        @Override
        public void close()
                throws IOException
        {
            if (!finished) {
                try {
                    output.close();
                }
                finally {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    /** The next page, empty once every document has been read. */
    @Override
    public List<ExportSource.Entry> next()
    {
        List<ExportSource.Entry> page = new ArrayList<>(pageSize);
        try {
            while (!exhausted && page.size() < pageSize) {
                int length;
                try {
                    length = input.readInt();
                }
                catch (EOFException end) {
                    exhausted = true;
                    break;
                }
                byte[] bytes = new byte[length];
                input.readFully(bytes);
                Optional<ImageCopy> copy = Optional.empty();
                if (input.readBoolean()) {
                    ImageCopy.Status status = ImageCopy.Status.valueOf(input.readUTF());
                    long downloaded = input.readLong();
                    String fileName = input.readUTF();
                    copy = Optional.of(new ImageCopy(status, downloaded, fileName.isEmpty() ? Optional.empty() : Optional.of(fileName)));
                }
                page.add(new ExportSource.Entry(new RawBsonDocument(bytes).decode(CODEC), copy));
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot read the spooled documents " + file, e);
        }
        return List.copyOf(page);
    }

    /** Starts again from the first document (the export reads them twice: to check, then to write). */
    @Override
    public void rewind()
            throws IOException
    {
        input.close();
        input = open(file);
        exhausted = false;
    }

    @Override
    public void close()
            throws IOException
    {
        try {
            input.close();
        }
        finally {
            Files.deleteIfExists(file);
        }
    }

    private static DataInputStream open(Path file)
            throws IOException
    {
        return new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16));
    }
}
