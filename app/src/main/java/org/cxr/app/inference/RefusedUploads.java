package org.cxr.app.inference;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.cxr.app.audit.Audit;
import org.cxr.app.audit.AuditEvent.Outcome;
import org.cxr.app.server.Problems;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;

import static java.util.Objects.requireNonNull;

/**
 * Every refused upload is an audit row: who sent it, why it was refused (status, error word and message) and how
 * large it was. A filter rather than the controller, because many refusals (a body that is not multipart, too large,
 * stalled, a second file) happen before the controller runs. It sits inside the security filters, so the caller is
 * known; refusals for want of signing in or of a role are audited there as {@code access.denied}.
 */
@Component
final class RefusedUploads
        extends OncePerRequestFilter
{
    static final String ACTION = "inference.upload";
    private static final String PATH = "/api/v1/inferences";
    private static final int MAX_MESSAGE = 400;
    private static final Logger log = LoggerFactory.getLogger(RefusedUploads.class);

    private final Audit audit;

    RefusedUploads(Audit audit)
    {
        this.audit = requireNonNull(audit, "audit");
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request)
    {
        return !("POST".equals(request.getMethod()) && PATH.equals(request.getRequestURI()));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException
    {
        boolean failed = true;
        try {
            chain.doFilter(request, response);
            failed = false;
        }
        finally {
            int status = failed ? HttpServletResponse.SC_INTERNAL_SERVER_ERROR : response.getStatus();
            if (status >= 400 && status != HttpServletResponse.SC_UNAUTHORIZED && status != HttpServletResponse.SC_FORBIDDEN) {
                record(request, status);
            }
        }
    }

    private void record(HttpServletRequest request, int status)
    {
        String why = request.getAttribute(Problems.ATTRIBUTE) instanceof ProblemDetail problem
                ? status + " " + problem.getProperties().get("error") + ": " + problem.getDetail()
                : String.valueOf(status);
        if (why.length() > MAX_MESSAGE) {
            why = why.substring(0, MAX_MESSAGE) + "...";
        }
        long size = request.getContentLengthLong();
        try {
            audit.record(ACTION, null, Outcome.FAILURE, "refused " + why + "; " + (size < 0 ? "size not declared" : size + " bytes"));
        }
        catch (RuntimeException e) {
            // The answer has gone; the audit log is in the database, and Audit has already said it could not write.
            log.debug("Refused upload not audited", e);
        }
    }
}
