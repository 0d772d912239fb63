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

        Thread closer = new Thread(preloading::close);
        closer.start();
        closer.join(300);
        assertThat(closer.isAlive()).as("close returned while the work was still running").isTrue();

        release.countDown();
        closer.join(10_000);
        assertThat(closer.isAlive()).isFalse();
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

        Thread stopping = new Thread(context::close);
        stopping.start();
        stopping.join(300);
        assertThat(stopping.isAlive()).as("the context stopped while its preloading was still running").isTrue();

        RELEASE_CONTEXT_WORK.countDown();
        stopping.join(10_000);
        assertThat(stopping.isAlive()).isFalse();
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
