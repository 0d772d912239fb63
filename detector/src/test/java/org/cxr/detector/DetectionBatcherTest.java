package org.cxr.detector;

import org.cxr.imaging.DecodedImage;
import org.cxr.imaging.TestFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

class DetectionBatcherTest
{
    private static Detector detector;
    private static DecodedImage phantom;

    private final List<Integer> batches = new CopyOnWriteArrayList<>();
    private final DetectionBatcher.Observer observer = new DetectionBatcher.Observer()
    {
        @Override
        public void batch(int size, long runNanos)
        {
            batches.add(size);
        }

        @Override
        public void waited(long queueNanos) {}
    };

    @BeforeAll
    static void load()
    {
        detector = Detector.load(Path.of("../models/demo"), DetectorOptions.defaults().withIntraOpThreads(1).withWarmUp(false));
        phantom = detector.decodeForDetection(TestFiles.fixture("images/phantom-26.png"));
    }

    @AfterAll
    static void close()
    {
        detector.close();
    }

    @Test
    void concurrentRequestsShareRunsAndEachGetsTheResultOfItsOwnImage()
            throws Exception
    {
        DecodedImage blank = new DecodedImage(300, 300, 1, new float[][] {new float[300 * 300]}, "png", 8);
        Thresholds thresholds = detector.defaultThresholds();
        DetectionResult alonePhantom = detector.detect(phantom, thresholds);
        DetectionResult aloneBlank = detector.detect(blank, thresholds);
        int requests = 6;
        try (DetectionBatcher batcher = DetectionBatcher.always(detector, new DetectionBatcher.Settings(Duration.ofSeconds(5), 8), observer)) {
            ExecutorService pool = Executors.newFixedThreadPool(requests);
            CountDownLatch announced = new CountDownLatch(requests);
            List<Future<DetectionResult>> results = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                DecodedImage image = i % 2 == 0 ? phantom : blank;
                results.add(pool.submit(() -> {
                    try (DetectionBatcher.Ticket ignored = batcher.expect()) {
                        announced.countDown();
                        announced.await();
                        return batcher.detect(image, thresholds);
                    }
                }));
            }
            for (int i = 0; i < requests; i++) {
                DetectionResult expected = i % 2 == 0 ? alonePhantom : aloneBlank;
                assertThat(results.get(i).get().detections()).isEqualTo(expected.detections());
            }
            pool.shutdown();
        }
        assertThat(batches.stream().mapToInt(Integer::intValue).sum()).isEqualTo(requests);
        assertThat(batches).as("the six announced requests ran in fewer runs than six").hasSizeLessThan(requests);
    }

    @Test
    @Timeout(60)
    void aLoneRequestDoesNotWaitForOthersThatAreNotComing()
    {
        // With an hour's wait allowed, this test would time out if a lone request waited for company.
        try (DetectionBatcher batcher = DetectionBatcher.always(detector, new DetectionBatcher.Settings(Duration.ofHours(1), 8), observer);
                DetectionBatcher.Ticket ignored = batcher.expect()) {
            assertThat(batcher.detect(phantom, detector.defaultThresholds()).detections()).isNotEmpty();
        }
        assertThat(batches).containsExactly(1);
    }

    @Test
    void requestsWithOtherThresholdsInOneBatchAreRunApart()
            throws Exception
    {
        Thresholds strict = new Thresholds(0.9, 0.5);
        Thresholds loose = new Thresholds(0.05, 1.0);
        try (DetectionBatcher batcher = DetectionBatcher.always(detector, new DetectionBatcher.Settings(Duration.ofSeconds(5), 8), observer)) {
            ExecutorService pool = Executors.newFixedThreadPool(2);
            CountDownLatch both = new CountDownLatch(2);
            Future<DetectionResult> a = pool.submit(() -> {
                try (DetectionBatcher.Ticket ignored = batcher.expect()) {
                    both.countDown();
                    both.await();
                    return batcher.detect(phantom, strict);
                }
            });
            Future<DetectionResult> b = pool.submit(() -> {
                try (DetectionBatcher.Ticket ignored = batcher.expect()) {
                    both.countDown();
                    both.await();
                    return batcher.detect(phantom, loose);
                }
            });
            assertThat(a.get().detections()).isEqualTo(detector.detect(phantom, strict).detections());
            assertThat(b.get().detections()).isEqualTo(detector.detect(phantom, loose).detections());
            pool.shutdown();
        }
    }

    @Test
    void whetherBatchingPaysIsMeasuredAndSaid()
    {
        try (DetectionBatcher batcher = DetectionBatcher.start(detector, new DetectionBatcher.Settings(Duration.ofMillis(2), 4), observer, phantom)) {
            assertThat(batcher.decision()).startsWith(batcher.enabled() ? "on" : "off").contains("4 images");
            assertThat(batcher.detect(phantom, detector.defaultThresholds()).detections()).isNotEmpty();
        }
        try (DetectionBatcher single = DetectionBatcher.start(detector, new DetectionBatcher.Settings(Duration.ofMillis(2), 1), observer, phantom)) {
            assertThat(single.enabled()).isFalse();
        }
    }
}
