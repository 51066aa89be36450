package io.lethe.webhooks;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;

import org.apache.hc.client5.http.DnsResolver;

/**
 * The webhook client's name resolution: resolves once, keeps only the addresses {@link TargetGuard} allows, and the
 * connection uses exactly those (pinned). Checking a name and letting the client resolve it again would let a
 * hostile DNS server answer a public address to the check and a private one to the connection (DNS rebinding).
 * IP literals pass through here too.
 */
final class GuardedDnsResolver implements DnsResolver {

    private final TargetGuard guard;
    private final DnsResolver delegate;

    GuardedDnsResolver(TargetGuard guard, DnsResolver delegate) {
        this.guard = guard;
        this.delegate = delegate;
    }

    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        InetAddress[] allowed = Arrays.stream(delegate.resolve(host)).filter(guard::allowed).toArray(InetAddress[]::new);
        if (allowed.length == 0) {
            throw new TargetRefusedException();
        }
        return allowed;
    }

    @Override
    public List<InetSocketAddress> resolve(String host, int port) throws UnknownHostException {
        return Arrays.stream(resolve(host)).map(a -> new InetSocketAddress(a, port)).toList();
    }

    @Override
    public String resolveCanonicalHostname(String host) throws UnknownHostException {
        return delegate.resolveCanonicalHostname(host);
    }

    /** No address of the receiver's host may be connected to (the delivery's error names this class). */
    static final class TargetRefusedException extends UnknownHostException {
        TargetRefusedException() {
            super("the receiver's host " + TargetGuard.INTERNAL);
        }
    }
}
