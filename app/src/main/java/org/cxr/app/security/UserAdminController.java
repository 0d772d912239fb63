package org.cxr.app.security;

import org.cxr.lake.errors.InvalidInputException;
import org.cxr.lake.errors.ConflictException;
import com.fasterxml.jackson.annotation.JsonInclude;
import org.cxr.app.audit.Audit;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/** The administrator's view of the users: create them, set their roles, disable them, reset a password. */
@RestController
class UserAdminController
{
    private final Accounts accounts;
    private final PasswordEncoder passwords;
    private final Audit audit;

    UserAdminController(Accounts accounts, PasswordEncoder passwords, Audit audit)
    {
        this.accounts = requireNonNull(accounts, "accounts");
        this.passwords = requireNonNull(passwords, "passwords");
        this.audit = requireNonNull(audit, "audit");
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record UserJson(String username, List<String> roles, boolean enabled, Instant createdAt, Instant lockedUntil)
    {
        static UserJson of(Account account)
        {
            return new UserJson(account.username(), account.roles().stream().map(Role::name).sorted().toList(), account.enabled(), account.createdAt(),
                    account.lockedAt(Instant.now()) ? account.lockedUntil().orElseThrow() : null);
        }
    }

    record UserList(List<UserJson> items) {}

    record NewUser(String username, String password, List<String> roles) {}

    /** Only the fields present change. */
    record UserChange(List<String> roles, Boolean enabled, String password) {}

    @GetMapping("/api/v1/users")
    UserList list()
    {
        return new UserList(accounts.all().stream().map(UserJson::of).toList());
    }

    @PostMapping("/api/v1/users")
    ResponseEntity<UserJson> create(@RequestBody NewUser user)
    {
        if (user == null) {
            throw new InvalidInputException("bad_body", "Send a user as JSON: {\"username\": ..., \"password\": ..., \"roles\": [...]}.");
        }
        String username = AccountRules.username(user.username());
        Set<Role> roles = roles(user.roles());
        String hash = passwords.encode(AccountRules.password(user.password()));
        Account created = accounts.create(username, hash, roles);
        audit.success("user.create", username, "roles " + roles(created));
        return ResponseEntity.created(URI.create("/api/v1/users/" + username)).body(UserJson.of(created));
    }

    @PatchMapping("/api/v1/users/{username}")
    UserJson change(Authentication authentication, @PathVariable("username") String name, @RequestBody UserChange change)
    {
        if (change == null) {
            throw new InvalidInputException("bad_body", "Send the changes as JSON: {\"roles\": [...], \"enabled\": true|false, \"password\": ...}.");
        }
        String username = AccountRules.username(name);
        Account account = accounts.find(username).orElseThrow(() -> Accounts.noSuchUser(username));
        boolean self = username.equals(authentication.getName());
        if (change.roles() != null) {
            Set<Role> roles = roles(change.roles());
            if (self && !roles.contains(Role.ADMIN)) {
                throw new ConflictException("own_admin_role", "You cannot take the admin role from yourself; ask another administrator.");
            }
            account = accounts.setRoles(username, roles);
            audit.success("user.roles", username, "roles " + roles(account));
        }
        if (change.enabled() != null) {
            if (self && !change.enabled()) {
                throw new ConflictException("own_account", "You cannot disable your own account.");
            }
            if (change.enabled()) {
                accounts.unlock(username);
            }
            account = accounts.setEnabled(username, change.enabled());
            audit.success(change.enabled() ? "user.enable" : "user.disable", username);
        }
        if (change.password() != null) {
            accounts.setPasswordHash(username, passwords.encode(AccountRules.password(change.password())));
            accounts.unlock(username);
            account = accounts.find(username).orElseThrow();
            audit.success("user.password-reset", username);
        }
        return UserJson.of(account);
    }

    private static Set<Role> roles(List<String> names)
    {
        if (names == null || names.isEmpty()) {
            throw new InvalidInputException("no_role", "A user needs at least one role: uploader, radiologist, data-engineer or admin.");
        }
        Set<Role> roles = EnumSet.noneOf(Role.class);
        names.forEach(name -> roles.add(Role.of(String.valueOf(name))));
        return roles;
    }

    private static String roles(Account account)
    {
        return account.roles().stream().map(Role::name).sorted().collect(Collectors.joining(","));
    }
}
