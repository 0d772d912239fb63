package org.cxr.app.security;

import org.cxr.app.audit.Audit;
import org.cxr.app.audit.AuditEvent.Outcome;
import org.springframework.context.event.EventListener;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.authentication.event.AuthenticationFailureBadCredentialsEvent;
import org.springframework.security.authentication.event.AuthenticationSuccessEvent;
import org.springframework.stereotype.Component;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * Five wrong passwords in a row lock an account's password for fifteen minutes (page and HTTP Basic alike), which
 * turns guessing into a crawl. The lock is in the database, so it holds across replicas; an administrator lifts it by
 * enabling the user or resetting the password. API tokens are not affected: they cannot be guessed.
 */
@Component
final class WrongPasswordLimit
{
    static final int LIMIT = 5;
    static final Duration LOCK = Duration.ofMinutes(15);

    private final Accounts accounts;
    private final Audit audit;

    WrongPasswordLimit(Accounts accounts, Audit audit)
    {
        this.accounts = requireNonNull(accounts, "accounts");
        this.audit = requireNonNull(audit, "audit");
    }

    @EventListener
    void wrongPassword(AuthenticationFailureBadCredentialsEvent event)
    {
        String username;
        try {
            username = AccountRules.username(event.getAuthentication().getName());
        }
        catch (IllegalArgumentException e) {
            return; // not a user name at all
        }
        if (accounts.recordWrongPassword(username, LIMIT, LOCK)) {
            audit.record(username, "user.locked", username, Outcome.DENIED, null, LIMIT + " wrong passwords in a row; locked for " + LOCK.toMinutes() + " minutes");
        }
    }

    @EventListener
    void rightPassword(AuthenticationSuccessEvent event)
    {
        // Tokens sign in without an event of this kind; a password sign-in is a UsernamePasswordAuthenticationToken.
        if (event.getAuthentication() instanceof UsernamePasswordAuthenticationToken) {
            accounts.recordRightPassword(event.getAuthentication().getName());
        }
    }
}
