package org.cxr.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The committed demo model finds the phantoms' findings: mAP@0.5 of at least 0.85 on phantoms of a seed it never saw. */
class DemoModelAccuracyTest
{
    @Test
    void demoModelReachesTheTargetOnHeldOutPhantoms(@TempDir Path dir)
            throws Exception
    {
        // Training used seeds 1001 and 1002; 2024 is the held-out seed of the model card.
        CommandLineTest.Run synth = CommandLineTest.run("synth", "--count", "120", "--seed", "2024", "--out", dir.toString());
        assertThat(synth.exitCode()).as(synth.err()).isZero();

        Path report = dir.resolve("evaluation.json");
        CommandLineTest.Run evaluate = CommandLineTest.run("evaluate", "--model", TestModels.DEMO_MODEL.toString(),
                "--dataset", dir.resolve("annotations.json").toString(), "--json", report.toString());
        assertThat(evaluate.exitCode()).as(evaluate.err()).isZero();

        JsonNode result = Json.MAPPER.readTree(report.toFile());
        assertThat(result.get("map50").asDouble()).isGreaterThanOrEqualTo(0.85);
        for (JsonNode c : result.get("classes")) {
            assertThat(c.get("referenceBoxes").asInt()).as("phantoms with %s", c.get("name")).isPositive();
        }
    }
}
