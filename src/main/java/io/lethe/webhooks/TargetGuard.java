package io.lethe.webhooks;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * Where a subscription may point: {@code https://} to a public address. The hub would otherwise be an open proxy
 * into its own network (SSRF): loopback, private (10/8, 172.16/12, 192.168/16, fc00::/7), link-local (169.254/16 with
 * the cloud metadata address, fe80::/10), carrier-grade NAT (100.64/10), unspecified and multicast targets are
 * refused. {@code allowLoopback} (lethe.events.webhooks.allow-loopback, for tests and demos) admits loopback targets
 * only, and then plain {@code http://} to them too. Checked when a subscription is created and again before every
 * delivery (a name can resolve elsewhere later).
 */
public final class TargetGuard {

    private final boolean allowLoopback;

    public TargetGuard(boolean allowLoopback) {
        this.allowLoopback = allowLoopback;
    }

    /** Why this URL may not be a target, or empty when it may. */
    public Optional<String> refusal(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (java.net.URISyntaxException e) {
            return Optional.of("is not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
        if (!scheme.equals("https") && !scheme.equals("http")) {
            return Optional.of("must be an https:// URL");
        }
        if (uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
            return Optional.of("must be https://host[:port]/path, without user info or fragment");
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(uri.getHost());
        } catch (UnknownHostException e) {
            return Optional.of("names a host that does not resolve");
        }
        boolean allLoopback = true;
        for (InetAddress a : addresses) {
            boolean loopback = a.isLoopbackAddress();
            allLoopback &= loopback;
            if (loopback ? !allowLoopback : isInternal(a)) {
                return Optional.of("points into a private, loopback or link-local network");
            }
        }
        if (scheme.equals("http") && !(allowLoopback && allLoopback)) {
            return Optional.of("must be an https:// URL");
        }
        return Optional.empty();
    }

    static boolean isInternal(InetAddress a) {
        if (a.isLoopbackAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress()
                || a.isMulticastAddress()) {
            return true;
        }
        byte[] b = a.getAddress();
        if (b.length == 4) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            return first == 0 || (first == 100 && second >= 64 && second < 128) || first >= 240;
        }
        return (b[0] & 0xfe) == 0xfc; // IPv6 unique local fc00::/7
    }
}
