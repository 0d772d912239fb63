package org.cxr.backup;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * How purging runs.
 *
 * @param batchSize rows deleted per transaction
 * @param alsoRequiredStages other stages (for example {@code warehouse}) whose watermarks must also have passed a row
 *         before it is deleted, so that purging never takes a row from a stage that has not read it yet
 */
public record PurgeOptions(int batchSize, List<String> alsoRequiredStages)
{
    public static final int DEFAULT_BATCH_SIZE = 1000;

    public PurgeOptions
    {
        alsoRequiredStages = List.copyOf(requireNonNull(alsoRequiredStages, "alsoRequiredStages"));
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be positive, got " + batchSize);
        }
    }

    public static PurgeOptions defaults()
    {
        return new PurgeOptions(DEFAULT_BATCH_SIZE, List.of());
    }

    public PurgeOptions withBatchSize(int batchSize)
    {
        return new PurgeOptions(batchSize, alsoRequiredStages);
    }

    public PurgeOptions withAlsoRequiredStages(List<String> stages)
    {
        return new PurgeOptions(batchSize, stages);
    }
}
