package org.cxr.datamart;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import org.bson.Document;
import org.bson.conversions.Bson;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The warehouse's image documents in {@code _id} order, one page at a time. Each page is its own query
 * ({@code _id > last id seen}, sorted by {@code _id}, limited), served by the {@code _id} index: the export holds one
 * page, not the collection, and no server cursor has to outlive the downloads between pages (DocumentDB and MongoDB
 * close idle cursors after ten minutes).
 */
final class WarehousePages
{
    private static final Bson PROJECTION = Projections.include(WarehouseDocuments.FIELDS);

    private final MongoCollection<Document> images;
    private final int pageSize;
    private Optional<Object> lastId = Optional.empty();
    private boolean exhausted;

    WarehousePages(MongoCollection<Document> images, int pageSize)
    {
        this.images = requireNonNull(images, "images");
        if (pageSize < 1) {
            throw new IllegalArgumentException("pageSize must be positive, got " + pageSize);
        }
        this.pageSize = pageSize;
    }

    /** The next page, empty once every document has been read. */
    List<Document> next()
    {
        if (exhausted) {
            return List.of();
        }
        Bson filter = lastId.map(id -> Filters.gt("_id", id)).orElseGet(Filters::empty);
        List<Document> page = images.find(filter)
                .projection(PROJECTION)
                .sort(Sorts.ascending("_id"))
                .limit(pageSize)
                .batchSize(pageSize)
                .into(new ArrayList<>(pageSize));
        if (page.size() < pageSize) {
            exhausted = true;
        }
        if (!page.isEmpty()) {
            lastId = Optional.of(page.get(page.size() - 1).get("_id"));
        }
        return List.copyOf(page);
    }
}
