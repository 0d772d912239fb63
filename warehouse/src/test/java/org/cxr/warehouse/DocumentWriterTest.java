package org.cxr.warehouse;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.WriteModel;
import org.bson.Document;
import org.cxr.lake.MediaType;
import org.cxr.lake.ReviewDecision;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operations of a page on their own, without the look-up that usually spares most of them: whatever order the
 * server runs them in and however stale the writer's view of the documents, the result is the same.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DocumentWriterTest
{
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static final String A = "a".repeat(64);
    private static final String B = "b".repeat(64);

    private EmbeddedWarehouse server;
    private MongoClient client;
    private MongoDatabase database;
    private MongoCollection<Document> images;

    @BeforeAll
    void start(@TempDir Path folder)
    {
        server = EmbeddedWarehouse.start(folder);
        client = WarehouseClients.create(server.config());
    }

    @AfterAll
    void stop()
    {
        client.close();
        server.close();
    }

    @BeforeEach
    void freshDatabase()
    {
        database = client.getDatabase("writer_test_" + DATABASES.incrementAndGet());
        images = database.getCollection("images");
    }

    @Test
    void theOperationsGiveTheSameDocumentsInAnyOrder()
    {
        List<ImageDocument> page = List.of(image(A, 1, 3), image(B, 2));
        List<WriteModel<Document>> writes = DocumentWriter.plan(page, Map.of()).writes();

        apply(reversed(writes));
        assertThat(documents()).containsExactly(image(A, 1, 3), image(B, 2));

        for (long seed = 0; seed < 5; seed++) {
            List<WriteModel<Document>> shuffled = new ArrayList<>(writes);
            Collections.shuffle(shuffled, new Random(seed));
            apply(shuffled);
        }
        assertThat(documents()).containsExactly(image(A, 1, 3), image(B, 2));
    }

    @Test
    void aStaleViewOfTheDocumentsNeitherDoublesNorLosesAnInference()
    {
        // Written meanwhile: A with a later inference only, and B whole.
        DocumentWriter writer = new DocumentWriter(database);
        writer.write(List.of(image(A, 3), image(B, 2)));

        // The writer believes nothing is stored: its upserts find documents, and it pushes what they lack.
        DocumentWriter.PageWrite write = writer.write(List.of(image(A, 1, 3, 4), image(B, 2)), Map.of());

        assertThat(documents()).containsExactly(image(A, 1, 3, 4), image(B, 2));
        assertThat(write).isEqualTo(new DocumentWriter.PageWrite(0, 2, 2));
    }

    @Test
    void pushesToAnExistingDocumentGiveTheSameDocumentInAnyOrder()
    {
        apply(DocumentWriter.plan(List.of(image(A, 3)), Map.of()).writes());
        ImageDocument a = image(A, 1, 3, 4, 2);
        List<WriteModel<Document>> adds = List.of(
                DocumentWriter.add(a, List.of(a.inferences().get(3))), DocumentWriter.add(a, List.of(a.inferences().get(0), a.inferences().get(2))));
        DocumentWriter writer = new DocumentWriter(database);

        // Each round runs every add again, in another order: the adds find their twins and add nothing. The writer's
        // next write of the page sorts what the adds appended out of order, and adds nothing.
        for (long seed = 0; seed < 5; seed++) {
            List<WriteModel<Document>> shuffled = new ArrayList<>(adds);
            Collections.shuffle(shuffled, new Random(seed));
            apply(shuffled);
            assertThat(writer.write(List.of(a))).isEqualTo(DocumentWriter.PageWrite.NOTHING);
            assertThat(documents()).containsExactly(image(A, 1, 2, 3, 4));
        }
    }

    @Test
    void writesOnlyWhatTheDocumentsLackAndCountsIt()
    {
        DocumentWriter writer = new DocumentWriter(database);
        writer.write(List.of(image(A, 1)));

        DocumentWriter.PageWrite write = writer.write(List.of(image(A, 1, 2, 3), image(B, 4, 5)));

        assertThat(write).isEqualTo(new DocumentWriter.PageWrite(1, 1, 4));
        assertThat(documents()).containsExactly(image(A, 1, 2, 3), image(B, 4, 5));
        assertThat(DocumentWriter.plan(List.of(image(A, 1, 2, 3), image(B, 4, 5)), Map.of(A, List.of(1L, 2L, 3L), B, List.of(4L, 5L))).writes()).isEmpty();
        assertThat(writer.write(List.of(image(A, 1, 2, 3), image(B, 4, 5)))).isEqualTo(DocumentWriter.PageWrite.NOTHING);
    }

    @Test
    void reviewPushesGiveTheSameReviewsInAnyOrderAndRepeatedAddNothing()
    {
        apply(DocumentWriter.plan(List.of(image(A, 1, 2)), Map.of()).writes());
        List<PendingReview> reviews = List.of(review(A, 1, 10), review(A, 2, 11), review(A, 1, 12), review(A, 1, 13));
        List<WriteModel<Document>> pushes = reviews.stream().map(DocumentWriter::push).toList();

        // Each shuffle applies every push again: the guard turns the repeats into nothing.
        for (long seed = 0; seed < 5; seed++) {
            List<WriteModel<Document>> shuffled = new ArrayList<>(pushes);
            Collections.shuffle(shuffled, new Random(seed));
            apply(shuffled);
        }

        List<InferenceDocument> inferences = documents().get(0).inferences();
        assertThat(inferences.get(0).reviews()).extracting(ReviewDocument::reviewId).containsExactly(10L, 12L, 13L);
        assertThat(inferences.get(1).reviews()).extracting(ReviewDocument::reviewId).containsExactly(11L);
        assertThat(inferences.get(0).reviews().get(0)).isEqualTo(reviews.get(0).review());
        assertThat(new DocumentWriter(database).writeReviews(reviews)).isZero();
        assertThat(DocumentWriter.reviewPushes(reviews, Map.of(A, Map.of(1L, List.of(10L, 12L), 2L, List.of())))).hasSize(2);
    }

    private void apply(List<WriteModel<Document>> writes)
    {
        // Ordered, so that the server runs them in exactly the order under test.
        images.bulkWrite(writes, new BulkWriteOptions().ordered(true));
    }

    private List<ImageDocument> documents()
    {
        return new WarehouseReader(database).images().toList();
    }

    private static List<WriteModel<Document>> reversed(List<WriteModel<Document>> writes)
    {
        List<WriteModel<Document>> reversed = new ArrayList<>(writes);
        Collections.reverse(reversed);
        return reversed;
    }

    private static PendingReview review(String sha256, long inferenceId, long reviewId)
    {
        return new PendingReview(sha256, inferenceId, new ReviewDocument(reviewId, "dr-house", Instant.ofEpochMilli(1_900_000_100_000L + reviewId), Optional.empty(),
                List.of(new ReviewedBox(reviewId * 10, Optional.of(inferenceId * 10), ReviewDecision.REJECTED, Optional.empty()))));
    }

    private static ImageDocument image(String sha256, long... inferenceIds)
    {
        List<InferenceDocument> inferences = new ArrayList<>();
        for (long id : inferenceIds) {
            inferences.add(new InferenceDocument(id, Instant.ofEpochMilli(1_900_000_000_000L + id), "model", "1", List.of("class"), 0.5, 0.5, id, Optional.empty(),
                    List.of(new Detection(id * 10, (int) id % 5, "class", 0.75, 1, 2, 3, 4)), List.of()));
        }
        return new ImageDocument(sha256, sha256.charAt(0), "bucket", "images/" + sha256 + ".png", "x.png", MediaType.PNG, 2, 3, 100,
                Instant.ofEpochMilli(1_800_000_000_000L), inferences);
    }
}
