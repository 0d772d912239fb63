package org.cxr.imaging;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class PixelBudgetTest
{
    @Test
    void aDecodeWaitsUntilEnoughPixelsAreGivenBack()
            throws Exception
    {
        PixelBudget budget = new PixelBudget(100);
        PixelBudget.Lease first = budget.acquire(60);
        CountDownLatch started = new CountDownLatch(1);

        CompletableFuture<Long> second = CompletableFuture.supplyAsync(() -> {
            started.countDown();
            try (PixelBudget.Lease lease = budget.acquire(60)) {
                return budget.available();
            }
        });
        started.await();
        // Not a timing assertion: whatever the scheduling, 60 + 60 cannot be held within 100.
        assertThat(budget.available()).isLessThanOrEqualTo(40);
        assertThat(second).isNotDone();

        first.close();
        assertThat(second.get(30, TimeUnit.SECONDS)).isEqualTo(40);
        assertThat(budget.available()).isEqualTo(100);
    }

    @Test
    void aDecodeLargerThanTheBudgetTakesAllOfItAndClosingTwiceGivesBackOnce()
    {
        PixelBudget budget = new PixelBudget(100);
        PixelBudget.Lease lease = budget.acquire(1_000_000);
        assertThat(budget.available()).isZero();

        lease.close();
        lease.close();
        assertThat(budget.available()).isEqualTo(100);
    }
}
