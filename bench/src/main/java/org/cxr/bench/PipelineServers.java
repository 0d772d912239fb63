package org.cxr.bench;

import org.cxr.lake.embedded.EmbeddedS3;
import org.cxr.warehouse.EmbeddedWarehouse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The embedded S3 server and the embedded warehouse for {@link PipelineBenchmark}, in a JVM of their own: both are
 * Java servers, and in the benchmark's JVM their heap would be counted as the stages'. Writes their addresses to a
 * properties file once both listen, then serves until killed.
 *
 * <pre>java ... PipelineServers DATA_DIR ADDRESS_FILE</pre>
 */
public final class PipelineServers
{
    static final String S3_ENDPOINT = "s3.endpoint";
    static final String WAREHOUSE_URI = "warehouse.uri";

    private PipelineServers() {}

    public static void main(String[] args)
            throws IOException, InterruptedException
    {
        if (args.length != 2) {
            System.err.println("usage: PipelineServers DATA_DIR ADDRESS_FILE");
            System.exit(2);
        }
        Path data = Path.of(args[0]);
        Path addressFile = Path.of(args[1]);
        EmbeddedS3 s3 = EmbeddedS3.start(data.resolve("s3"));
        EmbeddedWarehouse warehouse = EmbeddedWarehouse.start(data.resolve("warehouse"));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            warehouse.close();
            s3.close();
        }, "pipeline-servers-stop"));

        // Written whole and then renamed, so the benchmark never reads half a file.
        Path partial = addressFile.resolveSibling(addressFile.getFileName() + ".partial");
        Files.writeString(partial, S3_ENDPOINT + "=" + s3.endpoint() + "\n" + WAREHOUSE_URI + "=" + warehouse.connectionString() + "\n",
                StandardCharsets.UTF_8);
        Files.move(partial, addressFile, StandardCopyOption.ATOMIC_MOVE);
        System.out.println("S3 at " + s3.endpoint() + ", warehouse at " + warehouse.connectionString());
        Thread.currentThread().join();
    }
}
