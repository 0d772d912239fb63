package org.cxr.detector;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import org.cxr.detector.decode.Candidate;
import org.cxr.detector.decode.OutputDecoder;
import org.cxr.detector.decode.Tensor;
import org.cxr.detector.image.Preprocessor;
import org.cxr.detector.model.InvalidModelException;
import org.cxr.detector.model.ModelFolder;
import org.cxr.detector.model.ModelManifest;
import org.cxr.detector.postprocess.NonMaximumSuppression;
import org.cxr.imaging.Box;
import org.cxr.imaging.DecodedImage;
import org.cxr.imaging.ImageDecoder;
import org.cxr.imaging.PixelBudget;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * An object detector running an ONNX model in this JVM. One instance holds one ONNX Runtime session and is safe to
 * share between threads: concurrent calls run concurrently on that session.
 *
 * <pre>{@code
 * try (Detector detector = Detector.load(Path.of("models/demo"), DetectorOptions.defaults())) {
 *     DetectionResult result = detector.detect(Files.readAllBytes(image), detector.defaultThresholds());
 * }
 * }</pre>
 */
public final class Detector
        implements ImageDetector
{
    /** More boxes than this in one image means the thresholds are too low to be useful. */
    private static final int MAX_DETECTIONS = 300;

    private final ModelManifest manifest;
    private final OrtSession session;
    private final OutputDecoder decoder;
    private final Preprocessor preprocessor;
    private final ImageDecoder imageDecoder;
    private final int detectionWidth;
    private final int detectionHeight;
    private final boolean batchable;

    private Detector(ModelManifest manifest, OrtSession session, OutputDecoder decoder, DetectorOptions options, boolean batchable)
    {
        this.manifest = manifest;
        this.session = session;
        this.decoder = decoder;
        this.preprocessor = new Preprocessor(manifest.input());
        this.imageDecoder = new ImageDecoder(options.maxPixels(), manifest.input().intensity(), new PixelBudget(options.decodePixelBudget()));
        this.detectionWidth = manifest.input().width() * options.inputOversampling();
        this.detectionHeight = manifest.input().height() * options.inputOversampling();
        this.batchable = batchable;
    }

    /** Loads a model folder, checks its manifest against the ONNX graph, and (if asked) warms it up. */
    public static Detector load(Path modelFolder, DetectorOptions options)
    {
        requireNonNull(options, "options");
        ModelFolder folder = ModelFolder.open(requireNonNull(modelFolder, "modelFolder"));
        ModelManifest manifest = folder.manifest();
        OrtEnvironment environment = environment();
        OrtSession session;
        try (OrtSession.SessionOptions sessionOptions = new OrtSession.SessionOptions()) {
            sessionOptions.setIntraOpNumThreads(options.intraOpThreads());
            sessionOptions.setInterOpNumThreads(1);
            sessionOptions.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            // Idle intra-op threads sleep instead of spinning: in a server the cores they would spin on decode the next
            // upload, parse requests and run the databases.
            sessionOptions.addConfigEntry("session.intra_op.allow_spinning", "0");
            session = environment.createSession(folder.graph().toString(), sessionOptions);
        }
        catch (OrtException e) {
            throw new InvalidModelException("ONNX Runtime cannot load " + folder.graph() + ": " + e.getMessage(), e);
        }
        try {
            OutputDecoder decoder = OutputDecoder.forManifest(manifest);
            boolean batchable = checkGraph(manifest, session, decoder);
            Detector detector = new Detector(manifest, session, decoder, options, batchable);
            if (options.warmUp()) {
                detector.warmUp();
            }
            return detector;
        }
        catch (RuntimeException e) {
            closeQuietly(session);
            throw e;
        }
    }

    /** The process-wide ONNX Runtime environment, with telemetry off: a medical application sends none. */
    private static OrtEnvironment environment()
    {
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try {
            environment.setTelemetry(false);
        }
        catch (OrtException e) {
            throw new IllegalStateException("Cannot switch ONNX Runtime telemetry off", e);
        }
        return environment;
    }

    public ModelManifest manifest()
    {
        return manifest;
    }

    /** Whether the graph has a dynamic batch axis, so that {@link #detectAll} runs several images in one run. */
    public boolean batchable()
    {
        return batchable;
    }

    @Override
    public List<String> classNames()
    {
        return manifest.classNames();
    }

    @Override
    public Thresholds defaultThresholds()
    {
        return new Thresholds(manifest.defaults().confidence(), manifest.defaults().nmsIou());
    }

    /**
     * Reads an image file's bytes at full resolution, upright, with this model's intensity mapping and this
     * detector's pixel limit and decode budget.
     */
    public DecodedImage decode(byte[] imageBytes)
    {
        return imageDecoder.decode(imageBytes);
    }

    /**
     * Reads an image file's bytes as {@link #detect(byte[], Thresholds)} does: upright, this model's intensities, and
     * for an image much larger than the model's input, every n-th pixel of every n-th row only (at least
     * {@link DetectorOptions#inputOversampling()} times the input's width and height are kept), which bounds the time
     * and heap a huge radiograph costs. Its width and height are still the full image's, and {@link #detect(DecodedImage,
     * Thresholds)} reports boxes in full-size pixels; its planes ({@code planeWidth x planeHeight}, upright) are what a
     * thumbnail can be made from without decoding again.
     */
    public DecodedImage decodeForDetection(byte[] imageBytes)
    {
        return imageDecoder.decode(imageBytes, detectionWidth, detectionHeight);
    }

    @Override
    public DetectionResult detect(byte[] imageBytes, Thresholds thresholds)
    {
        long start = System.nanoTime();
        return detectAll(List.of(decodeForDetection(imageBytes)), thresholds, start).get(0);
    }

    public DetectionResult detect(DecodedImage image, Thresholds thresholds)
    {
        return detectAll(List.of(image), thresholds, System.nanoTime()).get(0);
    }

    /**
     * Detects in several images; when the graph has a dynamic batch axis they share one run. Each result's duration
     * is the batch's.
     */
    public List<DetectionResult> detectAll(List<DecodedImage> images, Thresholds thresholds)
    {
        return detectAll(images, thresholds, System.nanoTime());
    }

    private List<DetectionResult> detectAll(List<DecodedImage> images, Thresholds thresholds, long start)
    {
        List<PreparedImage> prepared = new ArrayList<>(images.size());
        for (DecodedImage image : images) {
            prepared.add(prepare(image));
        }
        return detectPrepared(prepared, thresholds, start);
    }

    /** The image as the model's input, resized and normalised: the part of a detection that needs no model. */
    public PreparedImage prepare(DecodedImage image)
    {
        requireNonNull(image, "image");
        float[] tensor = new float[preprocessor.tensorSize()];
        return new PreparedImage(image.width(), image.height(), tensor, preprocessor.fill(image, tensor, 0));
    }

    /**
     * Detects in images already prepared; when the graph has a dynamic batch axis they share one run. Each result's
     * duration is the batch's.
     */
    public List<DetectionResult> detectPrepared(List<PreparedImage> images, Thresholds thresholds)
    {
        return detectPrepared(images, thresholds, System.nanoTime());
    }

    private List<DetectionResult> detectPrepared(List<PreparedImage> images, Thresholds thresholds, long start)
    {
        requireNonNull(thresholds, "thresholds");
        if (images.isEmpty()) {
            return List.of();
        }
        if (!batchable && images.size() > 1) {
            List<DetectionResult> results = new ArrayList<>();
            for (PreparedImage image : images) {
                results.add(detectPrepared(List.of(image), thresholds, System.nanoTime()).get(0));
            }
            return results;
        }
        int size = preprocessor.tensorSize();
        float[] input;
        if (images.size() == 1) {
            input = images.get(0).tensor();
        }
        else {
            input = new float[size * images.size()];
            for (int i = 0; i < images.size(); i++) {
                System.arraycopy(images.get(i).tensor(), 0, input, i * size, size);
            }
        }
        List<Tensor> outputs = run(input, images.size());
        List<DetectionResult> results = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            List<Candidate> candidates = decoder.decode(outputs, i, (float) thresholds.confidence());
            List<Candidate> kept = NonMaximumSuppression.CANDIDATES.perClass(candidates, thresholds.nmsIou(), MAX_DETECTIONS);
            List<Detection> detections = new ArrayList<>(kept.size());
            PreparedImage image = images.get(i);
            for (Candidate c : kept) {
                Box box = image.geometry().toSource(c.box());
                if (box.area() > 0) {
                    detections.add(new Detection(c.classIndex(), manifest.classes().get(c.classIndex()).name(), c.score(), box));
                }
            }
            results.add(new DetectionResult(image.width(), image.height(), manifest.name(), manifest.version(),
                    thresholds, detections, System.nanoTime() - start));
        }
        return results;
    }

    private List<Tensor> run(float[] input, int batch)
    {
        ModelManifest.Input in = manifest.input();
        long[] shape = in.layout() == ModelManifest.Layout.NCHW
                ? new long[] {batch, in.channels(), in.height(), in.width()}
                : new long[] {batch, in.height(), in.width(), in.channels()};
        OrtEnvironment environment = environment();
        try (OnnxTensor tensor = OnnxTensor.createTensor(environment, FloatBuffer.wrap(input), shape);
                OrtSession.Result result = session.run(Map.of(in.name(), tensor), new java.util.LinkedHashSet<>(manifest.output().tensors()))) {
            List<Tensor> outputs = new ArrayList<>();
            for (String name : manifest.output().tensors()) {
                OnnxValue value = result.get(name).orElseThrow(() -> new IllegalStateException("model gave no output " + name));
                outputs.add(copy((OnnxTensor) value));
            }
            return outputs;
        }
        catch (OrtException e) {
            throw new IllegalStateException("Inference failed in ONNX Runtime: " + e.getMessage(), e);
        }
    }

    private static Tensor copy(OnnxTensor tensor)
    {
        long[] shape = tensor.getInfo().getShape();
        int size = Math.toIntExact(Arrays.stream(shape).reduce(1, (a, b) -> a * b));
        float[] values = new float[size];
        switch (tensor.getInfo().type) {
            case FLOAT -> tensor.getFloatBuffer().get(values);
            case DOUBLE -> {
                var b = tensor.getDoubleBuffer();
                for (int i = 0; i < size; i++) {
                    values[i] = (float) b.get(i);
                }
            }
            case INT64 -> {
                var b = tensor.getLongBuffer();
                for (int i = 0; i < size; i++) {
                    values[i] = b.get(i);
                }
            }
            case INT32 -> {
                var b = tensor.getIntBuffer();
                for (int i = 0; i < size; i++) {
                    values[i] = b.get(i);
                }
            }
            default -> throw new IllegalStateException("unsupported output type " + tensor.getInfo().type);
        }
        return new Tensor(shape, values);
    }

    /** Checks the manifest against the graph; returns whether several images can share one run. */
    private static boolean checkGraph(ModelManifest manifest, OrtSession session, OutputDecoder decoder)
    {
        try {
            Map<String, NodeInfo> inputs = session.getInputInfo();
            ModelManifest.Input in = manifest.input();
            NodeInfo node = inputs.get(in.name());
            if (node == null) {
                throw new InvalidModelException("The manifest's input '" + in.name() + "' is not in the graph; its inputs are " + inputs.keySet());
            }
            if (inputs.size() != 1) {
                throw new InvalidModelException("The graph has " + inputs.size() + " inputs " + inputs.keySet() + "; one image input is supported");
            }
            TensorInfo info = (TensorInfo) node.getInfo();
            if (info.type != OnnxJavaType.FLOAT) {
                throw new InvalidModelException("Input '" + in.name() + "' is " + info.type + "; a float tensor is expected");
            }
            long[] shape = info.getShape();
            if (shape.length != 4) {
                throw new InvalidModelException("Input '" + in.name() + "' has shape " + Arrays.toString(shape) + "; a 4-d image tensor is expected");
            }
            long[] expected = in.layout() == ModelManifest.Layout.NCHW
                    ? new long[] {-1, in.channels(), in.height(), in.width()}
                    : new long[] {-1, in.height(), in.width(), in.channels()};
            for (int axis = 1; axis < 4; axis++) {
                if (shape[axis] >= 0 && shape[axis] != expected[axis]) {
                    throw new InvalidModelException("Input '" + in.name() + "' has shape " + Arrays.toString(shape) + " but the manifest describes "
                            + in.layout() + " " + in.color() + " " + in.width() + "x" + in.height());
                }
            }
            Map<String, NodeInfo> outputs = session.getOutputInfo();
            List<long[]> outputShapes = new ArrayList<>();
            for (String name : manifest.output().tensors()) {
                NodeInfo output = outputs.get(name);
                if (output == null) {
                    throw new InvalidModelException("The manifest's output '" + name + "' is not in the graph; its outputs are " + outputs.keySet());
                }
                long[] outputShape = ((TensorInfo) output.getInfo()).getShape();
                outputShapes.add(outputShape);
            }
            decoder.checkShapes(outputShapes);
            boolean dynamicBatch = shape[0] < 0;
            boolean batchedOutputs = manifest.output().decoder() != ModelManifest.DecoderKind.BOXES_SCORES_LABELS || outputShapes.get(0).length == 3;
            return dynamicBatch && batchedOutputs;
        }
        catch (OrtException e) {
            throw new InvalidModelException("Cannot read the graph's inputs and outputs: " + e.getMessage(), e);
        }
    }

    private void warmUp()
    {
        ModelManifest.Input in = manifest.input();
        float[][] planes = new float[1][in.width() * in.height()];
        detect(new DecodedImage(in.width(), in.height(), 1, planes, "png", 8), defaultThresholds());
    }

    @Override
    public void close()
    {
        closeQuietly(session);
    }

    private static void closeQuietly(OrtSession session)
    {
        try {
            session.close();
        }
        catch (OrtException ignored) {
            // nothing more can be done with a session that fails to close
        }
    }
}
