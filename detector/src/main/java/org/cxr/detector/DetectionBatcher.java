package org.cxr.detector;

import org.cxr.imaging.DecodedImage;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static java.util.Objects.requireNonNull;

/**
 * Concurrent requests share ONNX Runtime runs: a request waits at most {@code maxWait} for others, and a run takes at
 * most {@code maxBatch} images. It only waits while more requests are on their way (announced by {@link #expect()} and
 * not yet queued), so a lone request is never delayed. Whether batching pays is measured when it starts: the model
 * must have a dynamic batch axis, and one run of {@code maxBatch} images must take clearly less time than as many single
 * runs side by side (which is what concurrent requests do without it); otherwise every request runs on its own thread,
 * as without this class. Each request resizes its image on its own thread before it joins a batch.
 */
public final class DetectionBatcher
        implements AutoCloseable
{
    /** A batch must cost at most this share of single runs per image to be worth the wait. */
    private static final double WORTH_IT = 0.85;
    private static final int MEASURED_RUNS = 5;

    /** What batching did, for the caller's metrics: the batch size, how long each request waited, the run's time. */
    public interface Observer
    {
        void batch(int size, long runNanos);

        void waited(long queueNanos);
    }

    public record Settings(Duration maxWait, int maxBatch)
    {
        public Settings
        {
            requireNonNull(maxWait, "maxWait");
            if (maxWait.isNegative() || maxBatch < 1) {
                throw new IllegalArgumentException("batching needs a wait of zero or more and a batch of at least one");
            }
        }
    }

    private record Pending(PreparedImage image, Thresholds thresholds, long queuedAt, CompletableFuture<DetectionResult> result) {}

    private final Detector detector;
    private final Settings settings;
    private final Observer observer;
    private final boolean enabled;
    private final String decision;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final AtomicInteger expected = new AtomicInteger();
    private final Thread dispatcher;
    private volatile boolean closed;

    private DetectionBatcher(Detector detector, Settings settings, Observer observer, boolean enabled, String decision)
    {
        this.detector = detector;
        this.settings = settings;
        this.observer = observer;
        this.enabled = enabled;
        this.decision = decision;
        this.dispatcher = new Thread(this::dispatch, "detection-batcher");
        dispatcher.setDaemon(true);
        if (enabled) {
            dispatcher.start();
        }
    }

    /** Measures whether batching pays for this detector on this machine, and starts batching if it does. */
    public static DetectionBatcher start(Detector detector, Settings settings, Observer observer, DecodedImage sample)
    {
        requireNonNull(detector, "detector");
        requireNonNull(settings, "settings");
        requireNonNull(observer, "observer");
        requireNonNull(sample, "sample");
        if (settings.maxBatch() < 2) {
            return new DetectionBatcher(detector, settings, observer, false, "off (a batch of at most one image)");
        }
        if (!detector.batchable()) {
            return new DetectionBatcher(detector, settings, observer, false, "off (the model has a fixed batch size)");
        }
        // The model's runs alone are compared (each request prepares its image on its own thread either way), and against
        // what happens without batching: the same requests' runs side by side, which on a machine with cores to spare
        // may beat one batch that runs on one thread.
        Thresholds thresholds = detector.defaultThresholds();
        PreparedImage prepared = detector.prepare(sample);
        List<PreparedImage> one = List.of(prepared);
        List<PreparedImage> batch = java.util.Collections.nCopies(settings.maxBatch(), prepared);
        ExecutorService sideBySide = Executors.newFixedThreadPool(settings.maxBatch());
        long single = Long.MAX_VALUE;
        long batched = Long.MAX_VALUE;
        try {
            detector.detectPrepared(batch, thresholds);
            runSideBySide(sideBySide, settings.maxBatch(), () -> detector.detectPrepared(one, thresholds));
            for (int i = 0; i < MEASURED_RUNS; i++) {
                long start = System.nanoTime();
                runSideBySide(sideBySide, settings.maxBatch(), () -> detector.detectPrepared(one, thresholds));
                single = Math.min(single, System.nanoTime() - start);
                start = System.nanoTime();
                detector.detectPrepared(batch, thresholds);
                batched = Math.min(batched, System.nanoTime() - start);
            }
        }
        finally {
            sideBySide.shutdownNow();
        }
        boolean pays = batched <= WORTH_IT * single;
        String decision = "%s (%d images: %.1f ms in one run, %.1f ms in single runs side by side)".formatted(pays ? "on" : "off, it does not pay",
                settings.maxBatch(), batched / 1e6, single / 1e6);
        return new DetectionBatcher(detector, settings, observer, pays, decision);
    }

    private static void runSideBySide(ExecutorService threads, int runs, Runnable run)
    {
        List<Future<?>> started = new ArrayList<>(runs);
        for (int i = 0; i < runs; i++) {
            started.add(threads.submit(run));
        }
        for (Future<?> future : started) {
            join(future, "measuring the detector");
        }
    }

    /** Batching whether or not it pays here: for tests of the batching itself. */
    static DetectionBatcher always(Detector detector, Settings settings, Observer observer)
    {
        return new DetectionBatcher(detector, settings, observer, true, "on (forced)");
    }

    public Detector detector()
    {
        return detector;
    }

    /** Whether requests share runs, and what the measurement at start found. */
    public String decision()
    {
        return decision;
    }

    public boolean enabled()
    {
        return enabled;
    }

    /**
     * Says a request will call {@link #detect} soon (it is decoding its image), so a batch may wait for it; close the
     * ticket when the request is done, whatever happened.
     */
    public Ticket expect()
    {
        expected.incrementAndGet();
        return new Ticket();
    }

    public final class Ticket
            implements AutoCloseable
    {
        private boolean open = true;

        @Override
        public void close()
        {
            if (open) {
                open = false;
                expected.decrementAndGet();
            }
        }
    }

    public DetectionResult detect(DecodedImage image, Thresholds thresholds)
    {
        requireNonNull(image, "image");
        requireNonNull(thresholds, "thresholds");
        if (!enabled) {
            long start = System.nanoTime();
            DetectionResult result = detector.detect(image, thresholds);
            observer.batch(1, System.nanoTime() - start);
            return result;
        }
        // The resize runs here, on the request's thread, while the dispatcher's thread has another batch in the model.
        Pending pending = new Pending(detector.prepare(image), thresholds, System.nanoTime(), new CompletableFuture<>());
        queue.add(pending);
        return join(pending.result(), "waiting for detection");
    }

    /** The future's value; what it failed with, rethrown as it was when it is unchecked. */
    private static <T> T join(Future<T> future, String waitingFor)
    {
        try {
            return future.get();
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while " + waitingFor, e);
        }
        catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private void dispatch()
    {
        while (!closed) {
            List<Pending> batch = new ArrayList<>(settings.maxBatch());
            try {
                Pending first = queue.poll(1, TimeUnit.SECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                long deadline = first.queuedAt() + settings.maxWait().toNanos();
                while (batch.size() < settings.maxBatch()) {
                    Pending next = queue.poll();
                    if (next == null) {
                        long remaining = deadline - System.nanoTime();
                        // Waiting only helps while more requests are on their way than this batch holds.
                        if (remaining <= 0 || expected.get() <= batch.size()) {
                            break;
                        }
                        next = queue.poll(remaining, TimeUnit.NANOSECONDS);
                        if (next == null) {
                            break;
                        }
                    }
                    batch.add(next);
                }
                run(batch);
            }
            catch (InterruptedException e) {
                batch.forEach(p -> p.result().completeExceptionally(new IllegalStateException("the detector is shutting down")));
                return;
            }
        }
    }

    private void run(List<Pending> batch)
    {
        long started = System.nanoTime();
        batch.forEach(p -> observer.waited(started - p.queuedAt()));
        // Requests with other thresholds are run apart: thresholds apply to the whole run.
        Map<Thresholds, List<Pending>> byThresholds = new LinkedHashMap<>();
        batch.forEach(p -> byThresholds.computeIfAbsent(p.thresholds(), t -> new ArrayList<>()).add(p));
        for (Map.Entry<Thresholds, List<Pending>> group : byThresholds.entrySet()) {
            List<Pending> pending = group.getValue();
            long start = System.nanoTime();
            try {
                List<DetectionResult> results = detector.detectPrepared(pending.stream().map(Pending::image).toList(), group.getKey());
                observer.batch(pending.size(), System.nanoTime() - start);
                for (int i = 0; i < pending.size(); i++) {
                    pending.get(i).result().complete(results.get(i));
                }
            }
            catch (RuntimeException e) {
                pending.forEach(p -> p.result().completeExceptionally(e));
            }
        }
    }

    @Override
    public void close()
    {
        closed = true;
        dispatcher.interrupt();
        Pending left;
        while ((left = queue.poll()) != null) {
            left.result().completeExceptionally(new IllegalStateException("the detector is shutting down"));
        }
    }
}
