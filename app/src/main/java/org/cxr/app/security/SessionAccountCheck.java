package org.cxr.app.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import org.cxr.lake.errors.Failures;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Checks a page session's user against the database on every request: a user who was disabled (or removed) is signed
 * out at once, and changed roles apply at once, instead of when the session expires. Tokens and HTTP Basic need no
 * such check: they look the user up on every request anyway. The cost: two indexed reads (the user, their roles)
 * per page request.
 */
final class SessionAccountCheck
        extends OncePerRequestFilter
{
    private final Accounts accounts;

    SessionAccountCheck(Accounts accounts)
    {
        this.accounts = requireNonNull(accounts, "accounts");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException
    {
        HttpSession session = request.getSession(false);
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (session == null || !(authentication instanceof UsernamePasswordAuthenticationToken) || !authentication.isAuthenticated()) {
            chain.doFilter(request, response);
            return;
        }
        Optional<Account> account;
        try {
            account = accounts.find(authentication.getName());
        }
        catch (RuntimeException e) {
            if (!Failures.isDatabaseUnavailable(e)) {
                throw e;
            }
            // The database is down: the request will find out and answer 503 by itself.
            chain.doFilter(request, response);
            return;
        }
        if (account.isEmpty() || !account.get().enabled()) {
            SecurityContextHolder.clearContext();
            session.invalidate();
        }
        else if (!Role.held(authentication).equals(account.get().roles())) {
            SecurityContext context = SecurityContextHolder.createEmptyContext();
            context.setAuthentication(withRoles(authentication, account.get()));
            SecurityContextHolder.setContext(context);
            session.setAttribute(org.springframework.security.web.context.HttpSessionSecurityContextRepository.SPRING_SECURITY_CONTEXT_KEY, context);
        }
        chain.doFilter(request, response);
    }

    /** The same sign-in with the account's roles now, keeping what else it carried (how the user signed in). */
    private static Authentication withRoles(Authentication authentication, Account account)
    {
        List<GrantedAuthority> authorities = new ArrayList<>(Role.authorities(account.roles()));
        authentication.getAuthorities().stream().filter(a -> !Role.isRole(a)).forEach(authorities::add);
        UsernamePasswordAuthenticationToken updated = UsernamePasswordAuthenticationToken.authenticated(authentication.getPrincipal(), null, authorities);
        updated.setDetails(authentication.getDetails());
        return updated;
    }
}
