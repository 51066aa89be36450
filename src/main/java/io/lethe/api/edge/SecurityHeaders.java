package io.lethe.api.edge;

import io.vertx.core.MultiMap;

/**
 * Response headers every answer carries, whichever part of the hub wrote it (API flow, health, a refusal, the
 * router's own 404): browsers must not guess content types, must not keep personal data in caches, and must not
 * frame or run anything in an HTML answer that the page did not ask for.
 */
final class SecurityHeaders {

    /** For HTML answers that bring no policy of their own: nothing loads but same-origin styles and images. */
    static final String HTML_POLICY = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self';"
            + " base-uri 'none'; frame-ancestors 'none'";

    private SecurityHeaders() {
    }

    static void apply(String path, MultiMap headers) {
        headers.set("X-Content-Type-Options", "nosniff");
        // The console's own forms must carry their Origin (its login-CSRF check reads it), which a browser replaces by
        // "null" under no-referrer; same-origin still sends nothing to another site.
        headers.set("Referrer-Policy", path != null && path.startsWith("/console") ? "same-origin" : "no-referrer");
        // API answers hold personal data: never stored. Elsewhere a page may choose its own caching.
        if ((path != null && path.startsWith("/api/")) || !headers.contains("Cache-Control")) {
            headers.set("Cache-Control", "no-store");
        }
        String type = headers.get("Content-Type");
        if (type != null && type.regionMatches(true, 0, "text/html", 0, 9)) {
            String policy = headers.get("Content-Security-Policy");
            if (policy == null || policy.isBlank()) {
                headers.set("Content-Security-Policy", HTML_POLICY);
            } else if (!policy.contains("frame-ancestors")) {
                headers.set("Content-Security-Policy", policy.strip() + "; frame-ancestors 'none'");
            }
            headers.set("X-Frame-Options", "DENY");
        }
    }
}
