package org.cxr.app.security;

import org.cxr.lake.errors.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;

/** What a user name and a password must look like; the messages are shown to the person who typed them. */
final class AccountRules
{
    private static final Pattern USERNAME = Pattern.compile("[a-z0-9][a-z0-9._@-]{1,62}");
    static final int MIN_PASSWORD_LENGTH = 12;
    // BCrypt reads at most 72 bytes; a longer password would be silently cut, so it is refused.
    private static final int MAX_PASSWORD_BYTES = 72;

    private AccountRules() {}

    /** User names are compared in lower case, so "Amy" and "amy" are one user. */
    static String username(String username)
    {
        if (username == null) {
            throw new InvalidInputException("bad_username", "A user name is required.");
        }
        String normal = username.strip().toLowerCase(Locale.ROOT);
        if (!USERNAME.matcher(normal).matches()) {
            throw new InvalidInputException("bad_username", "A user name has 2 to 63 characters: letters, digits, '.', '_', '@' or '-', starting with a letter or digit.");
        }
        return normal;
    }

    static String password(String password)
    {
        if (password == null || password.length() < MIN_PASSWORD_LENGTH) {
            throw new InvalidInputException("bad_password", "A password has at least " + MIN_PASSWORD_LENGTH + " characters.");
        }
        if (password.getBytes(StandardCharsets.UTF_8).length > MAX_PASSWORD_BYTES) {
            throw new InvalidInputException("bad_password", "A password has at most " + MAX_PASSWORD_BYTES + " bytes (UTF-8).");
        }
        return password;
    }
}
