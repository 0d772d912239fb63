package org.cxr.app;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/** How the modules meet: each table has one owner that alone speaks SQL over it, and HTTP is the web layer's alone. */
class ArchitectureTest
{
    private static final JavaClasses CLASSES = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("org.cxr");
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    /** The lake's tables, named in SQL where a statement reads or changes them. */
    private static final Pattern LAKE_TABLE_IN_SQL = Pattern.compile(
            "(?i)\\b(from|join|into|update|table|on)\\s+(image|inference|predicted_box|model_version|pipeline_watermark|pipeline_run|pipeline_lease)\\b");
    private static final Pattern STRING_LITERAL = Pattern.compile("\"\"\"(.*?)\"\"\"|\"((?:[^\"\\\\\\n]|\\\\.)*)\"", Pattern.DOTALL);
    private static final Pattern ESCAPE = Pattern.compile("\\\\(u+[0-9a-fA-F]{4}|[0-3]?[0-7]{1,2}|.)");

    /**
     * What HostileUploadTest sends as file names and query parameters, shaped like SQL injection to show that they stay
     * data: not SQL that a test runs. Compared by value, so these literals here pass too.
     */
    private static final Set<String> INJECTION_PAYLOADS = Set.of(
            "x'); DROP TABLE image;--.png",
            "Robert'); DROP TABLE inference; DROP TABLE predicted_box;--.png",
            "1; DELETE FROM image WHERE 1=1; --.png",
            "x'); DROP TABLE image;-- \u00fc\u0000.png",
            "1;DROP TABLE image",
            "2024-01-01T00:00:00Z'; DROP TABLE image;--");

    @Test
    void theLakesDatabaseCodeIsItsOwn()
    {
        noClasses().that().resideOutsideOfPackage("org.cxr.lake..")
                .should().dependOnClassesThat().resideInAPackage("org.cxr.lake.db..")
                .because("other modules read and write the lake through its typed API")
                .check(CLASSES);
    }

    @Test
    void onlyTheApplicationSpeaksHttp()
    {
        noClasses().that().resideOutsideOfPackage("org.cxr.app..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework.http..", "org.springframework.web..", "jakarta.servlet..")
                .because("modules fail with domain exceptions, which the web layer maps to HTTP once")
                .check(CLASSES);
    }

    @Test
    void noModuleButTheLakeNamesATableOfTheLakeInSql()
            throws IOException
    {
        List<String> found = new ArrayList<>();
        try (Stream<Path> modules = Files.list(ROOT)) {
            for (Path module : modules.filter(path -> Files.isDirectory(path.resolve("src/main"))).toList()) {
                if (module.getFileName().toString().equals("lake")) {
                    continue;
                }
                try (Stream<Path> files = Files.walk(module.resolve("src/main"))) {
                    files.filter(file -> file.toString().endsWith(".java") || file.toString().endsWith(".sql")).forEach(file -> found.addAll(sqlOverLakeTables(file)));
                }
            }
        }
        assertThat(found).as("modules that found " + ROOT).isEmpty();
    }

    /**
     * The application's tests check what the lake holds through the lake's API and its test-jar's {@code LakeTables},
     * not with SQL of their own. (The test resources are not scanned: db/pre-split holds a migration of the lake's as
     * an old build shipped it, for SchemaUpgradeTest.)
     */
    @Test
    void theApplicationsTestsNameNoTableOfTheLakeInSql()
            throws IOException
    {
        Path tests = ROOT.resolve("app/src/test/java");
        assertThat(tests).isDirectory();
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(tests)) {
            files.filter(file -> file.toString().endsWith(".java")).forEach(file -> found.addAll(sqlOverLakeTables(file, INJECTION_PAYLOADS)));
        }
        assertThat(found).as("test sources under " + tests).isEmpty();
    }

    private static List<String> sqlOverLakeTables(Path file)
    {
        return sqlOverLakeTables(file, Set.of());
    }

    /** Where the file's SQL (a .sql file, or a Java file's string literals but those {@code allowed}) names a lake table. */
    private static List<String> sqlOverLakeTables(Path file, Set<String> allowed)
    {
        String text;
        try {
            text = Files.readString(file);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> sql = new ArrayList<>();
        if (file.toString().endsWith(".sql")) {
            sql.add(text);
        }
        else {
            Matcher literal = STRING_LITERAL.matcher(text);
            while (literal.find()) {
                String value = literal.group(1) != null ? literal.group(1) : literal.group(2);
                if (!allowed.contains(unescape(value))) {
                    sql.add(value);
                }
            }
        }
        List<String> found = new ArrayList<>();
        for (String statement : sql) {
            Matcher table = LAKE_TABLE_IN_SQL.matcher(statement);
            while (table.find()) {
                found.add(ROOT.relativize(file) + ": " + table.group());
            }
        }
        return found;
    }

    /** A literal's value, its escape sequences (simple, octal and Unicode) read as the compiler reads them. */
    private static String unescape(String literal)
    {
        return ESCAPE.matcher(literal).replaceAll(escape -> {
            String code = escape.group(1);
            char c = switch (code.charAt(0)) {
                case 'u' -> (char) Integer.parseInt(code.replaceFirst("^u+", ""), 16);
                case 'b' -> '\b';
                case 't' -> '\t';
                case 'n' -> '\n';
                case 'f' -> '\f';
                case 'r' -> '\r';
                case 's' -> ' ';
                default -> Character.isDigit(code.charAt(0)) ? (char) Integer.parseInt(code, 8) : code.charAt(0);
            };
            return Matcher.quoteReplacement(String.valueOf(c));
        });
    }
}
