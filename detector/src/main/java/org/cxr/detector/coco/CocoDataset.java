package org.cxr.detector.coco;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * A COCO object-detection dataset as the spec defines it: boxes are {@code [x, y, width, height]} from the
 * top-left corner in pixels, category ids start at 1, image file names are relative to the JSON's folder.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CocoDataset(
        Info info,
        List<License> licenses,
        List<Category> categories,
        List<Image> images,
        List<Annotation> annotations)
{
    public CocoDataset
    {
        licenses = licenses == null ? List.of() : List.copyOf(licenses);
        categories = List.copyOf(requireNonNull(categories, "categories"));
        images = List.copyOf(requireNonNull(images, "images"));
        annotations = annotations == null ? List.of() : List.copyOf(annotations);
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Info(
            String description,
            String version,
            Integer year,
            String contributor,
            @JsonProperty("date_created") String dateCreated) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record License(int id, String name, String url) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Category(int id, String name, String supercategory) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Image(
            long id,
            @JsonProperty("file_name") String fileName,
            int width,
            int height,
            Integer license) {}

    /**
     * One box. {@code score} is absent for reference labels and present for model output; {@code extra} carries
     * provenance fields that COCO readers ignore.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Annotation(
            long id,
            @JsonProperty("image_id") long imageId,
            @JsonProperty("category_id") int categoryId,
            double[] bbox,
            double area,
            int iscrowd,
            Double score,
            Map<String, Object> extra)
    {
        public Annotation
        {
            requireNonNull(bbox, "bbox");
            if (bbox.length != 4) {
                throw new IllegalArgumentException("COCO bbox must have 4 numbers [x, y, width, height], got " + bbox.length);
            }
        }

        public double x() { return bbox[0]; }

        public double y() { return bbox[1]; }

        public double width() { return bbox[2]; }

        public double height() { return bbox[3]; }
    }
}
