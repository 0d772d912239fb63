package org.cxr.backup;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.json.JsonMapper;

/** Manifests and plans as JSON: ISO-8601 times and dates, so that people and other tools can read them. */
final class Json
{
    private static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(DateTimeFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            // A newer writer may add fields; what this version knows is still enough to restore.
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            // And an older writer lacks fields added since (the review ids of watermarks, the counts of later
            // datasets): absent, they read as 0, which is what that writer backed up of them.
            .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    private Json() {}

    static byte[] write(Object value)
    {
        return MAPPER.writeValueAsBytes(value);
    }

    static <T> T read(byte[] json, Class<T> type, String what)
    {
        try {
            return MAPPER.readValue(json, type);
        }
        catch (JacksonException | IllegalArgumentException e) {
            throw new BackupException("Cannot read " + what + ": " + e.getMessage(), e);
        }
    }
}
