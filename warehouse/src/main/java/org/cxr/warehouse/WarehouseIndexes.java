package org.cxr.warehouse;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.IndexModel;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import org.bson.Document;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.cxr.warehouse.DocumentShape.CLASS_ID;
import static org.cxr.warehouse.DocumentShape.CREATED_AT;
import static org.cxr.warehouse.DocumentShape.DETECTIONS;
import static org.cxr.warehouse.DocumentShape.INFERENCES;
import static org.cxr.warehouse.DocumentShape.INFERENCE_ID;

/** The secondary indexes of the {@code images} collection; the image hash is the {@code _id} and needs none. */
public final class WarehouseIndexes
{
    static final List<IndexModel> INDEXES = List.of(
            // Finding the image of an inference (reconcile, the data mart).
            index(INFERENCES + "." + INFERENCE_ID),
            // "Images with a finding of class N", the data mart's question.
            index(INFERENCES + "." + DETECTIONS + "." + CLASS_ID),
            index(INFERENCES + "." + CREATED_AT));

    private WarehouseIndexes() {}

    /** Creates those that are missing: every run calls this, and building an index on a large collection is not free. */
    public static void createMissing(MongoDatabase database)
    {
        MongoCollection<Document> images = database.getCollection(DocumentShape.COLLECTION);
        Set<Document> existing = new HashSet<>();
        images.listIndexes().forEach(index -> existing.add(index.get("key", Document.class)));
        List<IndexModel> missing = INDEXES.stream()
                .filter(index -> !existing.contains(new Document(index.getKeys().toBsonDocument())))
                .toList();
        if (!missing.isEmpty()) {
            images.createIndexes(missing);
        }
    }

    private static IndexModel index(String field)
    {
        return new IndexModel(Indexes.ascending(field), new IndexOptions().name(field.replace('.', '_')));
    }
}
