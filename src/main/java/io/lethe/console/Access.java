package io.lethe.console;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

import io.lethe.api.Role;

/**
 * Who may open a console route, declared by the route's {@code group} in routes/console.camel.yaml. A route without
 * one of these groups is refused to everyone (fail closed). Every non-GET request of a signed-in group also needs the
 * session's CSRF token; {@link #ADMIN} is the group of state-changing actions.
 */
public enum Access {
    /** No session: the sign-in form, its POST, static assets. */
    OPEN("console-open", EnumSet.noneOf(Role.class)),
    /** Every console role: sign-out, subject look-up and current consent. */
    ANY("console-any", EnumSet.of(Role.ADMIN, Role.COMPLIANCE, Role.MARKETER)),
    /** Compliance reviews: overview, sync log, requests, connectors, reports. */
    REVIEW("console-review", EnumSet.of(Role.ADMIN, Role.COMPLIANCE)),
    /** Actions that change state (and the access package download). */
    ADMIN("console-admin", EnumSet.of(Role.ADMIN));

    /** The roles that may sign in at all. */
    public static final Set<Role> CONSOLE_ROLES = ANY.roles;

    private final String group;
    private final Set<Role> roles;

    Access(String group, Set<Role> roles) {
        this.group = group;
        this.roles = roles;
    }

    public String group() {
        return group;
    }

    public boolean allows(Role role) {
        return roles.contains(role);
    }

    public static Optional<Access> ofGroup(String group) {
        for (Access a : values()) {
            if (a.group.equals(group)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }
}
