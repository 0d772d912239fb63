package org.cxr.datamart;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static java.util.Objects.requireNonNull;

/**
 * The COCO categories of an export: one per class name, across every model whose inferences the export holds, so
 * that boxes of two model versions with different classes land in the categories their own models meant.
 *
 * <p>Ids start at 1 and follow the models in the order they first inferred (lowest inference id), each model's classes
 * in class-id order; a name an earlier model had keeps its id. With one model the category of class id {@code i} is
 * {@code i + 1}. A model the lake registered brings its class list; for one it never registered (inferences stored
 * before it kept models) the classes are those its boxes name, which must agree with each other.
 */
final class Categories
{
    private final Map<String, Integer> idByName;
    private final Map<String, Map<Integer, String>> classesByModel;

    private Categories(Map<String, Integer> idByName, Map<String, Map<Integer, String>> classesByModel)
    {
        this.idByName = idByName;
        this.classesByModel = classesByModel;
    }

    /** The categories in id order: their names, the first at id 1. */
    List<String> names()
    {
        return List.copyOf(idByName.keySet());
    }

    /** The category of a box its model gave this class id. */
    int categoryId(String modelKey, int classId)
    {
        String name = requireNonNull(classesByModel.get(modelKey), () -> "no classes of model " + modelKey).get(classId);
        return requireNonNull(idByName.get(name), () -> "no category for class " + classId + " of " + modelKey);
    }

    /** Collects the models of the inferences to export, and checks each box against its model's classes. */
    static final class Builder
    {
        private final Map<String, Long> firstInference = new HashMap<>();
        private final Map<String, Map<Integer, String>> classesByModel = new HashMap<>();
        private final Map<String, Boolean> registered = new HashMap<>();

        void add(Inference inference)
                throws InvalidDocumentException
        {
            String model = inference.modelKey();
            firstInference.merge(model, inference.inferenceId(), Math::min);
            Map<Integer, String> classes = classesByModel.computeIfAbsent(model, key -> new TreeMap<>());
            if (!inference.modelClasses().isEmpty()) {
                Map<Integer, String> stated = new TreeMap<>();
                for (int id = 0; id < inference.modelClasses().size(); id++) {
                    stated.put(id, inference.modelClasses().get(id));
                }
                if (Boolean.TRUE.equals(registered.get(model)) && !classes.equals(stated)) {
                    throw new InvalidDocumentException("inference " + inference.inferenceId() + " gives model " + model + " the classes "
                            + inference.modelClasses() + ", another inference of it gives " + classes.values());
                }
                if (Boolean.FALSE.equals(registered.get(model))) {
                    throw new InvalidDocumentException("model " + model + " has a class list in inference " + inference.inferenceId() + " but not in others");
                }
                classes.putAll(stated);
                registered.put(model, true);
            }
            else if (Boolean.TRUE.equals(registered.get(model))) {
                throw new InvalidDocumentException("inference " + inference.inferenceId() + " of model " + model + " has no class list, others have one");
            }
            else {
                registered.put(model, false);
            }
            for (Detection detection : inference.detections()) {
                check(model, registered.get(model), classes, "box " + detection.boxId(), detection.classId(), detection.className(), inference.inferenceId());
            }
            // A radiologist's label is a class of the reviewed inference's model too.
            for (Review review : inference.reviews()) {
                for (ReviewBox box : review.labelled()) {
                    ReviewBox.Label label = box.label().orElseThrow();
                    check(model, registered.get(model), classes, "label " + box.reviewBoxId() + " of review " + review.reviewId(), label.classId(), label.className(),
                            inference.inferenceId());
                }
            }
        }

        private static void check(String model, boolean registered, Map<Integer, String> classes, String what, int classId, String className, long inferenceId)
                throws InvalidDocumentException
        {
            Optional<String> known = Optional.ofNullable(classes.get(classId));
            if (registered && known.isEmpty()) {
                throw new InvalidDocumentException(what + " of inference " + inferenceId + " has class id " + classId
                        + ", but model " + model + " has only " + classes.size() + " classes");
            }
            if (known.isPresent() && !known.get().equals(className)) {
                throw new InvalidDocumentException(what + " of inference " + inferenceId + " calls class " + classId
                        + " '" + className + "', but model " + model + " calls it '" + known.get() + "'");
            }
            classes.put(classId, className);
        }

        Categories build()
        {
            List<String> models = new ArrayList<>(firstInference.keySet());
            models.sort((a, b) -> Long.compare(firstInference.get(a), firstInference.get(b)));
            Map<String, Integer> idByName = new LinkedHashMap<>();
            for (String model : models) {
                for (String name : classesByModel.get(model).values()) {
                    idByName.putIfAbsent(name, idByName.size() + 1);
                }
            }
            Map<String, Map<Integer, String>> classes = new HashMap<>();
            classesByModel.forEach((model, byId) -> classes.put(model, Map.copyOf(byId)));
            return new Categories(idByName, Map.copyOf(classes));
        }
    }
}
