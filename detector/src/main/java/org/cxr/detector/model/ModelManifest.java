package org.cxr.detector.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import org.cxr.imaging.Intensity;

import java.util.List;

/**
 * What a model folder says about its {@code model.onnx}: who it is, its classes, how to feed it and how to read its
 * output. Stored as {@code manifest.json} beside the graph.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelManifest(
        String name,
        String version,
        String description,
        List<ModelClass> classes,
        Input input,
        Output output,
        Defaults defaults)
{
    public ModelManifest
    {
        require(name != null && !name.isBlank(), "name is missing");
        require(version != null && !version.isBlank(), "version is missing");
        require(classes != null && !classes.isEmpty(), "classes are missing");
        classes = List.copyOf(classes);
        require(input != null, "input is missing");
        require(output != null, "output is missing");
        defaults = defaults == null ? new Defaults(0.5, 0.5) : defaults;
    }

    public List<String> classNames()
    {
        return classes.stream().map(ModelClass::name).toList();
    }

    /** A class the model detects, and the RGB colour its boxes are drawn in. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ModelClass(String name, List<Integer> color)
    {
        public ModelClass
        {
            require(name != null && !name.isBlank(), "a class has no name");
            color = color == null ? List.of(255, 0, 0) : List.copyOf(color);
            require(color.size() == 3 && color.stream().allMatch(c -> c >= 0 && c <= 255),
                    "colour of class '" + name + "' must be three numbers from 0 to 255");
        }
    }

    public enum Layout { NCHW, NHWC }

    public enum ColorMode
    {
        GRAYSCALE(1), RGB(3), BGR(3);

        private final int channels;

        ColorMode(int channels)
        {
            this.channels = channels;
        }

        public int channels() { return channels; }
    }

    public enum Resize { LETTERBOX, STRETCH }

    /**
     * The input tensor and the pre-processing that fills it: grey levels or colours read as [0, 1] the way
     * {@code intensity} says, resized to width x height (letterbox: aspect kept, centred on {@code padValue}; stretch:
     * aspect changed), then each channel becomes {@code (v * scale - mean) / std}.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Input(
            String name,
            Layout layout,
            int width,
            int height,
            ColorMode color,
            Resize resize,
            double padValue,
            double scale,
            List<Double> mean,
            List<Double> std,
            Intensity intensity)
    {
        public Input
        {
            require(name != null && !name.isBlank(), "input.name is missing");
            layout = layout == null ? Layout.NCHW : layout;
            require(width > 0 && height > 0, "input.width and input.height must be positive");
            require(color != null, "input.color is missing (GRAYSCALE, RGB or BGR)");
            resize = resize == null ? Resize.LETTERBOX : resize;
            scale = scale == 0 ? 1 : scale;
            int channels = color.channels();
            mean = mean == null ? java.util.Collections.nCopies(channels, 0.0) : List.copyOf(mean);
            std = std == null ? java.util.Collections.nCopies(channels, 1.0) : List.copyOf(std);
            require(mean.size() == channels, "input.mean needs " + channels + " values for " + color);
            require(std.size() == channels, "input.std needs " + channels + " values for " + color);
            require(std.stream().allMatch(s -> s > 0), "input.std values must be positive");
            // Manifests written before this setting existed were all trained on value / (2^bitDepth - 1).
            intensity = intensity == null ? Intensity.BIT_DEPTH : intensity;
        }

        public int channels()
        {
            return color.channels();
        }
    }

    /** The kinds of output a model can have; see {@link org.cxr.detector.decode.OutputDecoder}. */
    public enum DecoderKind { DEMO, YOLOV5, YOLOV8, BOXES_SCORES_LABELS }

    /**
     * The output tensors by name, in the order the decoder reads them, and for boxes-scores-labels exports the number
     * to subtract from a label to get the class index (1 for torchvision, whose label 0 is the background).
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Output(DecoderKind decoder, List<String> tensors, int labelOffset)
    {
        public Output
        {
            require(decoder != null, "output.decoder is missing (DEMO, YOLOV5, YOLOV8 or BOXES_SCORES_LABELS)");
            require(tensors != null && !tensors.isEmpty(), "output.tensors is missing");
            tensors = List.copyOf(tensors);
            int expected = decoder == DecoderKind.BOXES_SCORES_LABELS ? 3 : 1;
            require(tensors.size() == expected, "output.decoder " + decoder + " reads " + expected + " tensor(s), the manifest names " + tensors.size());
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Defaults(double confidence, double nmsIou)
    {
        public Defaults
        {
            require(confidence >= 0 && confidence <= 1, "defaults.confidence must be between 0 and 1");
            require(nmsIou > 0 && nmsIou <= 1, "defaults.nmsIou must be greater than 0 and at most 1");
        }
    }

    private static void require(boolean condition, String message)
    {
        if (!condition) {
            throw new InvalidModelException(message);
        }
    }
}
