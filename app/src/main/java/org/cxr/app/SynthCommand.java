package org.cxr.app;

import org.cxr.phantom.PhantomDataset;
import org.cxr.phantom.PhantomGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "synth", mixinStandardHelpOptions = true,
        description = "Write synthetic chest radiograph phantoms (PNG) with their true boxes (COCO JSON). Not real patients.")
final class SynthCommand
        implements Callable<Integer>
{
    @Option(names = "--count", defaultValue = "100", description = "Number of images (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--seed", defaultValue = "1", description = "Dataset seed; the same seed gives the same images (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", required = true, description = "Output folder (images/ and annotations.json are written there).")
    Path out;

    @Option(names = "--bit-depth", defaultValue = "8", description = "8 or 16 bits per pixel (default: ${DEFAULT-VALUE}).")
    int bitDepth;

    @Option(names = "--threads", description = "Threads to draw with (default: available processors).")
    Integer threads;

    @Override
    public Integer call()
    {
        int workers = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        Path annotations = new PhantomDataset(new PhantomGenerator(), workers).write(out, count, seed, bitDepth);
        System.out.println("Wrote " + count + " phantoms and " + annotations);
        return 0;
    }
}
