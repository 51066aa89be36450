package io.lethe.api;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Scheduler;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Abuse limits of the API, token buckets (bucket4j) refilled per minute:
 * <ul>
 *   <li>failed API keys per client address: once its bucket is empty the address gets 429 for every request,
 *       before any key is compared, until a token is back;</li>
 *   <li>subject look-ups and request filings per API key name and per client address.</li>
 * </ul>
 * Buckets live in bounded caches (Caffeine: at most {@code maxTracked} each, idle ones dropped after two minutes), so
 * a flood of addresses cannot grow memory. Refusals are logged once per burst: a WARN at the first one, then, when a
 * minute has passed, one line with the count; never the key, never more of an address than its network.
 */
public final class RateLimits {

    private static final Logger LOG = LoggerFactory.getLogger(RateLimits.class);
    private static final Duration MINUTE = Duration.ofMinutes(1);
    /** A bucket idle this long is full again anyway: dropping it changes nothing. */
    private static final Duration IDLE = Duration.ofMinutes(2);

    /** The operations limited per key and address, and their limit per minute (0: unlimited). */
    private final Map<String, Integer> operationLimits;
    private final int failedAuthPerMinute;
    private final TrustedProxies proxies;
    private final TimeMeter time;
    private final Cache<String, Bucket> buckets;
    private final Cache<String, Burst> bursts;

    /**
     * @param failedAuthPerMinute failed API keys allowed per client address and minute (0: unlimited)
     * @param operationLimits operationId → requests per minute, per API key name and per client address
     */
    public RateLimits(int failedAuthPerMinute, Map<String, Integer> operationLimits, int maxTracked,
            TrustedProxies proxies) {
        this(failedAuthPerMinute, operationLimits, maxTracked, proxies, System::nanoTime);
    }

    /** With the clock that buckets and bursts read ({@code nanos}: a monotonic nanosecond count). */
    RateLimits(int failedAuthPerMinute, Map<String, Integer> operationLimits, int maxTracked, TrustedProxies proxies,
            LongSupplier nanos) {
        this.failedAuthPerMinute = failedAuthPerMinute;
        this.proxies = proxies;
        this.operationLimits = Map.copyOf(operationLimits);
        this.time = new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                return nanos.getAsLong();
            }

            @Override
            public boolean isWallClockBased() {
                return false;
            }
        };
        this.buckets = Caffeine.newBuilder().maximumSize(maxTracked).expireAfterAccess(IDLE).ticker(nanos::getAsLong)
                .build();
        this.bursts = Caffeine.newBuilder().maximumSize(maxTracked).expireAfterWrite(MINUTE).ticker(nanos::getAsLong)
                .scheduler(Scheduler.systemScheduler()).removalListener(RateLimits::summarise).build();
    }

    /** Runs pending evictions now (and so the summaries of bursts that are over); Caffeine also does it by itself. */
    void cleanUp() {
        buckets.cleanUp();
        bursts.cleanUp();
    }

    /** No limits at all. */
    public static RateLimits off() {
        return new RateLimits(0, Map.of(), 1, TrustedProxies.parse(""));
    }

    /** Who sent a request seen at the HTTP edge, before Camel (see {@link ClientAddress}). */
    public ClientAddress client(String peerAddress, java.util.List<String> forwardedFor) {
        return ClientAddress.of(peerAddress, forwardedFor, proxies);
    }

    /** Who sent this request (see {@link ClientAddress}). */
    public ClientAddress client(org.apache.camel.Message in) {
        return ClientAddress.of(in, proxies);
    }

    /** Before the key is checked: an address that failed too often is refused, whatever key it sends now. */
    public void beforeAuthentication(ClientAddress client) {
        if (failedAuthPerMinute <= 0) {
            return;
        }
        Bucket bucket = buckets.getIfPresent("auth|" + client.bucketKey());
        if (bucket != null && bucket.getAvailableTokens() < 1) {
            long wait = bucket.estimateAbilityToConsume(1).getNanosToWaitForRefill();
            refused("auth|" + client.network(), "API key refused for clients of " + client.network());
            throw new TooManyRequests("Too many failed API keys from this address; try again later.", seconds(wait));
        }
    }

    /** A key was refused: counts against the address, and is logged once per burst. */
    public void authenticationFailed(ClientAddress client) {
        refused("auth|" + client.network(), "API key refused for clients of " + client.network());
        if (failedAuthPerMinute > 0) {
            bucket("auth|" + client.bucketKey(), failedAuthPerMinute).tryConsume(1);
        }
    }

    /** An authenticated call: limited operations take a token from the key's bucket and from the address's. */
    public void beforeOperation(String operationId, Principal principal, ClientAddress client) {
        int perMinute = operationLimits.getOrDefault(operationId, 0);
        if (perMinute <= 0) {
            return;
        }
        Bucket byKey = bucket(operationId + "|key|" + principal.keyName(), perMinute);
        ConsumptionProbe key = byKey.tryConsumeAndReturnRemaining(1);
        if (!key.isConsumed()) {
            refused(operationId + "|key|" + principal.keyName(), operationId + " over its limit for API key "
                    + principal.keyName());
            throw tooMany(operationId, perMinute, "API key", key.getNanosToWaitForRefill());
        }
        ConsumptionProbe address = bucket(operationId + "|ip|" + client.bucketKey(), perMinute)
                .tryConsumeAndReturnRemaining(1);
        if (!address.isConsumed()) {
            byKey.addTokens(1); // the call does not happen: it does not count against the key either
            refused(operationId + "|ip|" + client.network(), operationId + " over its limit for clients of "
                    + client.network());
            throw tooMany(operationId, perMinute, "address", address.getNanosToWaitForRefill());
        }
    }

    private static TooManyRequests tooMany(String operationId, int perMinute, String per, long nanos) {
        return new TooManyRequests(operationId + " is limited to " + perMinute + " calls a minute per " + per
                + "; try again later.", seconds(nanos));
    }

    private Bucket bucket(String name, int perMinute) {
        return buckets.get(name, n -> Bucket.builder().withCustomTimePrecision(time).addLimit(Bandwidth.builder()
                .capacity(perMinute).refillGreedy(perMinute, MINUTE).build()).build());
    }

    private void refused(String burstKey, String what) {
        Burst burst = bursts.get(burstKey, k -> new Burst(what));
        if (burst.count.incrementAndGet() == 1) {
            LOG.warn("{} (further refusals are counted for a minute)", what);
        }
    }

    private static void summarise(String key, Burst burst, RemovalCause cause) {
        if (burst != null && burst.count.get() > 1) {
            LOG.warn("{}: {} times in the last minute", burst.what, burst.count.get());
        }
    }

    private static long seconds(long nanos) {
        return Math.max(1, TimeUnit.NANOSECONDS.toSeconds(nanos + 999_999_999L));
    }

    /** Refusals of one kind from one key or network since the first of them. */
    private static final class Burst {
        final String what;
        final AtomicLong count = new AtomicLong();

        Burst(String what) {
            this.what = what;
        }
    }
}
