package org.cxr.backup;

import org.cxr.lake.ContentHash;
import org.cxr.lake.store.ObjectStore;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadFactory;

import static java.util.Objects.requireNonNull;

/**
 * Checks a backup against its manifest the way a restore would meet it: each file is read back with a plain GET, its
 * size and SHA-256 recomputed, its footer parsed, and its row count and schema compared with what the manifest and the
 * dataset say.
 */
public final class BackupVerifier
{
    private static final ThreadFactory VERIFIER_THREADS = task -> {
        Thread thread = new Thread(task, "backup-verifier");
        thread.setDaemon(true);
        return thread;
    };

    private final ObjectStore store;
    private final int readers;

    public BackupVerifier(ObjectStore store)
    {
        this(store, 1);
    }

    /**
     * A verifier that checks {@code readers} files at a time: a file's check waits on the store's GET as much as it
     * hashes, and the backup's check of all its files is the last step before its manifest.
     */
    public BackupVerifier(ObjectStore store, int readers)
    {
        this.store = requireNonNull(store, "store");
        if (readers < 1) {
            throw new IllegalArgumentException("readers must be positive, got " + readers);
        }
        this.readers = readers;
    }

    /** What is wrong with the backup, one line per file; empty when every file is as the manifest says. */
    public List<String> problems(Manifest manifest)
    {
        requireNonNull(manifest, "manifest");
        List<Callable<Optional<String>>> checks = new ArrayList<>();
        for (ManifestFile file : manifest.files()) {
            checks.add(() -> check(file).problem());
        }
        return InOrder.run(checks, readers, VERIFIER_THREADS).stream().flatMap(Optional::stream).toList();
    }

    public void verify(Manifest manifest)
    {
        List<String> problems = problems(manifest);
        if (!problems.isEmpty()) {
            throw new BackupException("Backup run " + manifest.runId() + " failed verification: " + String.join("; ", problems));
        }
    }

    /** The file's bytes, once they are checked; a restore loads nothing it has not checked. */
    byte[] read(ManifestFile file)
    {
        Checked checked = check(file);
        if (checked.problem().isPresent()) {
            throw new BackupException(checked.problem().get());
        }
        return checked.bytes();
    }

    private Checked check(ManifestFile file)
    {
        Optional<byte[]> stored = store.get(file.key());
        if (stored.isEmpty()) {
            return Checked.failed(file.key() + " is missing");
        }
        byte[] bytes = stored.get();
        if (bytes.length != file.sizeBytes()) {
            return Checked.failed(file.key() + " has " + bytes.length + " bytes, the manifest says " + file.sizeBytes());
        }
        String sha256 = ContentHash.sha256(bytes);
        if (!sha256.equals(file.sha256())) {
            return Checked.failed(file.key() + " has SHA-256 " + sha256 + ", the manifest says " + file.sha256());
        }
        ParquetFiles.Footer footer;
        try {
            footer = ParquetFiles.footer(bytes);
        }
        catch (IOException | RuntimeException e) {
            return Checked.failed(file.key() + " is not a readable Parquet file: " + e.getMessage());
        }
        if (footer.rows() != file.rows()) {
            return Checked.failed(file.key() + " holds " + footer.rows() + " rows, the manifest says " + file.rows());
        }
        if (!footer.avroSchema().equals(Optional.of(file.dataset().schema()))) {
            return Checked.failed(file.key() + " does not have the schema of the " + file.dataset().directory() + " dataset");
        }
        return new Checked(bytes, Optional.empty());
    }

    private record Checked(byte[] bytes, Optional<String> problem)
    {
        static Checked failed(String problem)
        {
            return new Checked(new byte[0], Optional.of(problem));
        }
    }
}
