package org.cxr.app.server;

import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PreloadingTest
{
    private static final CountDownLatch RELEASE_CONTEXT_WORK = new CountDownLatch(1);

    @Test
    void closingWaitsUntilTheWorkHasEnded()
            throws InterruptedException
    {
        CountDownLatch release = new CountDownLatch(1);
        Preloading<String> preloading = Preloading.start("test", () -> {
            await(release);
            return "loaded";
        });

        assertReturnsOnlyOnceReleased(preloading::close, release, "close returned while the work was still running");
        assertThat(preloading.get()).isEqualTo("loaded");
    }

    @Test
    void closingAfterTheWorkFailedReturnsAndTheFailureStaysTheCallersAnswer()
    {
        Preloading<String> preloading = Preloading.start("test", () -> {
            throw new IllegalStateException("the model is broken");
        });

        preloading.close();

        assertThatThrownBy(preloading::get).isInstanceOf(IllegalStateException.class).hasMessage("the model is broken");
    }

    @Test
    void aContextThatStopsWaitsForItsPreloadingBeans()
            throws InterruptedException
    {
        AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext(SlowLoading.class);

        assertReturnsOnlyOnceReleased(context::close, RELEASE_CONTEXT_WORK, "the context stopped while its preloading was still running");
    }

    @Configuration(proxyBeanMethods = false)
    static class SlowLoading
    {
        @Bean
        static Preloading<String> slowModel()
        {
            return Preloading.start("slow-model", () -> {
                await(RELEASE_CONTEXT_WORK);
                return "model";
            });
        }
    }

    /** {@code closing}, run on a thread of its own, has not returned after a while, and returns once the work is released. */
    private static void assertReturnsOnlyOnceReleased(Runnable closing, CountDownLatch release, String returnedEarly)
            throws InterruptedException
    {
        Thread thread = new Thread(closing);
        thread.start();
        thread.join(300);
        assertThat(thread.isAlive()).as(returnedEarly).isTrue();

        release.countDown();
        thread.join(10_000);
        assertThat(thread.isAlive()).isFalse();
    }

    private static void await(CountDownLatch latch)
    {
        try {
            latch.await();
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
