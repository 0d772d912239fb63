package org.cxr.app.model;

import org.cxr.detector.Detector;
import org.cxr.detector.model.ModelManifest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

import static java.util.Objects.requireNonNull;

/** What the page needs to know about the loaded model: its classes and colours, and its default thresholds. */
@RestController
class ModelController
{
    record ModelClass(int id, String name, List<Integer> color) {}

    record Defaults(double confidence, double nmsIou) {}

    record ModelDescription(String name, String version, String description, List<ModelClass> classes, Defaults defaults) {}

    private final ModelDescription description;

    ModelController(Detector detector)
    {
        ModelManifest manifest = requireNonNull(detector, "detector").manifest();
        List<ModelClass> classes = new java.util.ArrayList<>();
        for (int i = 0; i < manifest.classes().size(); i++) {
            classes.add(new ModelClass(i, manifest.classes().get(i).name(), manifest.classes().get(i).color()));
        }
        this.description = new ModelDescription(manifest.name(), manifest.version(), manifest.description(), List.copyOf(classes),
                new Defaults(manifest.defaults().confidence(), manifest.defaults().nmsIou()));
    }

    @GetMapping("/api/v1/model")
    ModelDescription model()
    {
        return description;
    }
}
