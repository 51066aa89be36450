package io.lethe.demo;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import io.lethe.demo.sandbox.Behaviours;
import io.lethe.demo.sandbox.SandboxServer;
import io.lethe.demo.sandbox.VendorBehaviour;

/**
 * The demo's vendors: one {@link SandboxServer} per behaviour of {@link Behaviours#all()}, each seeded with the
 * demo's people, and the hub settings that
 * point the connectors at them.
 */
final class DemoVendors implements AutoCloseable {

    /** Fixed ports of the vendors the README names; any other sandbox gets the next one from 18084. */
    static final Map<String, Integer> PORTS = Map.of("hubspot", 18081, "mailchimp", 18082, "salesforce", 18083);

    final Map<String, SandboxServer> sandboxes = new LinkedHashMap<>();
    /** lethe.* settings, lethe.connectors included. */
    final Map<String, String> properties = new LinkedHashMap<>();
    /** Each vendor's base URL (its state at {@code /_sandbox/state}). */
    final Map<String, String> urls = new LinkedHashMap<>();

    private DemoVendors() {
    }

    /** With {@code fixedPorts} false every sandbox takes a free port (tests). */
    static DemoVendors start(boolean fixedPorts, List<String> seed) throws IOException {
        DemoVendors v = new DemoVendors();
        int next = 18084;
        for (Map.Entry<String, Supplier<VendorBehaviour>> e : Behaviours.all().entrySet()) {
            VendorBehaviour behaviour = e.getValue().get();
            // analytics tools know people by the subject's externalId: the demo's is the address's local part
            seed.forEach(email -> behaviour.seed(email, email.substring(0, email.indexOf('@'))));
            int port = fixedPorts ? PORTS.getOrDefault(e.getKey(), next++) : 0;
            SandboxServer server = SandboxServer.start(behaviour, port);
            v.properties.putAll(behaviour.hubSettings(server.baseUrl()));
            v.sandboxes.put(e.getKey(), server);
            v.urls.put(e.getKey(), server.baseUrl());
        }
        v.properties.put("lethe.connectors", String.join(",", v.urls.keySet()));
        return v;
    }

    @Override
    public void close() {
        sandboxes.values().forEach(SandboxServer::close);
    }
}
