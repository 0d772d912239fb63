package org.cxr.lake.sweep;

import org.cxr.lake.sql.Database;
import org.cxr.lake.db.MetadataReader;
import org.cxr.lake.store.ObjectKeys;
import org.cxr.lake.store.ObjectListing;
import org.cxr.lake.store.ObjectStore;
import org.cxr.lake.store.StoredObject;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Deletes image objects that no image row refers to: what a crash or a failed transaction left between the object
 * write and the commit. Young objects are left alone for a grace period, because an upload in flight has written its
 * object and not yet committed its rows; the grace period must be longer than any upload takes.
 *
 * <p>Meant to run now and then, from one process; it reads the whole {@code images/} prefix a page at a time.
 */
public final class OrphanSweeper
{
    public static final Duration DEFAULT_GRACE_PERIOD = Duration.ofHours(1);

    private static final int PAGE_SIZE = ObjectStore.MAX_KEYS_PER_PAGE;

    private final ObjectStore store;
    private final MetadataReader reader;
    private final Clock clock;
    private final Duration gracePeriod;

    public OrphanSweeper(Database database, ObjectStore store, Clock clock, Duration gracePeriod)
    {
        this.reader = new MetadataReader(requireNonNull(database, "database"));
        this.store = requireNonNull(store, "store");
        this.clock = requireNonNull(clock, "clock");
        this.gracePeriod = requireNonNull(gracePeriod, "gracePeriod");
        if (gracePeriod.isNegative()) {
            throw new IllegalArgumentException("grace period must not be negative, got " + gracePeriod);
        }
    }

    public OrphanSweeper(Database database, ObjectStore store)
    {
        this(database, store, Clock.systemUTC(), DEFAULT_GRACE_PERIOD);
    }

    /** Returns the objects it deleted. */
    public List<StoredObject> sweep()
    {
        Instant cutoff = clock.instant().minus(gracePeriod);
        List<StoredObject> deleted = new ArrayList<>();
        Optional<String> token = Optional.empty();
        do {
            ObjectListing page = store.list(ObjectKeys.IMAGE_PREFIX, token, PAGE_SIZE);
            List<StoredObject> old = page.objects().stream()
                    .filter(object -> !object.lastModified().isAfter(cutoff))
                    .toList();
            Set<String> known = reader.knownObjectKeys(store.bucket(), old.stream().map(StoredObject::key).toList());
            for (StoredObject object : old) {
                if (!known.contains(object.key())) {
                    store.delete(object.key());
                    deleted.add(object);
                }
            }
            token = page.nextToken();
        }
        while (token.isPresent());
        return List.copyOf(deleted);
    }
}
