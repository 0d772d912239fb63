package org.cxr.app.server;

import org.cxr.app.server.EnvironmentVariables.Variable;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.convert.DurationStyle;

import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's configuration table says what the code does: one row for each documented environment variable, with
 * the default that {@link CxrProperties} states for its setting, and no row for a variable the code does not read.
 */
class ConfigurationTableTest
{
    private static final Path README = Path.of("..", "README.md");
    private static final Pattern NAME = Pattern.compile("`([A-Z][A-Z0-9_]+)`");
    private static final Pattern VALUE = Pattern.compile("`([^`]*)`");
    /** Read by the launcher script or by Spring Boot and ONNX Runtime themselves, not by {@link CxrProperties}. */
    private static final Set<String> NOT_SETTINGS = Set.of("CXR_JAVA_OPTS", "SERVER_PORT", "SERVER_SERVLET_SESSION_COOKIE_SECURE",
            "SERVER_FORWARD_HEADERS_STRATEGY", "ORT_DISABLE_TELEMETRY");

    private final CxrProperties defaults = new Binder(new MapConfigurationPropertySource()).bindOrCreate("cxr", CxrProperties.class);

    @Test
    void everyDocumentedVariableHasItsOwnRowWithTheDefaultOfItsSetting()
            throws IOException
    {
        Map<String, String> rows = rows();
        List<String> wrong = new ArrayList<>();
        for (Variable variable : Variable.values()) {
            String cell = rows.get(variable.variableName());
            if (cell == null) {
                wrong.add(variable.variableName() + " has no row");
                continue;
            }
            Object expected = valueOf(defaults, variable.property());
            Matcher stated = VALUE.matcher(cell);
            if (expected == null || expected.toString().isBlank()) {
                if (!cell.startsWith("(")) {
                    wrong.add(variable.variableName() + ": its setting has no default, so the cell says why in parentheses, not '" + cell + "'");
                }
            }
            else if (!stated.lookingAt() || !same(expected, stated.group(1))) {
                wrong.add(variable.variableName() + ": the README says '" + cell + "', " + variable.property() + " defaults to " + expected);
            }
        }
        for (String name : rows.keySet()) {
            if (name.startsWith("CXR_") && !NOT_SETTINGS.contains(name) && Arrays.stream(Variable.values()).noneMatch(v -> v.variableName().equals(name))) {
                wrong.add(name + " is in the README but no setting reads it");
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void aVariableSetsItsSettingAndSpringBootsOwnNameWorksToo()
    {
        CxrProperties shortName = bind(EnvironmentVariables.settings(Map.of("CXR_DATA_DIR", "/srv/cxr", "CXR_PIPELINE_SETTLE", "2m")::get));
        assertThat(shortName.dataDirectory()).isEqualTo("/srv/cxr");
        assertThat(shortName.pipelines().settle()).isEqualTo(Duration.ofMinutes(2));
        assertThat(bind(Map.of()).pipelines().settle()).isEqualTo(Duration.ofSeconds(60));
    }

    private static CxrProperties bind(Map<String, Object> settings)
    {
        return new Binder(new MapConfigurationPropertySource(settings)).bindOrCreate("cxr", CxrProperties.class);
    }

    /** Each row of the configuration table: its variable's name and its default cell. */
    private static Map<String, String> rows()
            throws IOException
    {
        String readme = Files.readString(README);
        String table = readme.substring(readme.indexOf("## Configuration"));
        table = table.substring(0, table.indexOf("\n## ", 3) < 0 ? table.length() : table.indexOf("\n## ", 3));
        Map<String, String> rows = new LinkedHashMap<>();
        for (String line : table.lines().toList()) {
            String[] cells = line.split("\\|");
            if (cells.length < 4 || !line.startsWith("| `")) {
                continue;
            }
            Matcher names = NAME.matcher(cells[1]);
            assertThat(names.find()).as(line).isTrue();
            String name = names.group(1);
            assertThat(names.find()).as("one variable a row: " + line).isFalse();
            assertThat(rows.put(name, cells[2].strip())).as("one row for " + name).isNull();
        }
        assertThat(rows).as("rows of the configuration table").hasSizeGreaterThan(10);
        return rows;
    }

    private static boolean same(Object expected, String stated)
    {
        if (expected instanceof Duration duration) {
            return DurationStyle.detectAndParse(stated).equals(duration);
        }
        if (expected instanceof Number number) {
            return stated.matches("-?[0-9.]+") && Double.parseDouble(stated) == number.doubleValue();
        }
        return expected.toString().equals(stated);
    }

    /** The value of a setting such as {@code cxr.pipelines.warehouse.embedded-port} in the bound properties. */
    private static Object valueOf(Object properties, String property)
    {
        Object value = properties;
        for (String part : property.substring("cxr.".length()).split("\\.")) {
            String component = camel(part);
            RecordComponent found = Arrays.stream(value.getClass().getRecordComponents())
                    .filter(c -> c.getName().equals(component))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(property + ": no " + component + " in " + properties.getClass().getSimpleName()));
            try {
                value = found.getAccessor().invoke(value);
            }
            catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
            if (value == null) {
                return null;
            }
        }
        return value;
    }

    private static String camel(String kebab)
    {
        StringBuilder camel = new StringBuilder();
        boolean upper = false;
        for (char c : kebab.toCharArray()) {
            if (c == '-') {
                upper = true;
            }
            else {
                camel.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return camel.toString();
    }
}
