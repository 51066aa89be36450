package io.lethe.webhooks;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;

/**
 * Where a subscription may point: {@code https://} to a public address. The hub would otherwise be an open proxy
 * into its own network (SSRF). Refused: loopback (127/8, ::1), "this network" 0/8 and ::, private (10/8, 172.16/12,
 * 192.168/16, fc00::/7), link-local (169.254/16 with the cloud metadata address, fe80::/10, fec0::/10), carrier-grade
 * NAT 100.64/10, IETF protocol assignments 192.0.0/24, benchmarking 198.18/15, reserved 240/4 with the broadcast
 * address, multicast (224/4, ff00::/8), local-use NAT64 64:ff9b:1::/48 and Teredo 2001::/32. IPv6 forms that carry an
 * IPv4 address (IPv4-mapped ::ffff:a.b.c.d, IPv4-compatible ::a.b.c.d, NAT64 64:ff9b::/96, 6to4 2002::/16) are judged
 * by that address. {@code allowLoopback} (lethe.events.webhooks.allow-loopback, for tests and demos) admits loopback
 * targets only, and then plain {@code http://} to them too. Checked when a subscription is created, and for every
 * address the delivery's connection may use ({@link GuardedDnsResolver}: the addresses are checked when the
 * connection resolves them, so a name that resolves elsewhere later, DNS rebinding, gets nowhere).
 */
public final class TargetGuard {

    static final String INTERNAL = "points into a private, loopback or link-local network";

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
        for (InetAddress a : addresses) {
            if (!allowed(a)) {
                return Optional.of(INTERNAL);
            }
        }
        boolean allLoopback = Arrays.stream(addresses).allMatch(InetAddress::isLoopbackAddress);
        if (scheme.equals("http") && !(allowLoopback && allLoopback)) {
            return Optional.of("must be an https:// URL");
        }
        return Optional.empty();
    }

    /** Whether a delivery may connect to this address (loopback only with the test setting). */
    public boolean allowed(InetAddress a) {
        return a.isLoopbackAddress() ? allowLoopback : !isInternal(a);
    }

    static boolean isInternal(InetAddress a) {
        if (a.isLoopbackAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress()
                || a.isMulticastAddress()) {
            return true;
        }
        byte[] b = a.getAddress();
        return b.length == 4 ? internalV4(b, 0) : internalV6(b);
    }

    private static boolean internalV4(byte[] b, int at) {
        int first = b[at] & 0xff;
        int second = b[at + 1] & 0xff;
        int third = b[at + 2] & 0xff;
        return first == 0 || first == 10 || first == 127 || first >= 224 // 224/4 multicast, 240/4 reserved, broadcast
                || (first == 100 && second >= 64 && second < 128) // carrier-grade NAT
                || (first == 169 && second == 254) || (first == 172 && second >= 16 && second < 32)
                || (first == 192 && second == 168) || (first == 192 && second == 0 && third == 0)
                || (first == 198 && (second == 18 || second == 19)); // benchmarking
    }

    private static boolean internalV6(byte[] b) {
        int w0 = word(b, 0);
        int w1 = word(b, 2);
        if ((w0 & 0xfe00) == 0xfc00 || (w0 & 0xffc0) == 0xfe80 || (w0 & 0xffc0) == 0xfec0 || (w0 & 0xff00) == 0xff00) {
            return true; // unique local, link-local, site-local, multicast
        }
        if (w0 == 0x0064 && w1 == 0xff9b) {
            boolean wellKnown = Arrays.equals(b, 4, 12, new byte[8], 0, 8);
            return !wellKnown || internalV4(b, 12); // 64:ff9b:1::/48 is local use; 64:ff9b::/96 embeds a.b.c.d
        }
        if (w0 == 0x2002) {
            return internalV4(b, 2); // 6to4 embeds the IPv4 address after the prefix
        }
        if (w0 == 0x2001 && w1 == 0) {
            return true; // Teredo: the (obfuscated) IPv4 address is not worth the trust
        }
        boolean zero10 = Arrays.equals(b, 0, 10, new byte[10], 0, 10);
        int w5 = word(b, 10);
        if (zero10 && (w5 == 0xffff || w5 == 0)) {
            return internalV4(b, 12); // IPv4-mapped ::ffff:a.b.c.d, IPv4-compatible ::a.b.c.d
        }
        return false;
    }

    private static int word(byte[] b, int at) {
        return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
    }
}
