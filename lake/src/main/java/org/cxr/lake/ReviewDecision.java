package org.cxr.lake;

import org.cxr.lake.errors.InvalidInputException;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What a radiologist decided about one box; the word is how the API, the tables and the exports spell it. */
public enum ReviewDecision
{
    /** The predicted box is right as it is. */
    ACCEPTED,
    /** The predicted box is not a finding. */
    REJECTED,
    /** The predicted box marks a finding, but its box or its class (or both) is corrected. */
    CORRECTED,
    /** A finding the model did not propose. */
    ADDED;

    public String word()
    {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the decision is about a box the model predicted (every one but {@link #ADDED}). */
    public boolean aboutPrediction()
    {
        return this != ADDED;
    }

    public static ReviewDecision of(String word)
    {
        for (ReviewDecision decision : values()) {
            if (decision.word().equals(word)) {
                return decision;
            }
        }
        throw new InvalidInputException("bad_review", "Unknown decision '" + word + "'; a decision is one of "
                + Arrays.stream(values()).map(ReviewDecision::word).collect(Collectors.joining(", ")) + ".");
    }
}
