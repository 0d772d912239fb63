package org.cxr.lake.store;

import org.cxr.lake.embedded.EmbeddedS3;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

class ObjectStoreTest
{
    private static EmbeddedS3 s3;
    private static ObjectStore store;

    @BeforeAll
    static void start(@TempDir Path folder)
    {
        s3 = EmbeddedS3.start(folder);
        store = ObjectStore.create(s3.config("object-store-test"));
        store.createBucketIfAbsent();
    }

    @AfterAll
    static void stop()
    {
        store.close();
        s3.close();
    }

    @Test
    void returnsWhatWasPut()
    {
        byte[] bytes = randomBytes(1000);

        store.put("round/trip.png", bytes, "image/png");

        assertThat(store.exists("round/trip.png")).isTrue();
        assertThat(store.get("round/trip.png")).hasValueSatisfying(stored -> assertThat(stored).isEqualTo(bytes));
    }

    @Test
    void returnsALargeObjectWithAPlainGet()
    {
        byte[] bytes = randomBytes(12 * 1024 * 1024 + 17);

        store.put("large/object.jpg", bytes, "image/jpeg");

        assertThat(store.get("large/object.jpg")).hasValueSatisfying(stored -> assertThat(stored).isEqualTo(bytes));
    }

    @Test
    void puttingTheSameObjectTwiceKeepsOneObject()
    {
        byte[] bytes = randomBytes(100);

        store.put("twice/same.png", bytes, "image/png");
        store.put("twice/same.png", bytes, "image/png");

        assertThat(store.list("twice/", Optional.empty(), 10).objects()).extracting(StoredObject::key).containsExactly("twice/same.png");
        assertThat(store.get("twice/same.png")).hasValueSatisfying(stored -> assertThat(stored).isEqualTo(bytes));
    }

    @Test
    void aMissingObjectIsAbsentAndDeletingItIsNoError()
    {
        assertThat(store.exists("missing/key.png")).isFalse();
        assertThat(store.get("missing/key.png")).isEmpty();

        store.delete("missing/key.png");
    }

    @Test
    void deletesAnObject()
    {
        store.put("delete/me.png", randomBytes(10), "image/png");

        store.delete("delete/me.png");

        assertThat(store.exists("delete/me.png")).isFalse();
        assertThat(store.get("delete/me.png")).isEmpty();
    }

    @Test
    void listsOnlyKeysUnderThePrefixAPageAtATimeWithLastModifiedTimes()
    {
        Instant before = Instant.now().minus(Duration.ofMinutes(1));
        for (int i = 0; i < 5; i++) {
            store.put("listing/images/" + i + ".png", randomBytes(10 + i), "image/png");
        }
        store.put("listing/other/x.png", randomBytes(10), "image/png");

        List<StoredObject> listed = new ArrayList<>();
        Optional<String> token = Optional.empty();
        int pages = 0;
        do {
            ObjectListing page = store.list("listing/images/", token, 2);
            assertThat(page.objects()).hasSizeLessThanOrEqualTo(2);
            listed.addAll(page.objects());
            token = page.nextToken();
            pages++;
        }
        while (token.isPresent());

        assertThat(pages).isEqualTo(3);
        assertThat(listed).extracting(StoredObject::key)
                .containsExactly("listing/images/0.png", "listing/images/1.png", "listing/images/2.png", "listing/images/3.png", "listing/images/4.png");
        assertThat(listed).extracting(StoredObject::sizeBytes).containsExactly(10L, 11L, 12L, 13L, 14L);
        assertThat(listed).allSatisfy(object -> assertThat(object.lastModified()).isAfter(before).isBefore(Instant.now().plusSeconds(60)));
    }

    private static byte[] randomBytes(int size)
    {
        byte[] bytes = new byte[size];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }
}
