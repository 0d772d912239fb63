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
public record PurgeConfig(int batchSize, List<String> alsoRequiredStages)
{
    public static final int DEFAULT_BATCH_SIZE = 1000;

    public PurgeConfig
    {
        alsoRequiredStages = List.copyOf(requireNonNull(alsoRequiredStages, "alsoRequiredStages"));
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be positive, got " + batchSize);
        }
    }

    public static PurgeConfig defaults()
    {
        return new PurgeConfig(DEFAULT_BATCH_SIZE, List.of());
    }

    public PurgeConfig withBatchSize(int batchSize)
    {
        return new PurgeConfig(batchSize, alsoRequiredStages);
    }

    public PurgeConfig withAlsoRequiredStages(List<String> stages)
    {
        return new PurgeConfig(batchSize, stages);
    }
}
