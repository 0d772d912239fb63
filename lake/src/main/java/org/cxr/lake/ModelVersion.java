package org.cxr.lake;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * A model whose inferences the lake holds, registered before its first inference: its name and version, and its
 * classes in class-id order, so that a class id stored with a box (or a review) can always be read as the name the
 * model that made it gave it, whichever model serves today. A name and version stand for one set of classes for ever.
 */
public record ModelVersion(long id, String name, String version, List<String> classNames, Instant registeredAt)
{
    public ModelVersion
    {
        requireNonNull(name, "name");
        requireNonNull(version, "version");
        classNames = List.copyOf(requireNonNull(classNames, "classNames"));
        requireNonNull(registeredAt, "registeredAt");
        checkClassNames(classNames);
    }

    /** The key shown to people and used in documents: {@code name@version}. */
    public String key()
    {
        return name + "@" + version;
    }

    static void checkClassNames(List<String> classNames)
    {
        if (classNames.isEmpty()) {
            throw new IllegalArgumentException("a model has at least one class");
        }
        if (classNames.stream().anyMatch(name -> name == null || name.isBlank())) {
            throw new IllegalArgumentException("a class name is blank: " + classNames);
        }
        if (new HashSet<>(classNames).size() != classNames.size()) {
            throw new IllegalArgumentException("class names repeat: " + classNames);
        }
    }
}
