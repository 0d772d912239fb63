package org.cxr.backup;

import org.cxr.lake.store.ObjectListing;
import org.cxr.lake.store.ObjectStore;
import org.cxr.lake.store.StoredObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The backup as a reader sees it: the runs whose manifests are stored. Only the files a manifest lists are part of the
 * backup, and each manifest covers the rows after the previous one's watermark, so reading the listed files of all
 * manifests gives every backed-up row exactly once; a file under the prefix that no manifest lists (left by a crashed
 * attempt that a retry has not yet overwritten) is not part of it.
 */
public final class BackupCatalog
{
    private final ObjectStore store;
    private final BackupLayout layout;

    public BackupCatalog(ObjectStore store, BackupOptions options)
    {
        this.store = requireNonNull(store, "store");
        this.layout = new BackupLayout(requireNonNull(options, "options").prefix());
    }

    /** Every run's manifest, in run order. */
    public List<Manifest> manifests()
    {
        List<Manifest> manifests = new ArrayList<>();
        for (String key : keys(layout.manifestPrefix())) {
            manifests.add(read(key).orElseThrow(() -> new BackupException("Manifest " + key + " disappeared while it was being read")));
        }
        manifests.sort(Manifest.RUN_ORDER);
        return List.copyOf(manifests);
    }

    public Optional<Manifest> manifest(String runId)
    {
        return read(layout.manifest(runId));
    }

    List<String> keys(String prefix)
    {
        List<String> keys = new ArrayList<>();
        Optional<String> token = Optional.empty();
        do {
            ObjectListing page = store.list(prefix, token, ObjectStore.MAX_KEYS_PER_PAGE);
            page.objects().stream()
                    .map(StoredObject::key)
                    .filter(key -> key.endsWith(".json"))
                    .forEach(keys::add);
            token = page.nextToken();
        }
        while (token.isPresent());
        return keys;
    }

    private Optional<Manifest> read(String key)
    {
        return store.get(key).map(json -> Json.read(json, Manifest.class, "manifest " + key));
    }
}
