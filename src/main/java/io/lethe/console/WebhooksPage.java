package io.lethe.console;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.lethe.events.Events;
import io.lethe.webhooks.Deliveries;
import io.lethe.webhooks.Subscription;
import io.lethe.webhooks.Subscriptions;
import io.lethe.webhooks.TargetGuard;
import org.apache.camel.Exchange;

/**
 * Webhooks (admin): the subscriptions with their delivery counts, one subscription's recent and failed deliveries,
 * a form to create one and a delete button per subscription. The same classes as the API ({@code WebhooksApi}).
 * Creating answers 303 to the page (a reload never creates a second subscription); the new secret waits server-side
 * for that session's next view of the page, is shown there once and dropped (unshown, after {@link #SHOWN_WITHIN}).
 */
public final class WebhooksPage {

    /** A subscription with its counts per delivery status. */
    public record Item(Subscription subscription, Map<String, Long> counts) {
        public long count(String status) {
            return counts.getOrDefault(status, 0L);
        }
    }

    public record View(Frame frame, List<Item> subscriptions, String selected, List<Deliveries.Row> recent,
            List<Deliveries.Row> failed, String createdId, String secret, String done, List<String> types) {
    }

    /** A created subscription's secret, waiting for its creator's next page view. */
    private record Unshown(String subscriptionId, String secret, Instant createdAt) {
    }

    static final Duration SHOWN_WITHIN = Duration.ofMinutes(5);

    /** Console session id → the secret it has yet to see (one at a time; a newer creation replaces it). */
    private final Map<String, Unshown> unshown = new ConcurrentHashMap<>();
    private final Subscriptions subscriptions;
    private final Deliveries deliveries;
    private final TargetGuard guard;
    private final ConsoleView view;

    public WebhooksPage(Subscriptions subscriptions, Deliveries deliveries, TargetGuard guard, ConsoleView view) {
        this.subscriptions = subscriptions;
        this.deliveries = deliveries;
        this.guard = guard;
        this.view = view;
    }

    public void show(Exchange exchange) {
        Params p = Params.of(exchange);
        String selected = p.id("subscription", "Subscription");
        String done = p.code("done", "Done");
        Unshown once = unshown.remove(ConsoleGuard.session(exchange).id());
        if (once != null && "created".equals(done) && fresh(once)) {
            render(exchange, once.subscriptionId(), once.subscriptionId(), once.secret(), done);
            return;
        }
        render(exchange, selected, null, null, done);
    }

    public void create(Exchange exchange) {
        Form form = Form.of(exchange);
        String url = form.get("url");
        if (url == null || url.length() > 2048) {
            throw ConsoleRefusal.invalid("A subscription needs the receiver's URL (at most 2048 characters).");
        }
        guard.refusal(url).ifPresent(why -> {
            throw ConsoleRefusal.invalid("The URL " + why + ".");
        });
        List<String> types = new ArrayList<>();
        for (String t : Events.TYPES) {
            if (form.get("type." + t) != null) {
                types.add(t);
            }
        }
        if (types.isEmpty()) {
            throw ConsoleRefusal.invalid("Choose at least one event type.");
        }
        boolean identities = form.get("includeIdentities") != null;
        Frame frame = Frame.of(exchange, "Webhooks", "/console/webhooks");
        Subscriptions.Created created = subscriptions.create(url, types, identities, frame.keyName());
        unshown.values().removeIf(u -> !fresh(u));
        String id = created.subscription().id();
        unshown.put(ConsoleGuard.session(exchange).id(), new Unshown(id, created.secret(), Instant.now()));
        ConsoleView.redirect(exchange.getMessage(), "/console/webhooks?subscription=" + id + "&done=created");
    }

    private static boolean fresh(Unshown u) {
        return u.createdAt().plus(SHOWN_WITHIN).isAfter(Instant.now());
    }

    public void delete(Exchange exchange) {
        String id = exchange.getMessage().getHeader("subscriptionId", String.class);
        if (id == null || !id.matches("[0-9a-f-]{36}") || !subscriptions.delete(id)) {
            throw ConsoleRefusal.notFound("No active subscription has that id.");
        }
        ConsoleView.redirect(exchange.getMessage(), "/console/webhooks?done=deleted");
    }

    private void render(Exchange exchange, String selected, String createdId, String secret, String done) {
        Map<String, Map<String, Long>> counts = deliveries.counts();
        List<Item> items = subscriptions.list(false).stream()
                .map(s -> new Item(s, counts.getOrDefault(s.id(), Map.of()))).toList();
        String chosen = selected != null && items.stream().anyMatch(i -> i.subscription().id().equals(selected))
                ? selected : items.isEmpty() ? null : items.get(0).subscription().id();
        List<Deliveries.Row> recent = chosen == null ? List.of() : deliveries.recent(chosen, null, 50);
        List<Deliveries.Row> failed = chosen == null ? List.of() : deliveries.recent(chosen, "failed", 50);
        view.page(exchange, 200, "webhooks", new View(Frame.of(exchange, "Webhooks", "/console/webhooks"), items,
                chosen, recent, failed, createdId, secret, done, Events.TYPES));
    }
}
