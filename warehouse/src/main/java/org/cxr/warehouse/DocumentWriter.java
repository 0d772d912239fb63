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
 * <li>an inference missing from an existing document is added on its own with {@code $addToSet}, which adds it only
 * if the document does not hold that very inference already (an inference's document is made from the lake's rows,
 * which never change, so a repeated add finds its twin); afterwards each document given inferences is sorted by
 * inference id (a {@code $push} of nothing with {@code $sort}), so the order is the same however operations and runs
 * interleave;
 * <li>an upsert that found a document after all (it appeared after the look-up) is followed by the adds of its
 * inferences.
 * </ul>
 * Every write names its document by {@code _id} alone, which every MongoDB-wire server answers from its primary
 * index (the embedded one scans the whole collection for a filter with any other condition: a guard such as
 * {@code "inferences.inferenceId": {$ne: id}} made each update of an existing document cost a scan). Only operators
 * that Amazon DocumentDB supports are used, and no transaction.
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
            sortWhereUnsorted(stored);
            return PageWrite.NOTHING;
        }
        BulkWriteResult result = bulkWrite(plan.writes());
        Set<Integer> inserted = result.getUpserts().stream().map(BulkWriteUpsert::getIndex).collect(Collectors.toSet());
        List<ImageDocument> foundAfterAll = plan.upserts().entrySet().stream()
                .filter(upsert -> !inserted.contains(upsert.getKey()))
                .map(Map.Entry::getValue)
                .toList();
        // Each add that changed its document added what the view said the document lacked; when some changed nothing
        // (the view was stale: another write got there first) the server's count is all that is known.
        int appended = result.getModifiedCount() == plan.existingDocumentsChanged() ? plan.inferencesAdded() : result.getModifiedCount();
        if (!foundAfterAll.isEmpty()) {
            appended += bulkWrite(foundAfterAll.stream().flatMap(image -> pushes(image, image.inferences()).stream()).toList()).getModifiedCount();
        }
        Map<String, List<Long>> written = storedInferenceIds(page);
        sortWhereUnsorted(written);
        verify(page, written);

        int inferencesInCreatedDocuments = inserted.stream().mapToInt(index -> plan.upserts().get(index).inferences().size()).sum();
        // An upsert whose document appeared after the look-up changed nothing itself; its pushes did the rest.
        int documentsUpdated = plan.existingDocumentsChanged() + foundAfterAll.size();
        return new PageWrite(inserted.size(), documentsUpdated, inferencesInCreatedDocuments + appended);
    }

    /**
     * Sorts by inference id the documents whose inferences are out of order: adds append, so a document is out of
     * order only when an older inference was added after a newer one (a page written again, writers side by side).
     */
    private void sortWhereUnsorted(Map<String, List<Long>> stored)
    {
        List<WriteModel<Document>> sorts = stored.entrySet().stream()
                .filter(document -> !isSorted(document.getValue()))
                .map(document -> sortInferences(document.getKey()))
                .toList();
        if (!sorts.isEmpty()) {
            bulkWrite(sorts);
        }
    }

    private static boolean isSorted(List<Long> ids)
    {
        for (int i = 1; i < ids.size(); i++) {
            if (ids.get(i - 1) > ids.get(i)) {
                return false;
            }
        }
        return true;
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
        int appended = 0;
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
            if (absent.isEmpty()) {
                continue;
            }
            appended += absent.size();
            existingDocumentsChanged++;
            writes.add(add(image, absent));
        }
        return new Plan(writes, upserts, existingDocumentsChanged, appended);
    }

    /**
     * One write that adds the inferences (in id order) to the image's document, each only if the document does not
     * hold it already.
     */
    static WriteModel<Document> add(ImageDocument image, List<InferenceDocument> inferences)
    {
        return new UpdateOneModel<>(Filters.eq(ID, image.sha256()),
                Updates.addEachToSet(INFERENCES, inferences.stream().map(DocumentShape::inference).toList()));
    }

    /** An add per inference, so that the server's count of documents changed counts the inferences added. */
    static List<WriteModel<Document>> pushes(ImageDocument image, List<InferenceDocument> inferences)
    {
        return inferences.stream()
                .<WriteModel<Document>>map(inference -> new UpdateOneModel<>(
                        Filters.eq(ID, image.sha256()),
                        Updates.addToSet(INFERENCES, DocumentShape.inference(inference))))
                .toList();
    }

    /** Sorts a document's inferences by id where they stand: a push of no inference, with the sort. */
    static WriteModel<Document> sortInferences(String sha256)
    {
        return new UpdateOneModel<>(Filters.eq(ID, sha256), Updates.pushEach(INFERENCES, List.of(), SORTED_BY_INFERENCE_ID));
    }

    /** Every inference of the page is stored exactly once: only then may the watermark pass it. */
    private static void verify(List<ImageDocument> page, Map<String, List<Long>> stored)
    {
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

    /**
     * The operations of a page; {@code upserts} maps the index of each upsert to its image; {@code inferencesAdded},
     * what the adds to existing documents add if the view they were planned from was right.
     */
    record Plan(List<WriteModel<Document>> writes, Map<Integer, ImageDocument> upserts, int existingDocumentsChanged, int inferencesAdded)
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
