package org.cxr.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The commands as a user runs them: synth writes phantoms, detect finds their findings, evaluate scores the model. */
public class CommandLineTest
{
    public record Run(int exitCode, String out, String err) {}

    public static Run run(String... args)
    {
        PrintStream originalOut = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            CommandLine commandLine = Cxr.commandLine();
            commandLine.setErr(new PrintWriter(err, true));
            int code = commandLine.execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString());
        }
        finally {
            System.setOut(originalOut);
        }
    }

    @Test
    void synthDetectAndEvaluateWorkTogether(@TempDir Path dir)
            throws Exception
    {
        Run synth = run("synth", "--count", "6", "--seed", "4242", "--out", dir.toString());
        assertThat(synth.exitCode()).as(synth.err()).isZero();
        assertThat(dir.resolve("annotations.json")).exists();

        Run detect = run("detect", dir.resolve("images/phantom-000000.png").toString(), "--model", TestModels.DEMO_MODEL.toString(),
                "--confidence", "0.2", "--nms-iou", "0.4");
        assertThat(detect.exitCode()).as(detect.err()).isZero();
        JsonNode json = Json.MAPPER.readTree(detect.out());
        assertThat(json.get("model").get("name").asString()).isEqualTo("cxr-demo-phantom");
        assertThat(json.get("thresholds").get("confidence").asDouble()).isEqualTo(0.2);
        assertThat(json.get("thresholds").get("nmsIou").asDouble()).isEqualTo(0.4);
        assertThat(json.get("durationMs").asDouble()).isPositive();
        for (JsonNode d : json.get("detections")) {
            assertThat(d.get("score").asDouble()).isGreaterThanOrEqualTo(0.2);
            assertThat(d.get("box").get("xMax").asDouble()).isLessThanOrEqualTo(json.get("width").asDouble());
        }

        Path report = dir.resolve("evaluation.json");
        Run evaluate = run("evaluate", "--model", TestModels.DEMO_MODEL.toString(),
                "--dataset", dir.resolve("annotations.json").toString(), "--json", report.toString());
        assertThat(evaluate.exitCode()).as(evaluate.err()).isZero();
        assertThat(evaluate.out()).contains("Nodule/Mass", "mAP@0.5", "AP50", "precision at defaults");
        assertThat(Json.MAPPER.readTree(report.toFile()).get("map50").asDouble()).isBetween(0.0, 1.0);
    }

    @Test
    void detectWithoutAModelOptionUsesTheBundledDemoModel(@TempDir Path dir)
    {
        run("synth", "--count", "1", "--seed", "1", "--out", dir.toString());

        Run detect = run("detect", dir.resolve("images/phantom-000000.png").toString());

        assertThat(detect.exitCode()).as(detect.err()).isZero();
        assertThat(detect.out()).contains("\"cxr-demo-phantom\"");
    }

    @Test
    void sweepRunsAgainstTheEmbeddedLakeOfADataDirectory(@TempDir Path dir)
    {
        System.setProperty("cxr.data-directory", dir.toString());
        System.setProperty("cxr.embedded.postgres-port", "0");
        System.setProperty("cxr.embedded.s3-port", "0");
        try {
            Run sweep = run("sweep");

            assertThat(sweep.exitCode()).as(sweep.err()).isZero();
            assertThat(sweep.out()).contains("Sweep deleted 0 orphan object(s).");
            assertThat(dir.resolve("postgres")).isDirectory();
        }
        finally {
            System.clearProperty("cxr.data-directory");
            System.clearProperty("cxr.embedded.postgres-port");
            System.clearProperty("cxr.embedded.s3-port");
        }
    }

    @Test
    void badInputGivesAMessageAndANonZeroExit(@TempDir Path dir)
            throws Exception
    {
        Path text = dir.resolve("notes.png");
        Files.writeString(text, "this is not an image");

        Run notAnImage = run("detect", text.toString(), "--model", TestModels.DEMO_MODEL.toString());
        assertThat(notAnImage.exitCode()).isEqualTo(2);
        assertThat(notAnImage.err()).contains("cxr: Not a PNG or JPEG image.");

        Run missing = run("detect", dir.resolve("nothing.png").toString());
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("No such file");

        Run badThreshold = run("detect", text.toString(), "--confidence", "1.5", "--model", TestModels.DEMO_MODEL.toString());
        assertThat(badThreshold.exitCode()).isEqualTo(2);
        assertThat(badThreshold.err()).contains("confidence threshold must be between 0 and 1");

        Run badModel = run("detect", text.toString(), "--model", dir.toString());
        assertThat(badModel.exitCode()).isEqualTo(2);
        assertThat(badModel.err()).contains("has no manifest.json");

        Run badCount = run("synth", "--count", "0", "--out", dir.resolve("x").toString());
        assertThat(badCount.exitCode()).isEqualTo(2);
        assertThat(badCount.err()).contains("count must be at least 1");
    }
}
