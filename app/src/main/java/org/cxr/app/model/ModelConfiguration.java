package org.cxr.app.model;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import org.cxr.app.server.CxrProperties;
import org.cxr.app.server.Preloading;
import org.cxr.detector.DetectionBatcher;
import org.cxr.detector.Detector;
import org.cxr.detector.DetectorOptions;
import org.cxr.detector.model.ModelManifest;
import org.cxr.imaging.DecodedImage;
import org.cxr.lake.Lake;
import org.cxr.lake.ModelVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Loads the detector once at start-up (the configured model folder, else the bundled demo model) and registers it in
 * the lake before it stores its first inference, so that its class ids can always be read with its class names.
 */
@Configuration(proxyBeanMethods = false)
class ModelConfiguration
{
    private static final Logger log = LoggerFactory.getLogger(ModelConfiguration.class);

    /**
     * Loading the model (its ONNX session, the warm-up, and whether batching pays) takes a while and needs no other
     * bean: it starts first, on a thread of its own, while the embedded servers start and the migrations run.
     */
    @Bean
    static Preloading<DetectionBatcher> modelLoading(CxrProperties properties, MeterRegistry metrics)
    {
        return Preloading.start("model", () -> {
            CxrProperties.Model model = properties.model();
            Path folder = model.dir().orElseGet(BundledModel::extract);
            Detector detector = Detector.load(folder, DetectorOptions.defaults()
                    .withIntraOpThreads(model.threads())
                    .withMaxPixels(properties.upload().maxPixels()));
            try {
                return batcher(detector, properties, metrics);
            }
            catch (RuntimeException e) {
                detector.close();
                throw e;
            }
        });
    }

    @Bean(destroyMethod = "close")
    DetectionBatcher detectionBatcher(Preloading<DetectionBatcher> modelLoading)
    {
        return modelLoading.get();
    }

    @Bean(destroyMethod = "close")
    Detector detector(DetectionBatcher batcher)
    {
        return batcher.detector();
    }

    /**
     * Concurrent uploads share the model's runs when that pays on this machine (measured at start on an image of the
     * model's input size); the batch sizes, the queue wait and the run times are metrics of the model.
     */
    private static DetectionBatcher batcher(Detector detector, CxrProperties properties, MeterRegistry metrics)
    {
        ModelManifest manifest = detector.manifest();
        Tags model = Tags.of("model", manifest.name(), "version", manifest.version());
        DistributionSummary sizes = DistributionSummary.builder("cxr.inference.batch.size").description("Images per ONNX Runtime run").tags(model)
                .serviceLevelObjectives(1, 2, 4, 8, 16).register(metrics);
        Timer wait = Timer.builder("cxr.inference.queue.wait").description("Time an image waited for its run").tags(model).publishPercentileHistogram().register(metrics);
        Timer run = Timer.builder("cxr.inference.run").description("Time of one ONNX Runtime run, all its images").tags(model).publishPercentileHistogram().register(metrics);
        DetectionBatcher batcher = DetectionBatcher.start(detector,
                new DetectionBatcher.Settings(properties.model().batchWait(), properties.model().batchSize()),
                new DetectionBatcher.Observer()
                {
                    @Override
                    public void batch(int size, long runNanos)
                    {
                        sizes.record(size);
                        run.record(runNanos, TimeUnit.NANOSECONDS);
                    }

                    @Override
                    public void waited(long queueNanos)
                    {
                        wait.record(queueNanos, TimeUnit.NANOSECONDS);
                    }
                },
                sample(manifest));
        log.info("Batching of {} {}: {}", manifest.name(), manifest.version(), batcher.decision());
        return batcher;
    }

    /** A grey gradient of the model's input size: enough to time runs, which do not depend on the pixels. */
    private static DecodedImage sample(ModelManifest manifest)
    {
        int width = manifest.input().width();
        int height = manifest.input().height();
        float[] pixels = new float[width * height];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (i % width) / (float) width;
        }
        return new DecodedImage(width, height, 1, new float[][] {pixels}, "png", 8);
    }

    /** A model whose name and version were registered with other classes does not start: see {@link Lake#registerModel}. */
    @Bean
    ModelVersion servingModel(Detector detector, Lake lake)
    {
        ModelManifest manifest = detector.manifest();
        return lake.registerModel(manifest.name(), manifest.version(), manifest.classNames());
    }
}
