package org.cxr.warehouse;

import com.mongodb.ReadPreference;
import com.mongodb.bulk.BulkWriteResult;
import com.mongodb.bulk.BulkWriteUpsert;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.PushOptions;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import org.bson.Document;
import org.bson.conversions.Bson;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;
import static org.cxr.warehouse.DocumentShape.ID;
import static org.cxr.warehouse.DocumentShape.INFERENCES;
import static org.cxr.warehouse.DocumentShape.INFERENCE_ID;
import static org.cxr.warehouse.DocumentShape.REVIEWS;
import static org.cxr.warehouse.DocumentShape.REVIEW_ID;

/**
 * Writes a page of image documents with unordered bulk writes, so that writing it twice, or after a partial write,
 * leaves the same documents as writing it once.
 *
 * <p>The writer first looks up which of the page's documents exist and which inferences they hold, then:
 * <ul>
 * <li>an image without a document is one upsert that creates the document with the page's inferences
 * ({@code $setOnInsert}) and does nothing to a document that exists;
 * <li>an inference missing from an existing document is pushed on its own, guarded by
 * {@code "inferences.inferenceId": {$ne: id}}, so it is added only if absent; pushes keep the array sorted by
 * inference id ({@code $sort}), so the order is the same however operations and runs interleave;
 * <li>an upsert that found a document after all (it appeared after the look-up) is followed by the guarded pushes
 * of its inferences.
 * </ul>
 * New documents are written by {@code _id} alone, which every MongoDB-wire server answers from its primary index;
 * the guarded pushes, which some servers (the embedded one) answer by scanning the collection, are sent only for
 * documents that exist. Only operators that Amazon DocumentDB supports are used, and no transaction.
 *
 * <p>Reviews come in pages of their own ({@link #writeReviews}), always into documents and inferences that exist
 * already. The same way: a look-up of the review ids the page's inferences hold, then for each review they lack one
 * push into its inference's {@code reviews}, guarded by {@code "reviews.reviewId": {$ne: id}} within the inference
 * ({@code $elemMatch}, which the positional {@code $} of the push then names), sorted by review id.
 */
public final class DocumentWriter
{
    private static final PushOptions SORTED_BY_INFERENCE_ID = new PushOptions().sortDocument(new Document(INFERENCE_ID, 1));
    private static final PushOptions SORTED_BY_REVIEW_ID = new PushOptions().sortDocument(new Document(REVIEW_ID, 1));

    private final MongoCollection<Document> images;

    public DocumentWriter(MongoDatabase database)
    {
        // What the page already holds, and whether the write arrived, are read from the primary even when the
        // connection string prefers secondaries, which may lag.
        this.images = requireNonNull(database, "database").getCollection(DocumentShape.COLLECTION).withReadPreference(ReadPreference.primary());
    }

    public PageWrite write(List<ImageDocument> page)
    {
        requireNonNull(page, "page");
        return page.isEmpty() ? PageWrite.NOTHING : write(page, storedInferenceIds(page));
    }

    /** Writes the page given a view of what its documents held, which may be stale (tests pass one). */
    PageWrite write(List<ImageDocument> page, Map<String, List<Long>> stored)
    {
        Plan plan = plan(page, stored);
        if (plan.writes().isEmpty()) {
            return PageWrite.NOTHING;
        }
        BulkWriteResult result = bulkWrite(plan.writes());
        Set<Integer> inserted = result.getUpserts().stream().map(BulkWriteUpsert::getIndex).collect(Collectors.toSet());
        List<ImageDocument> foundAfterAll = plan.upserts().entrySet().stream()
                .filter(upsert -> !inserted.contains(upsert.getKey()))
                .map(Map.Entry::getValue)
                .toList();
        int appended = result.getModifiedCount();
        if (!foundAfterAll.isEmpty()) {
            appended += bulkWrite(foundAfterAll.stream().flatMap(image -> pushes(image, image.inferences()).stream()).toList()).getModifiedCount();
        }
        verify(page);

        int inferencesInCreatedDocuments = inserted.stream().mapToInt(index -> plan.upserts().get(index).inferences().size()).sum();
        // An upsert whose document appeared after the look-up changed nothing itself; its pushes did the rest.
        int documentsUpdated = plan.existingDocumentsChanged() + foundAfterAll.size();
        return new PageWrite(inserted.size(), documentsUpdated, inferencesInCreatedDocuments + appended);
    }

