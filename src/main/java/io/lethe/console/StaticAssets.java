package io.lethe.console;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import org.apache.camel.Exchange;

/**
 * {@code GET /console/static/{name}}: the console's committed assets (src/main/resources/console/static), served from
 * the jar. Only plain names of known types, so no path can leave that folder.
 */
public final class StaticAssets {

    private static final Pattern NAME = Pattern.compile("^[a-z0-9-]{1,64}\\.(css|svg|png)$");
    private static final Map<String, String> TYPES = Map.of("css", "text/css; charset=UTF-8", "svg", "image/svg+xml",
            "png", "image/png");

    private final Map<String, byte[]> cache = new ConcurrentHashMap<>();

    public void serve(Exchange exchange) {
        String name = exchange.getMessage().getHeader("name", String.class);
        byte[] bytes = name != null && NAME.matcher(name).matches() ? load(name) : null;
        var message = exchange.getMessage();
        message.removeHeaders("*", Exchange.HTTP_RESPONSE_CODE);
        if (bytes == null) {
            message.setHeader(Exchange.HTTP_RESPONSE_CODE, 404);
            message.setHeader(Exchange.CONTENT_TYPE, "text/plain; charset=UTF-8");
            message.setBody("not found");
            return;
        }
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        message.setHeader(Exchange.CONTENT_TYPE, TYPES.get(name.substring(name.lastIndexOf('.') + 1)));
        message.setHeader("X-Content-Type-Options", "nosniff");
        ConsoleView.responseHeader(message, "Cache-Control", "no-cache");
        message.setBody(bytes);
    }

    private byte[] load(String name) {
        return cache.computeIfAbsent(name, n -> {
            try (InputStream in = StaticAssets.class.getResourceAsStream("/console/static/" + n)) {
                return in == null ? null : in.readAllBytes();
            } catch (IOException e) {
                return null;
            }
        });
    }
}
