package org.cxr.datamart;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.bson.codecs.DocumentCodec;
import org.bson.conversions.Bson;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The warehouse's image documents in {@code _id} order, one page at a time, from a copy the export takes first.
 *
 * <p>One query reads every document without pause and spools it (BSON, length-prefixed) to a temporary file beside
 * the data mart; the export then pages through the file while it downloads images. So no server cursor stays open
 * across the downloads (DocumentDB and MongoDB close idle cursors after ten minutes), the collection is scanned once
 * (a range query per page costs a full scan on servers without range lookups on {@code _id}, the embedded one among
 * them, which made a 100k-image export quadratic), and the export holds one page in memory, never the collection.
 * The copy is as of the query: documents written meanwhile go to the next run.
 */
final class WarehousePages
        implements ExportSource.Documents
{
    private static final Bson PROJECTION = Projections.include(WarehouseDocuments.FIELDS);
    private static final DocumentCodec CODEC = new DocumentCodec();

    private final int pageSize;
    private final Path spool;
    private final long documents;
    private DataInputStream input;
    private boolean exhausted;

    private WarehousePages(int pageSize, Path spool, long documents)
            throws IOException
    {
        this.pageSize = pageSize;
        this.spool = spool;
        this.documents = documents;
        this.input = open(spool);
    }

    /** Copies the collection into a temporary file in {@code directory} (a dot-name ending in .tmp). */
    static WarehousePages copy(MongoCollection<Document> images, int pageSize, Path directory)
            throws IOException
    {
        requireNonNull(images, "images");
        if (pageSize < 1) {
            throw new IllegalArgumentException("pageSize must be positive, got " + pageSize);
        }
        Path spool = Files.createTempFile(directory, ".warehouse-", ".tmp");
        try {
            long documents = 0;
            try (DataOutputStream output = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(spool), 1 << 16));
                    MongoCursor<RawBsonDocument> cursor = images.withDocumentClass(RawBsonDocument.class).find()
                            .projection(PROJECTION)
                            .sort(Sorts.ascending("_id"))
                            .batchSize(pageSize)
                            .iterator()) {
                while (cursor.hasNext()) {
                    ByteBuffer bytes = cursor.next().getByteBuffer().asNIO();
                    output.writeInt(bytes.remaining());
                    byte[] array = new byte[bytes.remaining()];
                    bytes.get(array);
                    output.write(array);
                    documents++;
                }
            }
            return new WarehousePages(pageSize, spool, documents);
        }
        catch (IOException | RuntimeException e) {
            Files.deleteIfExists(spool);
            throw e;
        }
    }

    /** Starts again from the first document of the copy (the export reads it twice: to check, then to write). */
    @Override
    public void rewind()
            throws IOException
    {
        input.close();
        input = open(spool);
        exhausted = false;
    }

    private static DataInputStream open(Path spool)
            throws IOException
    {
        return new DataInputStream(new BufferedInputStream(Files.newInputStream(spool), 1 << 16));
    }

    /** How many documents the copy holds. */
    long documents()
    {
        return documents;
    }

    /** The next page, empty once every document has been read; the export fetches every image itself. */
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
                page.add(new ExportSource.Entry(new RawBsonDocument(bytes).decode(CODEC), Optional.empty()));
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot read the warehouse copy " + spool, e);
        }
        return List.copyOf(page);
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
}
