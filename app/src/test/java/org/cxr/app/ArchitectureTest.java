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

    private static List<String> sqlOverLakeTables(Path file)
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
                sql.add(literal.group(1) != null ? literal.group(1) : literal.group(2));
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
}
