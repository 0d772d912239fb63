package org.cxr.app.security;

import org.cxr.app.audit.Audit;
import org.cxr.app.audit.AuditEvent.Outcome;
import org.cxr.lake.errors.ConflictException;
import org.cxr.app.server.CxrProperties;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;

import java.io.PrintStream;
import java.security.SecureRandom;
import java.util.EnumSet;

import static java.util.Objects.requireNonNull;

/**
 * On the first start (no users at all), creates the user {@code admin} with the password from
 * {@code CXR_ADMIN_PASSWORD}, or with a generated one printed once on the console (never to the log). Later starts
 * leave the users alone, whatever the variable says.
 */
@Component
final class AdminBootstrap
        implements ApplicationRunner
{
    static final String ADMIN_USERNAME = "admin";
    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

    private final Accounts accounts;
    private final PasswordEncoder passwords;
    private final CxrProperties properties;
    private final Audit audit;
    private final PrintStream console;

    AdminBootstrap(Accounts accounts, PasswordEncoder passwords, CxrProperties properties, Audit audit)
    {
        this.accounts = requireNonNull(accounts, "accounts");
        this.passwords = requireNonNull(passwords, "passwords");
        this.properties = requireNonNull(properties, "properties");
        this.audit = requireNonNull(audit, "audit");
        this.console = System.out;
    }

    @Override
    public void run(ApplicationArguments arguments)
    {
        if (accounts.count() > 0) {
            return;
        }
        String configured = properties.security().adminPassword();
        boolean generated = configured == null || configured.isEmpty();
        String password;
        try {
            password = generated ? generate() : AccountRules.password(configured);
        }
        catch (IllegalArgumentException e) {
            throw new IllegalStateException("CXR_ADMIN_PASSWORD is not a usable password: " + e.getMessage());
        }
        try {
            accounts.create(ADMIN_USERNAME, passwords.encode(password), EnumSet.of(Role.ADMIN));
        }
        catch (ConflictException e) {
            // Another instance on the same database created it first.
            return;
        }
        audit.record("system", "user.create", ADMIN_USERNAME, Outcome.SUCCESS, null, generated ? "first start, generated password" : "first start, CXR_ADMIN_PASSWORD");
        if (generated) {
            console.println();
            console.println("cxr: created the user 'admin' with the password " + password);
            console.println("cxr: it is shown this once; sign in at /login and create the other users (or set CXR_ADMIN_PASSWORD before the first start).");
            console.println();
        }
    }

    private static String generate()
    {
        SecureRandom random = new SecureRandom();
        StringBuilder password = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            password.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return password.toString();
    }
}
