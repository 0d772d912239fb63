package org.cxr.app.security;

import java.util.Arrays;
import java.util.Locale;

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

    /** {@code data-engineer}, {@code DATA_ENGINEER} and {@code data_engineer} all name the data engineer. */
    public static Role of(String name)
    {
        String normal = name.strip().toUpperCase(Locale.ROOT).replace('-', '_');
        return Arrays.stream(values()).filter(role -> role.name().equals(normal)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No role '" + name + "'; the roles are uploader, radiologist, data-engineer and admin."));
    }
}
