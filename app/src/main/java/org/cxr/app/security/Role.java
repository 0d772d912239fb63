package org.cxr.app.security;

import org.cxr.lake.errors.InvalidInputException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a user may do. A user holds one or more roles; none includes another, so that, say, an administrator sees no
 * patient images unless also given the radiologist role (and that grant is in the audit log).
 */
public enum Role
{
    /** Uploads images and sees the results of their own uploads. */
    UPLOADER,
    /** Uploads images and sees every result and image. */
    RADIOLOGIST,
    /** Runs and watches the pipelines, which export the data mart. */
    DATA_ENGINEER,
    /** Manages users and reads the audit log. */
    ADMIN;

    /** The name Spring Security matches with {@code hasRole}. */
    public String authority()
    {
        return "ROLE_" + name();
    }

    /** The authorities Spring Security checks for these roles. */
    public static List<GrantedAuthority> authorities(Collection<Role> roles)
    {
        return roles.stream().<GrantedAuthority>map(role -> new SimpleGrantedAuthority(role.authority())).toList();
    }

    /** The roles a sign-in holds; its other authorities (how the user signed in: FACTOR_PASSWORD...) are not roles. */
    public static Set<Role> held(Authentication authentication)
    {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (GrantedAuthority authority : authentication.getAuthorities()) {
            Arrays.stream(values()).filter(role -> role.authority().equals(authority.getAuthority())).forEach(roles::add);
        }
        return roles;
    }

    /** Whether this authority is a role's. */
    public static boolean isRole(GrantedAuthority authority)
    {
        return Arrays.stream(values()).anyMatch(role -> role.authority().equals(authority.getAuthority()));
    }

    /** {@code data-engineer}, {@code DATA_ENGINEER} and {@code data_engineer} all name the data engineer. */
    public static Role of(String name)
    {
        String normal = name.strip().toUpperCase(Locale.ROOT).replace('-', '_');
        return Arrays.stream(values()).filter(role -> role.name().equals(normal)).findFirst()
                .orElseThrow(() -> new InvalidInputException("unknown_role", "No role '" + name + "'; the roles are uploader, radiologist, data-engineer and admin."));
    }
}
