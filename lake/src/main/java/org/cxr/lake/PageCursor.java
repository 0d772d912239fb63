package org.cxr.lake;

import java.time.Instant;
import java.time.format.DateTimeParseException;

import static java.util.Objects.requireNonNull;

/**
 * The position after the last inference of a page, newest first. Keyset paging: a page does not shift when new
 * inferences arrive while someone is reading older ones, and the database seeks the index instead of skipping rows.
 */
public record PageCursor(Instant createdAt, long inferenceId)
{
    public PageCursor
    {
        requireNonNull(createdAt, "createdAt");
    }

    /** An opaque token for a URL or a form. */
    public String encode()
    {
        return createdAt + "_" + inferenceId;
    }

    public static PageCursor decode(String token)
    {
        int separator = token.lastIndexOf('_');
        if (separator < 0) {
            throw new IllegalArgumentException("Invalid page cursor: " + token);
        }
        try {
            return new PageCursor(Instant.parse(token.substring(0, separator)), Long.parseLong(token.substring(separator + 1)));
        }
        catch (DateTimeParseException | NumberFormatException e) {
            throw new IllegalArgumentException("Invalid page cursor: " + token, e);
        }
    }
}
