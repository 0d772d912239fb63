package org.cxr.app.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.cxr.app.audit.Audit;
import org.cxr.app.audit.AuditEvent.Outcome;
import org.cxr.app.server.Problems;
import org.cxr.lake.errors.Failures;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.authentication.InsufficientAuthenticationException;
import org.springframework.security.authentication.InternalAuthenticationServiceException;
import org.springframework.security.authentication.LockedException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;

import static java.util.Objects.requireNonNull;

/**
 * The API's answers when a caller is not signed in (401) or lacks the role (403), in the same JSON shape as every
 * other error. The 401 challenges for a Bearer token only: a Basic challenge would make browsers ask for a password
 * and then send it with every request, which would sidestep the page's CSRF protection.
 */
final class JsonSecurityErrors
        implements AuthenticationEntryPoint, AccessDeniedHandler
{
    private final JsonMapper json;
    private final Audit audit;

    JsonSecurityErrors(JsonMapper json, Audit audit)
    {
        this.json = requireNonNull(json, "json");
        this.audit = requireNonNull(audit, "audit");
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
            throws IOException
    {
        if (e instanceof InternalAuthenticationServiceException && Failures.isDatabaseUnavailable(e.getCause())) {
            // A password could not be checked because the database is down: not the caller's fault.
            databaseUnavailable(request, response);
            return;
        }
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"cxr\"");
        if (e instanceof LockedException) {
            write(request, response, Problems.of(HttpStatus.UNAUTHORIZED, "account_locked", "This account refuses passwords for " + WrongPasswordLimit.LOCK.toMinutes()
                    + " minutes after " + WrongPasswordLimit.LIMIT + " wrong ones in a row; an administrator can lift the lock."));
            return;
        }
        write(request, response, Problems.of(HttpStatus.UNAUTHORIZED, "unauthenticated",
                "Sign in first: send a personal API token (Authorization: Bearer cxr_...) or a user name and password (HTTP Basic)."));
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException e)
            throws IOException
    {
        Authentication caller = SecurityContextHolder.getContext().getAuthentication();
        if (caller == null || !caller.isAuthenticated() || caller instanceof AnonymousAuthenticationToken) {
            // A stranger's change fails the CSRF check before it reaches the sign-in check: what they lack is signing in.
            commence(request, response, new InsufficientAuthenticationException("not signed in"));
            return;
        }
        audit.record("access.denied", request.getMethod() + " " + request.getRequestURI(), Outcome.DENIED, null);
        write(request, response, Problems.of(HttpStatus.FORBIDDEN, "forbidden", "Your roles do not allow " + request.getMethod() + " " + request.getRequestURI()
                + " (or the request lacks its CSRF token)."));
    }

    /** Signing in needs the database; while it is down, say so as every other request does. */
    void databaseUnavailable(HttpServletRequest request, HttpServletResponse response)
            throws IOException
    {
        write(request, response, Problems.databaseUnavailable());
    }

    private void write(HttpServletRequest request, HttpServletResponse response, ProblemDetail problem)
            throws IOException
    {
        response.setStatus(problem.getStatus());
        response.setContentType(Problems.MEDIA_TYPE);
        response.getOutputStream().write(json.writeValueAsBytes(Problems.body(problem, request.getRequestURI())));
    }
}
