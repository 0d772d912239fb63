package org.cxr.warehouse;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The warehouse runs on Amazon DocumentDB, which lacks some of MongoDB's operators; this keeps them out of the code,
 * in their string form and as the driver's helpers. {@link WarehouseContractTest} checks what is actually sent.
 */
class ForbiddenOperatorsTest
{
    /** Unsupported by DocumentDB; the last three run JavaScript on the server, which DocumentDB does not. */
    static final List<String> FORBIDDEN = List.of("$merge", "$expr", "$jsonSchema", "$graphLookup", "$where", "$function", "$accumulator");

    private static final Pattern DRIVER_HELPERS = Pattern.compile(
            "\\b(?:Aggregates\\s*\\.\\s*(?:merge|graphLookup)|Filters\\s*\\.\\s*(?:expr|jsonSchema|where)|startSession|withTransaction|startTransaction)\\b"
                    + "|import\\s+static\\s+com\\.mongodb\\.client\\.model\\.(?:Aggregates\\.(?:merge|graphLookup|\\*)|Filters\\.(?:expr|jsonSchema|where|\\*))\\s*;");

    private static final Path MAIN_SOURCES = Path.of("src", "main", "java");

    @Test
    void theWarehouseSourcesUseNoOperatorDocumentDbLacksAndNoTransaction()
            throws IOException
    {
        List<Path> sources;
        try (Stream<Path> files = Files.walk(MAIN_SOURCES)) {
            sources = files.filter(file -> file.toString().endsWith(".java")).toList();
        }
        assertThat(sources).as("sources under " + MAIN_SOURCES.toAbsolutePath()).hasSizeGreaterThan(10);

        List<String> violations = new ArrayList<>();
        for (Path source : sources) {
            violations(Files.readString(source)).forEach(violation -> violations.add(source + ": " + violation));
        }

        assertThat(violations).isEmpty();
    }

    @Test
    void theScanFindsEachForbiddenFormWhereverItIsWritten()
    {
        assertThat(violations("new Document(\"$expr\", new Document(\"$eq\", List.of(\"$a\", \"$b\")))")).containsExactly("$expr");
        assertThat(violations("Aggregates.merge(\"other\")")).containsExactly("Aggregates.merge");
        assertThat(violations("import static com.mongodb.client.model.Filters.jsonSchema;")).hasSize(1);
        assertThat(violations("client.startSession()")).containsExactly("startSession");
        assertThat(violations("Filters.eq(\"_id\", sha256); Aggregates.unwind(\"$inferences\"); \"$exprs\"")).isEmpty();
    }

    private static List<String> violations(String source)
    {
        List<String> found = new ArrayList<>();
        for (String operator : FORBIDDEN) {
            // The operator as a whole word: "$exprs" is a field, not "$expr".
            if (Pattern.compile(Pattern.quote(operator) + "(?![A-Za-z0-9_])").matcher(source).find()) {
                found.add(operator);
            }
        }
        Matcher helpers = DRIVER_HELPERS.matcher(source);
        while (helpers.find()) {
            found.add(helpers.group().replaceAll("\\s+", ""));
        }
        return found;
    }
}
