package org.cxr.warehouse;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Settled reviews with ids in (after, lastReviewId], in id order, each of an inference the warehouse already holds.
 * {@code last} says that the run stops after this page: no settled review follows, or the next one is of an inference
 * the warehouse does not hold yet.
 */
record ReviewPage(List<PendingReview> reviews, int boxCount, long lastReviewId, boolean last)
{
    ReviewPage
    {
        reviews = List.copyOf(requireNonNull(reviews, "reviews"));
    }

    static ReviewPage empty(long afterReviewId)
    {
        return new ReviewPage(List.of(), 0, afterReviewId, true);
    }

    boolean isEmpty()
    {
        return reviews.isEmpty();
    }
}
