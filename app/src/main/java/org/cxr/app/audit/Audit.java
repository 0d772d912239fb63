package org.cxr.app.audit;

import jakarta.servlet.http.HttpServletRequest;
import org.cxr.app.audit.AuditEvent.Outcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

import static java.util.Objects.requireNonNull;

/**
 * Records what the current caller does: the actor is the signed-in user, the address the request's. Controllers call
 * it after the work succeeded (or was refused), so the log says what happened, not what was attempted.
 */
public final class Audit
{
    private static final Logger log = LoggerFactory.getLogger(Audit.class);

    private final AuditLog auditLog;

    public Audit(AuditLog auditLog)
    {
        this.auditLog = requireNonNull(auditLog, "auditLog");
    }

    public void success(String action, String target)
    {
        record(action, target, Outcome.SUCCESS, null);
    }

    public void success(String action, String target, String detail)
    {
        record(action, target, Outcome.SUCCESS, detail);
    }

    public void record(String action, String target, Outcome outcome, String detail)
    {
        HttpServletRequest request = currentRequest();
        record(actor(SecurityContextHolder.getContext().getAuthentication()), action, target, outcome, request == null ? null : request.getRemoteAddr(), detail);
    }

    /** An event whose actor and address are known to the caller (sign-in attempts, the scheduler, the CLI). */
    public void record(String actor, String action, String target, Outcome outcome, String remoteAddress, String detail)
    {
        try {
            auditLog.append(actor, action, target, outcome, remoteAddress, detail);
        }
        catch (RuntimeException e) {
            // What cannot be audited is not answered. The log lives in the lake's database, so this happens when that
            // database is down, and the request fails with 503 like any other that needs it.
            log.error("Could not write the audit event {} {} by {}: {}", action, target, actor, e.toString());
            throw e;
        }
    }

    static String actor(Authentication authentication)
    {
        return authentication == null || authentication.getName() == null ? "anonymous" : authentication.getName();
    }

    private static HttpServletRequest currentRequest()
    {
        return RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes ? attributes.getRequest() : null;
    }
}