    private BulkWriteResult bulkWrite(List<WriteModel<Document>> writes)
    {
        BulkWriteResult result = images.bulkWrite(writes, new BulkWriteOptions().ordered(false));
        if (!result.wasAcknowledged()) {
            throw new IllegalStateException("The warehouse did not acknowledge the write: use a write concern of at least w=1");
        }
        return result;
    }

    /**
     * The operations that bring the page's documents up to date, given the inference ids the documents were seen to
     * hold: an upsert for each image seen without a document, guarded pushes of the inferences an existing document
     * lacks.
     */
    static Plan plan(List<ImageDocument> page, Map<String, List<Long>> stored)
    {
        List<WriteModel<Document>> writes = new ArrayList<>();
        Map<Integer, ImageDocument> upserts = new HashMap<>();
        int existingDocumentsChanged = 0;
        for (ImageDocument image : page) {
            List<Long> present = stored.get(image.sha256());
            if (present == null) {
                upserts.put(writes.size(), image);
                writes.add(new UpdateOneModel<>(
                        Filters.eq(ID, image.sha256()),
                        new Document("$setOnInsert", DocumentShape.imageFields(image).append(INFERENCES, DocumentShape.inferences(image))),
                        new UpdateOptions().upsert(true)));
                continue;
            }
            List<InferenceDocument> absent = image.inferences().stream()
                    .filter(inference -> !present.contains(inference.inferenceId()))
                    .toList();
            writes.addAll(pushes(image, absent));
            if (!absent.isEmpty()) {
                existingDocumentsChanged++;
            }
        }
        return new Plan(writes, upserts, existingDocumentsChanged);
    }

    /** A guarded push per inference: each adds it to the image's document only if the document lacks it. */
    static List<WriteModel<Document>> pushes(ImageDocument image, List<InferenceDocument> inferences)
    {
        return inferences.stream()
                .<WriteModel<Document>>map(inference -> new UpdateOneModel<>(
                        Filters.and(Filters.eq(ID, image.sha256()), Filters.ne(INFERENCES + "." + INFERENCE_ID, inference.inferenceId())),
                        Updates.pushEach(INFERENCES, List.of(DocumentShape.inference(inference)), SORTED_BY_INFERENCE_ID)))
                .toList();
    }

    /** Every inference of the page is stored exactly once: only then may the watermark pass it. */
    private void verify(List<ImageDocument> page)
    {
        Map<String, List<Long>> stored = storedInferenceIds(page);
        for (ImageDocument image : page) {
            List<Long> inferenceIds = stored.getOrDefault(image.sha256(), List.of());
            for (InferenceDocument inference : image.inferences()) {
                long copies = inferenceIds.stream().filter(id -> id == inference.inferenceId()).count();
                if (copies != 1) {
                    throw new IllegalStateException("After the write, the document of image " + image.sha256() + " holds inference "
                            + inference.inferenceId() + " " + copies + " times instead of once");
                }
            }
        }
    }

    /** The inference ids held by those documents of the page's images that exist. */
    private Map<String, List<Long>> storedInferenceIds(List<ImageDocument> page)
    {
        List<String> ids = page.stream().map(ImageDocument::sha256).toList();
        Map<String, List<Long>> stored = new HashMap<>();
        for (Document document : images.find(Filters.in(ID, ids)).projection(Projections.include(INFERENCES + "." + INFERENCE_ID))) {
            stored.put(document.getString(ID), document.getList(INFERENCES, Document.class, List.of()).stream()
                    .map(inference -> inference.getLong(INFERENCE_ID))
                    .toList());
        }
        return stored;
    }

    /**
     * Puts each review of the page into its inference, unless the inference holds it already; returns how many it
     * added. Every inference must be in the warehouse (the review pages stop before a review of an inference beyond
     * the watermark): one that is missing was lost from the warehouse, and the run fails rather than drop its review.
     */
    public int writeReviews(List<PendingReview> page)
    {
        requireNonNull(page, "page");
        if (page.isEmpty()) {
            return 0;
        }
        List<WriteModel<Document>> writes = reviewPushes(page, storedReviewIds(page));
        int appended = writes.isEmpty() ? 0 : bulkWrite(writes).getModifiedCount();
        verifyReviews(page);
        return appended;
    }

