package org.cxr.app.model;

import org.cxr.app.server.CxrProperties;
import org.cxr.detector.Detector;
import org.cxr.detector.DetectorOptions;
import org.cxr.detector.model.ModelManifest;
import org.cxr.lake.Lake;
import org.cxr.lake.ModelVersion;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.nio.file.Path;

/**
 * Loads the detector once at start-up (the configured model folder, else the bundled demo model) and registers it in
 * the lake before it stores its first inference, so that its class ids can always be read with its class names.
 */
@Configuration(proxyBeanMethods = false)
class ModelConfiguration
{
    @Bean(destroyMethod = "close")
    Detector detector(CxrProperties properties)
    {
        CxrProperties.Model model = properties.model();
        Path folder = model.dir().orElseGet(BundledModel::extract);
        return Detector.load(folder, DetectorOptions.defaults()
                .withIntraOpThreads(model.threads())
                .withMaxPixels(properties.upload().maxPixels()));
    }

    /** A model whose name and version were registered with other classes does not start: see {@link Lake#registerModel}. */
    @Bean
    ModelVersion servingModel(Detector detector, Lake lake)
    {
        ModelManifest manifest = detector.manifest();
        return lake.registerModel(manifest.name(), manifest.version(), manifest.classNames());
    }
}
