package io.lethe.api;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code LETHE_TRUSTED_PROXIES}: comma list of IP addresses or CIDR blocks (e.g. {@code 10.0.0.0/8, ::1}) of the
 * reverse proxies in front of the hub, whose {@code X-Forwarded-For} is believed. Empty: none is.
 */
public final class TrustedProxies {

    private final List<Block> blocks;

    private TrustedProxies(List<Block> blocks) {
        this.blocks = List.copyOf(blocks);
    }

    public static TrustedProxies parse(String spec) {
        List<Block> blocks = new ArrayList<>();
        for (String item : spec == null ? new String[0] : spec.split(",")) {
            String entry = item.strip();
            if (entry.isEmpty()) {
                continue;
            }
            int slash = entry.indexOf('/');
            ClientAddress address = ClientAddress.parse(slash < 0 ? entry : entry.substring(0, slash));
            int max = address == null ? 0 : address.bytes().length * 8;
            int bits;
            try {
                bits = slash < 0 ? max : Integer.parseInt(entry.substring(slash + 1));
            } catch (NumberFormatException e) {
                bits = -1;
            }
            if (address == null || bits < 0 || bits > max) {
                throw new IllegalArgumentException("LETHE_TRUSTED_PROXIES: '" + entry
                        + "' is not an IP address or CIDR block");
            }
            blocks.add(new Block(address.bytes(), bits));
        }
        return new TrustedProxies(blocks);
    }

    /** The socket peer (an IP literal) is one of the trusted proxies, whose forwarded headers are believed. */
    public boolean trusts(String peerAddress) {
        ClientAddress peer = ClientAddress.parse(peerAddress);
        return peer != null && contains(peer);
    }

    boolean contains(ClientAddress address) {
        return blocks.stream().anyMatch(b -> b.contains(address.bytes()));
    }

    private record Block(byte[] network, int bits) {
        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            for (int i = 0; i < address.length; i++) {
                int keep = Math.max(0, Math.min(8, bits - 8 * i));
                int mask = (0xff << (8 - keep)) & 0xff;
                if ((address[i] & mask) != (network[i] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }
}
