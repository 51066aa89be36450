package io.lethe.console;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;

import io.lethe.api.Principal;
import io.lethe.api.Role;

/**
 * A signed-in console user: the API key's name and role (never the key), and the CSRF token every form of this
 * session carries in its hidden {@code csrf} field.
 */
public record ConsoleSession(String id, Principal principal, String csrf, Instant signedInAt) {

    public Role role() {
        return principal.role();
    }

    public boolean isAdmin() {
        return principal.role() == Role.ADMIN;
    }

    /** Constant-time comparison, so response timing tells nothing about how much of a guess was right. */
    public boolean csrfMatches(String presented) {
        return presented != null && MessageDigest.isEqual(csrf.getBytes(StandardCharsets.UTF_8),
                presented.getBytes(StandardCharsets.UTF_8));
    }
}
