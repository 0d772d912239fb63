package org.cxr.warehouse;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Accumulators;
import com.mongodb.client.model.Aggregates;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import org.bson.Document;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import static java.util.Objects.requireNonNull;
import static org.cxr.warehouse.DocumentShape.DETECTIONS;
import static org.cxr.warehouse.DocumentShape.ID;
import static org.cxr.warehouse.DocumentShape.INFERENCES;
import static org.cxr.warehouse.DocumentShape.REVIEWS;
import static org.cxr.warehouse.DocumentShape.REVIEW_BOXES;

/** Reads the warehouse's image documents: for the data mart export and for reconciling the warehouse with the lake. */
public final class WarehouseReader
{
    public static final int DEFAULT_BATCH_SIZE = 100;

    private final MongoCollection<Document> images;
    private final int batchSize;

    public WarehouseReader(MongoDatabase database)
    {
        this(database, DEFAULT_BATCH_SIZE);
    }

    public WarehouseReader(MongoDatabase database, int batchSize)
    {
        this.images = requireNonNull(database, "database").getCollection(DocumentShape.COLLECTION);
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        }
        this.batchSize = batchSize;
    }

    /**
     * Every image document in hash ({@code _id}) order, fetched a batch at a time as the stream is consumed, so memory
     * stays bounded. Each batch is its own query that starts after the last hash seen instead of one long-lived server
     * cursor, which DocumentDB closes after ten idle minutes: a slow consumer (one that downloads every image) is
     * fine. Documents written during the stream appear if their hash is after the position reached.
     */
    public Stream<ImageDocument> images()
    {
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(new BatchIterator(), Spliterator.ORDERED | Spliterator.NONNULL), false);
    }

    /** At most {@code limit} image documents with hashes after {@code afterSha256} (or from the first), in hash order. */
    public List<ImageDocument> images(Optional<String> afterSha256, int limit)
    {
        requireNonNull(afterSha256, "afterSha256");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive, got " + limit);
        }
        List<ImageDocument> page = new ArrayList<>(limit);
        images.find(afterSha256.map(after -> Filters.gt(ID, after)).orElse(new Document()))
                .sort(Sorts.ascending(ID))
                .limit(limit)
                .forEach(document -> page.add(DocumentShape.read(document)));
        return List.copyOf(page);
    }

    public Optional<ImageDocument> image(String sha256)
    {
        requireNonNull(sha256, "sha256");
        return Optional.ofNullable(images.find(Filters.eq(ID, sha256)).first()).map(DocumentShape::read);
    }

    /** How many image documents, inferences, detections, reviews and review decisions the warehouse holds. */
    public WarehouseCounts counts()
    {
        long documents = images.countDocuments();
        Document totals = images.aggregate(List.of(
                        Aggregates.unwind("$" + INFERENCES),
                        Aggregates.group(null,
                                Accumulators.sum("inferences", 1),
                                Accumulators.sum("boxes", new Document("$size", "$" + INFERENCES + "." + DETECTIONS)),
                                // Inferences written before reviews were carried have no reviews field until their first.
                                Accumulators.sum("reviews", new Document("$size", new Document("$ifNull", List.of("$" + INFERENCES + "." + REVIEWS, List.of())))))))
                .first();
        if (totals == null) {
            return new WarehouseCounts(documents, 0, 0, 0, 0);
        }
        long reviews = number(totals, "reviews");
        return new WarehouseCounts(documents, number(totals, "inferences"), number(totals, "boxes"), reviews, reviews == 0 ? 0 : reviewBoxes());
    }

    /** The decisions of every review, a second pass over the reviews alone (run only when there are some). */
    private long reviewBoxes()
    {
        Document totals = images.aggregate(List.of(
                        Aggregates.unwind("$" + INFERENCES),
                        Aggregates.unwind("$" + INFERENCES + "." + REVIEWS),
                        Aggregates.group(null, Accumulators.sum("boxes", new Document("$size", "$" + INFERENCES + "." + REVIEWS + "." + REVIEW_BOXES)))))
                .first();
        return totals == null ? 0 : number(totals, "boxes");
    }

    private static long number(Document document, String field)
    {
        // The server sums to a 32-bit integer while the total fits, to a 64-bit one beyond.
        return document.get(field, Number.class).longValue();
    }

    private final class BatchIterator
            implements Iterator<ImageDocument>
    {
        private Iterator<ImageDocument> batch = List.<ImageDocument>of().iterator();
        private Optional<String> after = Optional.empty();
        private boolean exhausted;

        @Override
        public boolean hasNext()
        {
            if (batch.hasNext()) {
                return true;
            }
            if (exhausted) {
                return false;
            }
            List<ImageDocument> next = images(after, batchSize);
            exhausted = next.size() < batchSize;
            if (!next.isEmpty()) {
                after = Optional.of(next.get(next.size() - 1).sha256());
            }
            batch = next.iterator();
            return batch.hasNext();
        }

        @Override
        public ImageDocument next()
        {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return batch.next();
        }
    }
}
