package io.lethe.console;

import org.apache.camel.Exchange;

/** {@code GET /console/overview}: what needs attention, at a glance. */
public final class OverviewPage {

    /** The overview's view. */
    public record View(Frame frame) {
    }

    private final ConsoleView view;

    public OverviewPage(ConsoleView view) {
        this.view = view;
    }

    public void show(Exchange exchange) {
        view.page(exchange, 200, "overview", new View(Frame.of(exchange, "Overview", "/console/overview")));
    }
}
