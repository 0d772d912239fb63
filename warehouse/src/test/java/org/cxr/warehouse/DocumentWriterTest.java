package org.cxr.warehouse;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.WriteModel;
import org.bson.Document;
import org.cxr.lake.MediaType;
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
        List<WriteModel<Document>> pushes = DocumentWriter.plan(List.of(image(A, 1, 3, 4, 2)), Map.of(A, List.of())).writes();

        for (long seed = 0; seed < 5; seed++) {
            List<WriteModel<Document>> shuffled = new ArrayList<>(pushes);
            Collections.shuffle(shuffled, new Random(seed));
            apply(shuffled);
        }
        assertThat(documents()).containsExactly(image(A, 1, 2, 3, 4));
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

    private static ImageDocument image(String sha256, long... inferenceIds)
    {
        List<InferenceDocument> inferences = new ArrayList<>();
        for (long id : inferenceIds) {
            inferences.add(new InferenceDocument(id, Instant.ofEpochMilli(1_900_000_000_000L + id), "model", "1", List.of("class"), 0.5, 0.5, id, Optional.empty(),
                    List.of(new Detection(id * 10, (int) id % 5, "class", 0.75, 1, 2, 3, 4))));
        }
        return new ImageDocument(sha256, sha256.charAt(0), "bucket", "images/" + sha256 + ".png", "x.png", MediaType.PNG, 2, 3, 100,
                Instant.ofEpochMilli(1_800_000_000_000L), inferences);
    }
}
