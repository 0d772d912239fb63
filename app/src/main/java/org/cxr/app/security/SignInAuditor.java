package org.cxr.app.security;

import org.cxr.app.audit.Audit;
import org.cxr.app.audit.AuditEvent.Outcome;
import org.springframework.context.event.EventListener;
import org.springframework.security.authentication.event.AbstractAuthenticationFailureEvent;
import org.springframework.security.authentication.event.InteractiveAuthenticationSuccessEvent;
import org.springframework.security.authentication.event.LogoutSuccessEvent;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.authentication.WebAuthenticationDetails;
import org.springframework.stereotype.Component;

import static java.util.Objects.requireNonNull;

/**
 * Audits sign-ins on the page, sign-outs, and every failed password (page or HTTP Basic). A successful HTTP Basic or
 * token request is not a sign-in: what it does is audited by the action itself.
 */
@Component
final class SignInAuditor
{
    private final Audit audit;

    SignInAuditor(Audit audit)
    {
        this.audit = requireNonNull(audit, "audit");
    }

    @EventListener
    void signedIn(InteractiveAuthenticationSuccessEvent event)
    {
        audit.record(event.getAuthentication().getName(), "session.sign-in", null, Outcome.SUCCESS, address(event.getAuthentication()), null);
    }

    @EventListener
    void signedOut(LogoutSuccessEvent event)
    {
        audit.record(event.getAuthentication().getName(), "session.sign-out", null, Outcome.SUCCESS, address(event.getAuthentication()), null);
    }

    @EventListener
    void failed(AbstractAuthenticationFailureEvent event)
    {
        // The name as typed, which may not be a user: clipped by the log, and never the password.
        String name = String.valueOf(event.getAuthentication().getName());
        audit.record(name, "session.sign-in", null, Outcome.FAILURE, address(event.getAuthentication()), event.getException().getClass().getSimpleName());
    }

    private static String address(Authentication authentication)
    {
        return authentication.getDetails() instanceof WebAuthenticationDetails details ? details.getRemoteAddress() : null;
    }
}
