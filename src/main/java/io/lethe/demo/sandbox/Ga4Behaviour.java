package io.lethe.demo.sandbox;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Google Analytics 4's User Deletion API (vendor-apis.md §8) and the Google OAuth2 token endpoint a service-account key
 * names as {@code token_uri}, strict. {@code POST /token} takes the JWT bearer grant (RFC 7523): form
 * {@code grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=<JWT>}, the assertion RS256-signed by the
 * service account's private key (checked against its public key), {@code iss} = the account's e-mail, {@code aud} =
 * {@code https://oauth2.googleapis.com/token}, {@code scope} with {@code analytics.user.deletion}, at most an hour between {@code iat} and
 * {@code exp}; it answers a one-hour bearer token. {@code POST /analytics/v3/userDeletion/userDeletionRequests:upsert}
 * takes that token and a JSON {@code userDeletionRequest} for one id ({@code id.type} CLIENT_ID|USER_ID|
 * APP_INSTANCE_ID, {@code id.userId}, the GA4 {@code propertyId}); it echoes the resource with
 * {@code deletionRequestTime}. There is no status endpoint: the deletion is accepted, and done by Google later.
 * Quotas (developers.google.com/analytics/devguides/config/userdeletion/v3/limits-quotas): 500 requests a day per
 * property (403 {@code dailyLimitExceeded}, reset at midnight Pacific time) and 1.5 a second (429
 * {@code rateLimitExceeded}).
 */
public final class Ga4Behaviour implements VendorBehaviour {

    public static final String SCOPE = "https://www.googleapis.com/auth/analytics.user.deletion";
    public static final String PROPERTY_ID = "123456789";
    public static final String CLIENT_EMAIL = "lethe-sandbox@lethe-sandbox.iam.gserviceaccount.com";
    public static final int DAILY_QUOTA = 500;
    private static final String GOOGLE_TOKEN_AUDIENCE = "https://oauth2.googleapis.com/token";
    private static final String UPSERT = "/analytics/v3/userDeletion/userDeletionRequests:upsert";
    private static final ZoneId PACIFIC = ZoneId.of("America/Los_Angeles");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PublicKey accountKey;
    private final KeyPair generated; // the demo's own key pair (null when a test gives the public key)
    private final String clientEmail;
    private final String propertyId;
    private final Clock clock;
    private final int dailyQuota;
    private final SandboxRateLimit rate;
    private final Map<String, Long> tokens = new ConcurrentHashMap<>();
    private final Set<String> users = ConcurrentHashMap.newKeySet();
    private final Set<String> deletionRequested = ConcurrentHashMap.newKeySet();
    private final Map<LocalDate, Integer> usedByDay = new HashMap<>();
    private volatile int tokensIssued;

    /** The demo's GA4, with a service-account key pair of its own ({@link #serviceAccountKeyJson(String)}). */
    public Ga4Behaviour() {
        this(generateKeyPair(), Clock.systemUTC(), DAILY_QUOTA);
    }

    private Ga4Behaviour(KeyPair pair, Clock clock, int dailyQuota) {
        this(pair.getPublic(), pair, CLIENT_EMAIL, PROPERTY_ID, clock, dailyQuota);
    }

    /** A GA4 that trusts the service account whose public key is given (tests generate the key pair). */
    public Ga4Behaviour(PublicKey accountKey, String clientEmail, String propertyId, Clock clock, int dailyQuota) {
        this(accountKey, null, clientEmail, propertyId, clock, dailyQuota);
    }

    private Ga4Behaviour(PublicKey accountKey, KeyPair generated, String clientEmail, String propertyId, Clock clock,
            int dailyQuota) {
        this.accountKey = accountKey;
        this.generated = generated;
        this.clientEmail = clientEmail;
        this.propertyId = propertyId;
        this.clock = clock;
        this.dailyQuota = dailyQuota;
        this.rate = new SandboxRateLimit(3, 2_000, clock); // 1.5 queries a second
    }

    @Override
    public String vendor() {
        return "ga4";
    }

    /** Access tokens issued so far (the signer caches its token: this stays 1 for a short test). */
    public int tokensIssued() {
        return tokensIssued;
    }

    /** User ids whose deletion was requested. */
    public Set<String> deletionRequested() {
        return Set.copyOf(deletionRequested);
    }

    /**
     * The demo's and the contract test's settings: a key file of this sandbox's own service account (written to a
     * temporary file, deleted at exit) whose token_uri is this sandbox.
     */
    @Override
    public Map<String, String> hubSettings(String baseUrl) {
        try {
            java.nio.file.Path file = java.nio.file.Files.createTempFile("lethe-ga4-sandbox-", ".json");
            file.toFile().deleteOnExit();
            java.nio.file.Files.writeString(file, serviceAccountKeyJson(baseUrl + "/token"));
            return Map.of("lethe.ga4.base-url", baseUrl, "lethe.ga4.property-id", propertyId,
                    "lethe.ga4.service-account-file", file.toString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public void seed(String email, String externalId) {
        if (externalId != null) {
            users.add(externalId);
        }
    }

    @Override
    public SandboxResponse handle(SandboxRequest r) {
        if (r.method().equals("POST") && r.path().equals("/token")) {
            return token(r);
        }
        if (r.method().equals("POST") && r.path().equals(UPSERT)) {
            return upsert(r);
        }
        return googleError(404, "NOT_FOUND", "notFound", "Not Found");
    }

    private SandboxResponse token(SandboxRequest r) {
        String type = r.header("Content-Type");
        if (type == null || !type.split(";")[0].trim().equals("application/x-www-form-urlencoded")) {
            return oauthError("invalid_request", "Content-Type must be application/x-www-form-urlencoded");
        }
        Map<String, String> form = form(r.bodyText());
        if (!"urn:ietf:params:oauth:grant-type:jwt-bearer".equals(form.get("grant_type"))) {
            return oauthError("unsupported_grant_type", "Invalid grant_type");
        }
        String assertion = form.get("assertion");
        String[] parts = assertion == null ? new String[0] : assertion.split("\\.");
        if (parts.length != 3) {
            return oauthError("invalid_grant", "Invalid JWT: malformed assertion");
        }
        try {
            JsonNode header = JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
            JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
            if (!"RS256".equals(header.path("alg").asText())) {
                return oauthError("invalid_grant", "Invalid JWT: alg must be RS256");
            }
            Signature verifier = Signature.getInstance("SHA256withRSA");
            verifier.initVerify(accountKey);
            verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!verifier.verify(Base64.getUrlDecoder().decode(parts[2]))) {
                return oauthError("invalid_grant", "Invalid JWT Signature.");
            }
            // Google's token endpoint requires aud = https://oauth2.googleapis.com/token (google-auth-library sends
            // it whatever token_uri says); this sandbox's own address is accepted too
            String audience = claims.path("aud").asText();
            boolean audienceOk = audience.equals(GOOGLE_TOKEN_AUDIENCE) || audience.equals("http://" + r.header("Host") + "/token");
            long now = clock.instant().getEpochSecond();
            long iat = claims.path("iat").asLong();
            long exp = claims.path("exp").asLong();
            if (!clientEmail.equals(claims.path("iss").asText())) {
                return oauthError("invalid_grant", "Invalid JWT: iss is not a known service account");
            }
            if (!audienceOk) {
                return oauthError("invalid_grant", "Invalid JWT: aud must be the token endpoint");
            }
            if (exp <= now || iat > now + 300 || exp - iat > 3600) {
                return oauthError("invalid_grant", "Invalid JWT: Token must be a short-lived token (60 minutes)"
                        + " and in a reasonable timeframe.");
            }
            if (!Set.of(claims.path("scope").asText().split(" ")).contains(SCOPE)) {
                return oauthError("invalid_scope", "The scope does not allow user deletion");
            }
        } catch (GeneralSecurityException | java.io.IOException | IllegalArgumentException e) {
            return oauthError("invalid_grant", "Invalid JWT");
        }
        String token = "ya29.sandbox-" + UUID.randomUUID();
        tokens.put(token, clock.millis() + 3_600_000L);
        tokensIssued++;
        return SandboxResponse.json(200, JSON.createObjectNode().put("access_token", token).put("expires_in", 3599)
                .put("token_type", "Bearer").toString());
    }

    private SandboxResponse upsert(SandboxRequest r) {
        String auth = r.header("Authorization");
        Long expires = auth != null && auth.startsWith("Bearer ") ? tokens.get(auth.substring(7)) : null;
        if (expires == null || expires < clock.millis()) {
            return googleError(401, "UNAUTHENTICATED", "authError", "Request had invalid authentication credentials.")
                    .withHeader("WWW-Authenticate", "Bearer realm=\"https://accounts.google.com/\"");
        }
        String type = r.header("Content-Type");
        if (type == null || !type.split(";")[0].trim().equals("application/json")) {
            return googleError(400, "INVALID_ARGUMENT", "parseError", "Content-Type must be application/json");
        }
        if (!rate.tryAcquire()) {
            return googleError(429, "RESOURCE_EXHAUSTED", "rateLimitExceeded",
                    "Quota exceeded for quota metric 'Queries per second per property'");
        }
        JsonNode body;
        try {
            body = JSON.readTree(r.bodyText());
        } catch (Exception e) {
            return googleError(400, "INVALID_ARGUMENT", "parseError", "Invalid JSON payload received.");
        }
        String idType = body.path("id").path("type").asText(null);
        String userId = body.path("id").path("userId").asText(null);
        if (!Set.of("CLIENT_ID", "USER_ID", "APP_INSTANCE_ID").contains(String.valueOf(idType))) {
            return googleError(400, "INVALID_ARGUMENT", "invalidParameter", "id.type is required");
        }
        if (userId == null || userId.isEmpty()) {
            return googleError(400, "INVALID_ARGUMENT", "required", "id.userId is required");
        }
        if (!body.path("propertyId").isTextual()) {
            return googleError(400, "INVALID_ARGUMENT", "required", "propertyId is required for a GA4 property");
        }
        if (!propertyId.equals(body.path("propertyId").asText())) {
            return googleError(403, "PERMISSION_DENIED", "insufficientPermissions",
                    "User does not have sufficient permissions for this property.");
        }
        LocalDate day = LocalDate.ofInstant(clock.instant(), PACIFIC);
        synchronized (usedByDay) {
            int used = usedByDay.getOrDefault(day, 0);
            if (used >= dailyQuota) {
                return googleError(403, "PERMISSION_DENIED", "dailyLimitExceeded",
                        "Quota Error: The daily request quota of the User Deletion API has been exceeded.");
            }
            usedByDay.put(day, used + 1);
        }
        users.remove(userId);
        deletionRequested.add(userId);
        ObjectNode answer = ((ObjectNode) body.deepCopy()).put("kind", "analytics#userDeletionRequest")
                .put("deletionRequestTime", clock.instant().toString());
        return SandboxResponse.json(200, answer.toString());
    }

    /**
     * The demo's service-account key file (JSON as Google issues it) whose {@code token_uri} is this sandbox's token
     * endpoint. Holds a private key: written under the demo's data directory only.
     */
    public String serviceAccountKeyJson(String tokenUri) {
        if (generated == null) {
            throw new IllegalStateException("this GA4 trusts a key given by the test; the test holds its key file");
        }
        return serviceAccountKeyJson(generated, clientEmail, tokenUri);
    }

    /** A Google service-account key file for a key pair (tests and the demo). */
    public static String serviceAccountKeyJson(KeyPair pair, String clientEmail, String tokenUri) {
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(pair.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        return JSON.createObjectNode().put("type", "service_account").put("project_id", "lethe-sandbox")
                .put("private_key_id", "sandbox-key-1").put("private_key", pem).put("client_email", clientEmail)
                .put("client_id", "100000000000000000001").put("auth_uri", "https://accounts.google.com/o/oauth2/auth")
                .put("token_uri", tokenUri).toString();
    }

    public static KeyPair generateKeyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> form(String body) {
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return form;
    }

    private static SandboxResponse oauthError(String error, String description) {
        return SandboxResponse.json(400, JSON.createObjectNode().put("error", error)
                .put("error_description", description).toString());
    }

    private static SandboxResponse googleError(int code, String status, String reason, String message) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode error = body.putObject("error").put("code", code).put("message", message).put("status", status);
        error.putArray("errors").addObject().put("message", message).put("domain", code == 403 || code == 429
                ? "usageLimits" : "global").put("reason", reason);
        return SandboxResponse.json(code, body.toString());
    }

    @Override
    public Map<String, Object> state() {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("users", users.size());
        state.put("deletionRequests", deletionRequested.size());
        state.put("tokensIssued", tokensIssued);
        return state;
    }
}
