package io.lethe.api;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

import io.vertx.core.net.SocketAddress;
import org.apache.camel.Message;

/**
 * Where a request comes from, for abuse limits: the socket's peer, or, when that peer is a proxy listed in
 * {@code LETHE_TRUSTED_PROXIES}, the right-most address of {@code X-Forwarded-For} that is not such a proxy. Any
 * other sender's {@code X-Forwarded-For} is ignored: a client could write anything there.
 * <p>
 * An IP address is personal data: logs get only its network ({@link #network()}: IPv4 /24, IPv6 /48).
 * IPv6 clients are limited per /64, the block one subscriber usually holds.
 */
public record ClientAddress(byte[] bytes) {

    static final String REMOTE_ADDRESS = "CamelVertxPlatformHttpRemoteAddress";
    static final ClientAddress UNKNOWN = new ClientAddress(new byte[4]);

    /** The address the limits count against. */
    public String bucketKey() {
        return bytes.length == 4 ? format(bytes, 32) : format(bytes, 64);
    }

    /** The address as logs may show it. */
    public String network() {
        return bytes.length == 4 ? format(bytes, 24) : format(bytes, 48);
    }

    /** The client of this request. */
    public static ClientAddress of(Message in, TrustedProxies proxies) {
        Object remote = in.getHeader(REMOTE_ADDRESS);
        List<String> forwarded = new ArrayList<>();
        for (Object header : in.getHeader("X-Forwarded-For") instanceof List<?> l ? l : List.of(String.valueOf(
                in.getHeader("X-Forwarded-For", "", String.class)))) {
            forwarded.add(String.valueOf(header));
        }
        return of(remote instanceof SocketAddress s ? s.hostAddress() : null, forwarded, proxies);
    }

    /**
     * The client behind a socket peer and its {@code X-Forwarded-For} values: the peer, unless it is a trusted proxy;
     * then the right-most forwarded address that is not one.
     */
    public static ClientAddress of(String peerAddress, List<String> forwardedFor, TrustedProxies proxies) {
        ClientAddress peer = parse(peerAddress);
        if (peer == null) {
            return UNKNOWN;
        }
        if (!proxies.contains(peer)) {
            return peer;
        }
        List<String> hops = new ArrayList<>();
        for (String header : forwardedFor) {
            for (String hop : header.split(",")) {
                hops.add(hop.strip());
            }
        }
        for (int i = hops.size() - 1; i >= 0; i--) {
            ClientAddress hop = parse(hops.get(i));
            if (hop == null) {
                return peer; // a malformed hop: what lies left of it cannot be trusted
            }
            if (!proxies.contains(hop)) {
                return hop;
            }
        }
        return peer;
    }

    /** An IP literal, never a host name (that would be a DNS look-up); null when it is none. */
    static ClientAddress parse(String text) {
        String literal = text == null ? "" : text.strip();
        if (literal.startsWith("[") && literal.endsWith("]")) {
            literal = literal.substring(1, literal.length() - 1);
        }
        int zone = literal.indexOf('%');
        if (zone >= 0) {
            literal = literal.substring(0, zone);
        }
        if (literal.isEmpty() || !ConsentRequests.isIpLiteral(literal)) {
            return null;
        }
        try {
            InetAddress address = InetAddress.getByName(literal);
            byte[] raw = address.getAddress();
            if (address instanceof Inet6Address && isV4Mapped(raw)) {
                raw = java.util.Arrays.copyOfRange(raw, 12, 16);
            }
            return new ClientAddress(raw);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static boolean isV4Mapped(byte[] raw) {
        for (int i = 0; i < 10; i++) {
            if (raw[i] != 0) {
                return false;
            }
        }
        return raw[10] == (byte) 0xff && raw[11] == (byte) 0xff;
    }

    /** The first {@code bits} of the address, as text with its prefix length (a full address without). */
    private static String format(byte[] raw, int bits) {
        byte[] masked = new byte[raw.length];
        for (int i = 0; i < raw.length; i++) {
            int keep = Math.max(0, Math.min(8, bits - 8 * i));
            masked[i] = (byte) (raw[i] & (0xff << (8 - keep)));
        }
        try {
            String text = InetAddress.getByAddress(masked).getHostAddress();
            return bits == raw.length * 8 ? text : text + "/" + bits;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClientAddress other && java.util.Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return network();
    }
}
