package org.cxr.app.model;

import org.cxr.app.server.CxrProperties;
import org.cxr.detector.Detector;
import org.cxr.detector.DetectorOptions;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.nio.file.Path;

/** Loads the detector once at start-up: the configured model folder, else the bundled demo model. */
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
}
