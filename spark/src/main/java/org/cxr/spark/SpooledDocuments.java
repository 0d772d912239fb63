package org.cxr.spark;

import org.apache.spark.sql.Row;
import org.bson.RawBsonDocument;
import org.bson.codecs.DocumentCodec;
import org.cxr.datamart.ExportSource;
import org.cxr.datamart.ImageCopy;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * The documents a Spark data mart job made, with the copies of their images its executors made, in {@code _id}
 * order, spooled to a temporary file in the data mart folder as the driver receives them: the export reads them twice
 * (to check, then to write) and holds one page, never the collection.
 */
final class SpooledDocuments
        implements ExportSource.Documents
{
    private static final DocumentCodec CODEC = new DocumentCodec();

    private final Path spool;
    private final int pageSize;
    private DataInputStream input;
    private boolean exhausted;

    private SpooledDocuments(Path spool, int pageSize)
            throws IOException
    {
        this.spool = spool;
        this.pageSize = pageSize;
        this.input = open(spool);
    }

    /** Rows of {@code (sha256, document, status, bytes, file_name)}, as {@link SparkDataMart} makes them, in order. */
    static SpooledDocuments write(Path directory, Iterator<Row> rows, int pageSize)
            throws IOException
    {
        Path spool = Files.createTempFile(directory, ".spark-documents-", ".tmp");
        try (DataOutputStream output = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(spool), 1 << 16))) {
            while (rows.hasNext()) {
                Row row = rows.next();
                byte[] document = (byte[]) row.get(1);
                output.writeInt(document.length);
                output.write(document);
                output.writeUTF(row.getString(2));
                output.writeLong(row.getLong(3));
                output.writeUTF(row.isNullAt(4) ? "" : row.getString(4));
            }
        }
        catch (IOException | RuntimeException e) {
            Files.deleteIfExists(spool);
            throw e;
        }
        return new SpooledDocuments(spool, pageSize);
    }

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
                ImageCopy.Status status = ImageCopy.Status.valueOf(input.readUTF());
                long downloaded = input.readLong();
                String fileName = input.readUTF();
                ImageCopy copy = new ImageCopy(status, downloaded, fileName.isEmpty() ? Optional.empty() : Optional.of(fileName));
                page.add(new ExportSource.Entry(new RawBsonDocument(bytes).decode(CODEC), Optional.of(copy)));
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot read the spooled documents " + spool, e);
        }
        return List.copyOf(page);
    }

    @Override
    public void rewind()
            throws IOException
    {
        input.close();
        input = open(spool);
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
            Files.deleteIfExists(spool);
        }
    }

    private static DataInputStream open(Path spool)
            throws IOException
    {
        return new DataInputStream(new BufferedInputStream(Files.newInputStream(spool), 1 << 16));
    }
}
