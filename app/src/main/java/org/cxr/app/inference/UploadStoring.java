package org.cxr.app.inference;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that store an upload's bytes while the detector reads them, and make its thumbnail afterwards. A few
 * suffice: each write is short, and uploads are bounded by the web server's threads.
 */
@Configuration(proxyBeanMethods = false)
class UploadStoring
{
    private static final int THREADS = 8;

    @Bean(destroyMethod = "shutdown")
    ExecutorService uploadStoringThreads()
    {
        AtomicInteger next = new AtomicInteger();
        return Executors.newFixedThreadPool(THREADS, runnable -> {
            Thread thread = new Thread(runnable, "upload-storing-" + next.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }
}
