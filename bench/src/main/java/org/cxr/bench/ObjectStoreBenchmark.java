package org.cxr.bench;

import org.cxr.lake.embedded.EmbeddedS3;
import org.cxr.lake.store.ObjectStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What writing an upload's object costs on the embedded defaults: puts of a phantom PNG through the lake's own S3
 * client to the embedded S3 server in this JVM, as the server runs them, against the same bytes written to a file
 * in the same folder. Wall time and this process's CPU per put, a round at a time (the first rounds include the JIT).
 * Prints JSON lines.
 *
 * <pre>java -cp bench/target/cxr-bench.jar org.cxr.bench.ObjectStoreBenchmark FOLDER PUTS ROUNDS</pre>
 */
public final class ObjectStoreBenchmark
{
    private ObjectStoreBenchmark() {}

    public static void main(String[] args)
            throws Exception
    {
        if (args.length != 3) {
            System.err.println("usage: ObjectStoreBenchmark FOLDER PUTS ROUNDS");
            System.exit(2);
        }
        Path folder = Path.of(args[0]);
        int puts = Integer.parseInt(args[1]);
        int rounds = Integer.parseInt(args[2]);
        byte[] png = UploadBenchmark.phantomPng(0);
        Path files = Files.createDirectories(folder.resolve("files"));
        try (EmbeddedS3 s3 = EmbeddedS3.start(folder.resolve("s3"));
                ObjectStore store = ObjectStore.create(s3.config("object-store-bench"))) {
            store.createBucketIfAbsent();
            for (int round = 1; round <= rounds; round++) {
                int r = round;
                measure("put to the embedded S3 server (the lake's S3 client)", round, puts, png.length,
                        i -> store.put("images/" + r + "/" + i + ".png", png, "image/png"));
                measure("the same bytes written to a file (Files.write)", round, puts, png.length,
                        i -> Files.write(files.resolve(r + "-" + i + ".png"), png));
            }
        }
    }

    private interface Put
    {
        void run(int i)
                throws IOException;
    }

    private static void measure(String what, int round, int puts, int bytes, Put put)
            throws IOException
    {
        long cpu = ProcCpu.processNanos();
        long start = System.nanoTime();
        for (int i = 0; i < puts; i++) {
            put.run(i);
        }
        long wall = System.nanoTime() - start;
        System.out.printf(Locale.ROOT, "{\"what\": \"%s\", \"round\": %d, \"puts\": %d, \"bytes\": %d, \"msPerPut\": %.2f, \"cpuMsPerPut\": %.2f}%n",
                what, round, puts, bytes, wall / 1e6 / puts, (ProcCpu.processNanos() - cpu) / 1e6 / puts);
    }
}
