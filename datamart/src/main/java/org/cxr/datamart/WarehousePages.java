package org.cxr.datamart;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.bson.conversions.Bson;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The warehouse's image documents in {@code _id} order, from a copy the export takes first.
 *
 * <p>One query reads every document without pause and spools it ({@link DocumentSpool}) beside the data mart; the
 * export then pages through the file while it downloads images. So no server cursor stays open across the downloads
 * (DocumentDB and MongoDB close idle cursors after ten minutes), the collection is scanned once (a range query per page
 * costs a full scan on servers without range lookups on {@code _id}, the embedded one among them, which made a
 * 100k-image export quadratic), and the export holds one page in memory, never the collection. The copy is as of the
 * query: documents written meanwhile go to the next run.
 */
final class WarehousePages
{
    private static final Bson PROJECTION = Projections.include(WarehouseDocuments.FIELDS);

    private WarehousePages() {}

    /** Copies the collection into a temporary file in {@code directory}; the export fetches every image itself. */
    static DocumentSpool copy(MongoCollection<Document> images, int pageSize, Path directory)
            throws IOException
    {
        requireNonNull(images, "images");
        try (DocumentSpool.Writer spool = DocumentSpool.create(directory, "warehouse", pageSize);
                MongoCursor<RawBsonDocument> cursor = images.withDocumentClass(RawBsonDocument.class).find()
                        .projection(PROJECTION)
                        .sort(Sorts.ascending("_id"))
                        .batchSize(pageSize)
                        .iterator()) {
            while (cursor.hasNext()) {
                ByteBuffer bytes = cursor.next().getByteBuffer().asNIO();
                byte[] document = new byte[bytes.remaining()];
                bytes.get(document);
                spool.add(document, Optional.empty());
            }
            return spool.finish();
        }
    }
}
