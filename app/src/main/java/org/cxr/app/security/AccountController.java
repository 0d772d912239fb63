package org.cxr.app.security;

import org.cxr.lake.errors.NotFoundException;
import org.cxr.lake.errors.InvalidInputException;
import org.cxr.lake.errors.ForbiddenException;
import com.fasterxml.jackson.annotation.JsonInclude;
import org.cxr.app.audit.Audit;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;
import java.time.Instant;
import java.util.List;

import static java.util.Objects.requireNonNull;

/** The signed-in user: who they are, their password, their personal API tokens. */
@RestController
class AccountController
{
    private final Accounts accounts;
    private final ApiTokens tokens;
    private final PasswordEncoder passwords;
    private final Audit audit;

    AccountController(Accounts accounts, ApiTokens tokens, PasswordEncoder passwords, Audit audit)
    {
        this.accounts = requireNonNull(accounts, "accounts");
        this.tokens = requireNonNull(tokens, "tokens");
        this.passwords = requireNonNull(passwords, "passwords");
        this.audit = requireNonNull(audit, "audit");
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Me(String username, List<String> roles, Csrf csrf) {}

    /** What the page sends with each change: the header's name and the token of this session. */
    record Csrf(String headerName, String token) {}

    record PasswordChange(String currentPassword, String newPassword) {}

    record TokenRequest(String name) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record TokenJson(long id, String name, Instant createdAt, Instant lastUsedAt, Instant revokedAt, String token) {}

    record TokenList(List<TokenJson> items) {}

    @GetMapping("/api/v1/me")
    Me me(Authentication authentication, CsrfToken csrf)
    {
        List<String> roles = Role.held(authentication).stream().map(Role::name).sorted().toList();
        return new Me(authentication.getName(), roles, csrf == null ? null : new Csrf(csrf.getHeaderName(), csrf.getToken()));
    }

    @PutMapping("/api/v1/me/password")
    ResponseEntity<Void> changePassword(Authentication authentication, @RequestBody PasswordChange change)
    {
        Accounts.Credentials credentials = credentials(authentication);
        if (change == null || change.currentPassword() == null || !passwords.matches(change.currentPassword(), credentials.passwordHash())) {
            throw new InvalidInputException("wrong_password", "The current password is not right.");
        }
        accounts.setPasswordHash(credentials.account().username(), passwords.encode(AccountRules.password(change.newPassword())));
        audit.success("user.password", credentials.account().username());
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/api/v1/me/tokens")
    TokenList tokens(Authentication authentication)
    {
        return new TokenList(tokens.list(credentials(authentication).account()).stream()
                .map(token -> new TokenJson(token.id(), token.name(), token.createdAt(), token.lastUsedAt().orElse(null), token.revokedAt().orElse(null), null))
                .toList());
    }

    @PostMapping("/api/v1/me/tokens")
    ResponseEntity<TokenJson> issue(Authentication authentication, @RequestBody TokenRequest request)
    {
        Account owner = credentials(authentication).account();
        ApiTokens.IssuedToken issued = tokens.issue(owner, request == null ? null : request.name());
        audit.success("token.create", "token/" + issued.id(), issued.name());
        return ResponseEntity.created(URI.create("/api/v1/me/tokens/" + issued.id()))
                .body(new TokenJson(issued.id(), issued.name(), issued.createdAt(), null, null, issued.token()));
    }

    @DeleteMapping("/api/v1/me/tokens/{id}")
    ResponseEntity<Void> revoke(Authentication authentication, @PathVariable("id") long id)
    {
        if (!tokens.revoke(credentials(authentication).account(), id)) {
            throw new NotFoundException("You have no unrevoked token with id " + id + ".");
        }
        audit.success("token.revoke", "token/" + id);
        return ResponseEntity.noContent().build();
    }

    private Accounts.Credentials credentials(Authentication authentication)
    {
        return accounts.credentials(authentication.getName()).orElseThrow(() -> new ForbiddenException("no_account",
                "'" + authentication.getName() + "' is not a user account (the CLI's local token has none)."));
    }
}
