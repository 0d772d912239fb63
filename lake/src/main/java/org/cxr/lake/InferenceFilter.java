package org.cxr.lake;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

import static java.util.Objects.requireNonNull;

/**
 * Which inferences a listing returns. Times are a half-open range [from, to). The class and score conditions apply to
 * one box: with both set, an inference matches when one of its boxes has that class with at least that score. With a
 * user name, only that user's inferences match.
 */
public record InferenceFilter(Optional<Instant> from, Optional<Instant> to, OptionalInt classId, OptionalDouble minScore, Optional<String> userName)
{
    public static final InferenceFilter ALL = new InferenceFilter(Optional.empty(), Optional.empty(), OptionalInt.empty(), OptionalDouble.empty(), Optional.empty());

    public InferenceFilter
    {
        requireNonNull(from, "from");
        requireNonNull(to, "to");
        requireNonNull(classId, "classId");
        requireNonNull(minScore, "minScore");
        requireNonNull(userName, "userName");
        if (minScore.isPresent() && !(minScore.getAsDouble() >= 0 && minScore.getAsDouble() <= 1)) {
            throw new IllegalArgumentException("minimum score must be between 0 and 1, got " + minScore.getAsDouble());
        }
    }

    public InferenceFilter withFrom(Instant from)
    {
        return new InferenceFilter(Optional.of(from), to, classId, minScore, userName);
    }

    public InferenceFilter withTo(Instant to)
    {
        return new InferenceFilter(from, Optional.of(to), classId, minScore, userName);
    }

    public InferenceFilter withClassId(int classId)
    {
        return new InferenceFilter(from, to, OptionalInt.of(classId), minScore, userName);
    }

    public InferenceFilter withMinScore(double minScore)
    {
        return new InferenceFilter(from, to, classId, OptionalDouble.of(minScore), userName);
    }

    public InferenceFilter withUserName(String userName)
    {
        return new InferenceFilter(from, to, classId, minScore, Optional.of(userName));
    }

    public boolean filtersBoxes()
    {
        return classId.isPresent() || minScore.isPresent();
    }
}
