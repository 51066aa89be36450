package io.lethe.connectors.engine;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import com.jayway.jsonpath.DocumentContext;
import io.lethe.connectors.Connector;
import io.lethe.connectors.ConnectorDescriptor.Operation;
import io.lethe.connectors.ConnectorDescriptor.Pagination;
import io.lethe.connectors.Target;
import io.lethe.connectors.VendorException;

/**
 * Follows an operation's {@code pagination} (cursor, offset + total, next URL), one call per page, each page's items
 * handed on before the next is fetched. A next URL must stay on the vendor's host; every next URL an answer names is
 * followed (one answer may hold several queries, each with its own next page), one after the other.
 */
final class Pages {

    private Pages() {
    }

    static void read(ConnectorEngine engine, VendorCalls calls, Connector connector, Operation op,
            Map<String, Object> scope, boolean incremental, List<Target> targets, Consumer<List<Object>> items) {
        Pagination p = op.pagination();
        String cursor = null;
        int offset = 0;
        String nextUrl = null;
        // next URLs still to read: an answer holding several queries (Salesforce Composite) may name one per query
        java.util.ArrayDeque<String> nextUrls = new java.util.ArrayDeque<>();
        while (true) {
            scope.put("page", new java.util.HashMap<>(Map.of("offset", offset, "size", p == null ? 0 : p.size())));
            if (cursor != null) {
                ((Map<String, Object>) scope.get("page")).put("cursor", cursor);
            }
            VendorCall call = CallBuilder.build(connector, op, scope, incremental ? op.incrementalQuery() : Map.of(),
                    incremental ? op.incrementalBody() : Map.of());
            if (nextUrl != null) {
                call = new VendorCall(call.connectorId(), call.operation(), "GET", nextUrl, call.headers(), null);
            }
            VendorCalls.Result r = calls.call(connector, op, call, targets);
            if (r.notFound()) {
                return;
            }
            DocumentContext doc = JsonPaths.parse(r.answer().body());
            List<Object> page = JsonPaths.all(doc, op.response().items());
            items.accept(page);
            if (p == null) {
                return;
            }
            switch (p.type()) {
                case "cursor" -> {
                    cursor = JsonPaths.first(doc, p.next());
                    if (cursor == null || cursor.isBlank()) {
                        return;
                    }
                }
                case "offset" -> {
                    offset += page.size();
                    String total = JsonPaths.first(doc, p.total());
                    if (page.isEmpty() || (total != null && offset >= Long.parseLong(total))) {
                        return;
                    }
                }
                default -> {
                    for (String next : JsonPaths.texts(doc, p.next())) {
                        if (next != null && !next.isBlank() && !next.equals("null")) {
                            nextUrls.add(sameHost(call.url(), next));
                        }
                    }
                    nextUrl = nextUrls.poll();
                    if (nextUrl == null) {
                        return;
                    }
                }
            }
        }
    }

    private static String sameHost(String current, String next) {
        URI base = URI.create(current);
        URI resolved = base.resolve(next);
        if (!resolved.getScheme().equals(base.getScheme()) || !resolved.getRawAuthority().equals(base.getRawAuthority())) {
            throw new VendorException.Permanent("the vendor's next page points to another host; not followed", null);
        }
        return resolved.toString();
    }
}
