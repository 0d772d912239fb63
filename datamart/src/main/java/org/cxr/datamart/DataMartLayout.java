package org.cxr.datamart;

import org.cxr.lake.ContentHash;
import org.cxr.lake.MediaType;

import java.nio.file.Path;

import static java.util.Objects.requireNonNull;

/**
 * Where things are in the data mart's folder:
 * <pre>
 * DIR/
 *   images/&lt;sha256&gt;.png|jpg      the image bytes, named by their SHA-256
 *   images/&lt;sha256&gt;.upright.png  for a file stored turned (EXIF orientation): its upright pixels, no EXIF
 *   annotations/train.json         COCO, the training split: reviewed images and their reviewed labels
 *   annotations/val.json           COCO, the validation split, likewise
 *   annotations/unreviewed.json    COCO, images nobody has reviewed, with the detector's boxes (predictions)
 *   predictions/train.json         COCO results: the detector's boxes on the training split's reviewed images
 *   predictions/val.json           likewise for the validation split
 * </pre>
 * An image's {@code file_name} in the COCO files is relative to {@code DIR}, the dataset root (the image root that
 * torchvision's {@code CocoDetection}, Detectron2's {@code register_coco_instances} and MMDetection's
 * {@code data_root} take), e.g. {@code images/<sha256>.png}; it is not relative to the JSON file's own folder.
 * <p>
 * A local name is made only of a validated lower-case hex SHA-256 and a fixed extension, so nothing stored in the
 * warehouse (the user's file name, the object key) can steer a write outside the folder.
 */
public final class DataMartLayout
{
    public static final String IMAGES_DIRECTORY = "images";
    public static final String ANNOTATIONS_DIRECTORY = "annotations";
    public static final String PREDICTIONS_DIRECTORY = "predictions";
    private static final String UPRIGHT_SUFFIX = ".upright.png";

    private final Path root;
    private final Path images;
    private final Path annotations;
    private final Path predictions;

    public DataMartLayout(Path root)
    {
        this.root = requireNonNull(root, "root").toAbsolutePath().normalize();
        this.images = this.root.resolve(IMAGES_DIRECTORY);
        this.annotations = this.root.resolve(ANNOTATIONS_DIRECTORY);
        this.predictions = this.root.resolve(PREDICTIONS_DIRECTORY);
    }

    public Path root()
    {
        return root;
    }

    public Path imagesDirectory()
    {
        return images;
    }

    public Path annotationsDirectory()
    {
        return annotations;
    }

    public Path predictionsDirectory()
    {
        return predictions;
    }

    /** The split's reviewed images and their labels. */
    public Path annotationFile(Split split)
    {
        return annotations.resolve(split.fileStem() + ".json");
    }

    /** The images nobody has reviewed, with the detector's boxes. */
    public Path unreviewedFile()
    {
        return annotations.resolve("unreviewed.json");
    }

    /** The detector's boxes on the split's reviewed images, as a COCO results file. */
    public Path predictionsFile(Split split)
    {
        return predictions.resolve(split.fileStem() + ".json");
    }

    /** The image's COCO {@code file_name}: its path relative to the root, with forward slashes on every system. */
    public static String relativeImageName(String sha256, MediaType mediaType)
    {
        ContentHash.checkSha256(sha256);
        requireNonNull(mediaType, "mediaType");
        return IMAGES_DIRECTORY + "/" + sha256 + "." + mediaType.extension();
    }

    /**
     * The COCO {@code file_name} of the upright copy of an image stored turned: the boxes are in the upright frame,
     * and a loader that ignores EXIF would read the original on its side.
     */
    public static String relativeUprightImageName(String sha256)
    {
        ContentHash.checkSha256(sha256);
        return IMAGES_DIRECTORY + "/" + sha256 + UPRIGHT_SUFFIX;
    }

    public Path imageFile(String sha256, MediaType mediaType)
    {
        ContentHash.checkSha256(sha256);
        return inImages(sha256 + "." + mediaType.extension());
    }

    public Path uprightImageFile(String sha256)
    {
        ContentHash.checkSha256(sha256);
        return inImages(sha256 + UPRIGHT_SUFFIX);
    }

    private Path inImages(String name)
    {
        Path file = images.resolve(name).normalize();
        // Cannot fail with a validated hash; kept so that a future change to the naming cannot silently escape.
        if (!file.getParent().equals(images)) {
            throw new IllegalStateException("Image path outside " + images + ": " + file);
        }
        return file;
    }
}
