package org.cxr.app.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.cxr.lake.errors.Failures;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Signs in a request that carries {@code Authorization: Bearer cxr_...}: a personal API token, or the server's local
 * token for the CLI. A bad token is answered 401 at once rather than passed on as anonymous, so a script with a
 * revoked token learns why. The sign-in lasts for this request only; no session is made.
 */
final class ApiTokenFilter
        extends OncePerRequestFilter
{
    private static final String BEARER = "Bearer ";

    private final ApiTokens tokens;
    private final LocalCliToken localToken;
    private final JsonSecurityErrors entryPoint;
    private final RequestMatcher health;

    ApiTokenFilter(ApiTokens tokens, LocalCliToken localToken, JsonSecurityErrors entryPoint, RequestMatcher health)
    {
        this.health = requireNonNull(health, "health");
        this.tokens = requireNonNull(tokens, "tokens");
        this.localToken = requireNonNull(localToken, "localToken");
        this.entryPoint = requireNonNull(entryPoint, "entryPoint");
    }

    /** Health is public, and must answer (DOWN) while the database that holds the tokens is down. */
    @Override
    protected boolean shouldNotFilter(HttpServletRequest request)
    {
        return health.matches(request);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException
    {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            chain.doFilter(request, response);
            return;
        }
        String token = header.substring(BEARER.length()).strip();
        Optional<Authentication> authentication;
        try {
            authentication = localToken.authenticate(token).or(() -> tokens.authenticate(token).map(ApiTokenFilter::signedIn));
        }
        catch (RuntimeException e) {
            if (!Failures.isDatabaseUnavailable(e)) {
                throw e;
            }
            logger.warn("Cannot check an API token, the database is unavailable: " + e);
            entryPoint.databaseUnavailable(request, response);
            return;
        }
        if (authentication.isEmpty()) {
            SecurityContextHolder.clearContext();
            entryPoint.commence(request, response, new BadCredentialsException("unknown or revoked API token"));
            return;
        }
        SecurityContext context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(authentication.get());
        SecurityContextHolder.setContext(context);
        try {
            chain.doFilter(request, response);
        }
        finally {
            SecurityContextHolder.clearContext();
        }
    }

    private static Authentication signedIn(Account account)
    {
        return UsernamePasswordAuthenticationToken.authenticated(account.username(), null, Role.authorities(account.roles()));
    }
}
