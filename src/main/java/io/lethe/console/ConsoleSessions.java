package io.lethe.console;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.lethe.api.Principal;

/**
 * Server-side console sessions, in memory (Caffeine): a session ends after {@code lethe.console.idle-minutes} without
 * a request, at sign-out, or when the hub restarts. The cookie holds only the session's random 256-bit id; the API
 * key entered at sign-in is checked once and never kept. Bounded, so a flood of sign-ins cannot grow memory (the
 * oldest idle sessions go first).
 */
public final class ConsoleSessions {

    public static final String COOKIE = "lethe_console";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Cache<String, ConsoleSession> sessions;
    private final Duration idle;
    private final Clock clock;

    public ConsoleSessions(Duration idle, int maxSessions, Clock clock) {
        this(idle, maxSessions, clock, Ticker.systemTicker());
    }

    /** With the ticker idle time is measured by (tests). */
    ConsoleSessions(Duration idle, int maxSessions, Clock clock, Ticker ticker) {
        this.idle = idle;
        this.clock = clock;
        this.sessions = Caffeine.newBuilder().expireAfterAccess(idle).maximumSize(maxSessions).ticker(ticker)
                .executor(Runnable::run).build();
    }

    public Duration idle() {
        return idle;
    }

    public ConsoleSession start(Principal principal) {
        ConsoleSession s = new ConsoleSession(random(), principal, random(), clock.instant());
        sessions.put(s.id(), s);
        return s;
    }

    /** The live session of a cookie value; reading it counts as activity. */
    public Optional<ConsoleSession> find(String id) {
        if (id == null || id.length() != 43) {
            return Optional.empty();
        }
        return Optional.ofNullable(sessions.getIfPresent(id));
    }

    public void end(String id) {
        if (id != null) {
            sessions.invalidate(id);
        }
    }

    /** Sessions of a key (a revoked one): ended. */
    public void endAllOf(String keyName) {
        sessions.asMap().values().removeIf(s -> s.principal().keyName().equals(keyName));
    }

    private static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
