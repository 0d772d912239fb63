package org.cxr.app.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.cxr.app.audit.Audit;
import org.cxr.app.audit.AuditEvent.Outcome;
import org.cxr.app.server.ApiError;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
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
        if (e instanceof InternalAuthenticationServiceException && e.getCause() instanceof DataAccessException) {
            // A password could not be checked because the database is down: not the caller's fault.
            databaseUnavailable(response);
            return;
        }
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"cxr\"");
        if (e instanceof LockedException) {
            write(response, ApiError.of(401, "account_locked", "This account refuses passwords for " + WrongPasswordLimit.LOCK.toMinutes()
                    + " minutes after " + WrongPasswordLimit.LIMIT + " wrong ones in a row; an administrator can lift the lock."));
            return;
        }
        write(response, ApiError.of(401, "unauthenticated",
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
        write(response, ApiError.of(403, "forbidden", "Your roles do not allow " + request.getMethod() + " " + request.getRequestURI()
                + " (or the request lacks its CSRF token)."));
    }

    /** Signing in needs the database; while it is down, say so as every other request does. */
    void databaseUnavailable(HttpServletResponse response)
            throws IOException
    {
        write(response, ApiError.databaseUnavailable());
    }

    private void write(HttpServletResponse response, ApiError error)
            throws IOException
    {
        response.setStatus(error.status());
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.getOutputStream().write(json.writeValueAsBytes(error));
    }
}
