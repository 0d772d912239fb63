package org.cxr.app;

import picocli.CommandLine;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What runs a stage that the command line runs itself: the stage's code in this process ({@code builtin}, the
 * default), or its Apache Spark job in {@code cxr-spark.jar}, started as a child process ({@code spark}).
 */
enum Engine
{
    BUILTIN, SPARK;

    /** The name on the command line. */
    @Override
    public String toString()
    {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Only the names as written on the command line, so that a wrong one is told those two and nothing else. */
    static final class Converter
            implements CommandLine.ITypeConverter<Engine>
    {
        @Override
        public Engine convert(String value)
        {
            return Arrays.stream(values()).filter(engine -> engine.toString().equals(value)).findFirst()
                    .orElseThrow(() -> new CommandLine.TypeConversionException("expected one of "
                            + Arrays.stream(values()).map(Engine::toString).collect(Collectors.joining(", ")) + " but was '" + value + "'"));
        }
    }
}