    /** A guarded push for each review of the page that its inference was seen to lack. */
    static List<WriteModel<Document>> reviewPushes(List<PendingReview> page, Map<String, Map<Long, List<Long>>> stored)
    {
        List<WriteModel<Document>> writes = new ArrayList<>();
        for (PendingReview pending : page) {
            List<Long> present = reviewIds(stored, pending);
            if (!present.contains(pending.review().reviewId())) {
                writes.add(push(pending));
            }
        }
        return writes;
    }

    static WriteModel<Document> push(PendingReview pending)
    {
        Bson lacksTheReview = Filters.and(Filters.eq(INFERENCE_ID, pending.inferenceId()), Filters.ne(REVIEWS + "." + REVIEW_ID, pending.review().reviewId()));
        return new UpdateOneModel<>(
                Filters.and(Filters.eq(ID, pending.sha256()), Filters.elemMatch(INFERENCES, lacksTheReview)),
                // The positional $ is the inference that $elemMatch found.
                Updates.pushEach(INFERENCES + ".$." + REVIEWS, List.of(DocumentShape.review(pending.review())), SORTED_BY_REVIEW_ID));
    }

    /** Every review of the page is stored exactly once, in its inference: only then may the watermark pass it. */
    private void verifyReviews(List<PendingReview> page)
    {
        Map<String, Map<Long, List<Long>>> stored = storedReviewIds(page);
        for (PendingReview pending : page) {
            long copies = reviewIds(stored, pending).stream().filter(id -> id == pending.review().reviewId()).count();
            if (copies != 1) {
                throw new IllegalStateException("After the write, inference " + pending.inferenceId() + " of image " + pending.sha256() + " holds review "
                        + pending.review().reviewId() + " " + copies + " times instead of once");
            }
        }
    }

    private static List<Long> reviewIds(Map<String, Map<Long, List<Long>>> stored, PendingReview pending)
    {
        List<Long> reviewIds = stored.getOrDefault(pending.sha256(), Map.of()).get(pending.inferenceId());
        if (reviewIds == null) {
            throw new IllegalStateException("Review " + pending.review().reviewId() + " is of inference " + pending.inferenceId()
                    + ", which the warehouse's document of image " + pending.sha256() + " does not hold although the stage's watermark has passed it;"
                    + " forget the warehouse watermark to copy the lake again");
        }
        return reviewIds;
    }

    /** The review ids each inference holds, by inference id, in those documents of the page's images that exist. */
    private Map<String, Map<Long, List<Long>>> storedReviewIds(List<PendingReview> page)
    {
        List<String> ids = page.stream().map(PendingReview::sha256).distinct().toList();
        Map<String, Map<Long, List<Long>>> stored = new HashMap<>();
        Bson fields = Projections.include(INFERENCES + "." + INFERENCE_ID, INFERENCES + "." + REVIEWS + "." + REVIEW_ID);
        for (Document document : images.find(Filters.in(ID, ids)).projection(fields)) {
            Map<Long, List<Long>> inferences = new HashMap<>();
            for (Document inference : document.getList(INFERENCES, Document.class, List.of())) {
                inferences.put(inference.getLong(INFERENCE_ID), inference.getList(REVIEWS, Document.class, List.of()).stream()
                        .map(review -> review.getLong(REVIEW_ID))
                        .toList());
            }
            stored.put(document.getString(ID), inferences);
        }
        return stored;
    }

    /** The operations of a page; {@code upserts} maps the index of each upsert to its image. */
    record Plan(List<WriteModel<Document>> writes, Map<Integer, ImageDocument> upserts, int existingDocumentsChanged)
    {
        Plan
        {
            writes = List.copyOf(writes);
            upserts = Map.copyOf(upserts);
        }
    }

    /** What a page's write changed: documents created, existing documents given inferences, inferences added in all. */
    public record PageWrite(int documentsInserted, int documentsUpdated, int inferencesAppended)
    {
        public static final PageWrite NOTHING = new PageWrite(0, 0, 0);
    }
}
