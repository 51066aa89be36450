package io.lethe.connectors.engine;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.lethe.connectors.Connector;
import io.lethe.connectors.ConnectorDescriptor.Operation;
import io.lethe.connectors.ConnectorDescriptor.Request;

/** Builds one {@link VendorCall} from an operation's request template and the call's scope. */
public final class CallBuilder {

    private CallBuilder() {
    }

    public static VendorCall build(Connector connector, Operation op, Map<String, Object> scope) {
        return build(connector, op, scope, Map.of());
    }

    /** {@code extraQuery}: parameters added for this call only (pagination, incremental runs). */
    public static VendorCall build(Connector connector, Operation op, Map<String, Object> scope,
            Map<String, JsonNode> extraQuery) {
        return build(connector, op, scope, extraQuery, Map.of());
    }

    /** {@code bodyFields}: top-level body fields that replace the request's own for this call (incremental runs). */
    public static VendorCall build(Connector connector, Operation op, Map<String, Object> scope,
            Map<String, JsonNode> extraQuery, Map<String, JsonNode> bodyFields) {
        Request req = op.request();
        String base = connector.resolve(connector.descriptor().client().baseUrl());
        String path = String.valueOf(Template.text(connector.resolve(req.path()), scope));
        StringBuilder url = new StringBuilder(path.startsWith("http") ? path : stripSlash(base) + path);
        Map<String, JsonNode> query = new LinkedHashMap<>(req.query());
        query.putAll(extraQuery);
        String sep = url.indexOf("?") < 0 ? "?" : "&";
        for (Map.Entry<String, JsonNode> q : query.entrySet()) {
            Object value = value(connector, q.getValue(), scope);
            if (value == null) {
                continue;
            }
            for (Object v : value instanceof List<?> list ? list : List.of(value)) {
                url.append(sep).append(encode(q.getKey())).append('=').append(encode(String.valueOf(v)));
                sep = "&";
            }
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Accept", "application/json");
        connector.descriptor().client().headers().forEach((k, v) -> headers.put(k, connector.resolve(v)));
        req.headers().forEach((k, v) -> headers.put(k, String.valueOf(Template.text(connector.resolve(v), scope))));
        String body = null;
        if (req.body() != null) {
            JsonNode template = req.body();
            if (!bodyFields.isEmpty() && template.isObject()) {
                com.fasterxml.jackson.databind.node.ObjectNode replaced = template.deepCopy();
                bodyFields.forEach(replaced::set);
                template = replaced;
            }
            JsonNode filled = Template.body(resolveParameters(connector, template), scope);
            body = filled.toString();
            headers.put("Content-Type", req.contentType() != null ? req.contentType()
                    : connector.descriptor().client().contentType());
        }
        return new VendorCall(connector.id(), op.name(), req.method(), url.toString(), headers, body);
    }

    private static Object value(Connector connector, JsonNode node, Map<String, Object> scope) {
        if (node.isTextual()) {
            Object v = Template.text(connector.resolve(node.asText()), scope);
            return v instanceof String s && s.isEmpty() && node.asText().contains("${") ? null : v;
        }
        return node.isNull() ? null : node.asText();
    }

    private static JsonNode resolveParameters(Connector connector, JsonNode template) {
        if (template.isTextual()) {
            return com.fasterxml.jackson.databind.node.TextNode.valueOf(connector.resolve(template.asText()));
        }
        if (template.isContainerNode()) {
            JsonNode copy = template.deepCopy();
            if (copy.isObject()) {
                var obj = (com.fasterxml.jackson.databind.node.ObjectNode) copy;
                obj.fieldNames().forEachRemaining(k -> { });
                java.util.List<String> keys = new java.util.ArrayList<>();
                obj.fieldNames().forEachRemaining(keys::add);
                for (String k : keys) {
                    obj.set(k, resolveParameters(connector, obj.get(k)));
                }
            } else {
                var arr = (com.fasterxml.jackson.databind.node.ArrayNode) copy;
                for (int i = 0; i < arr.size(); i++) {
                    arr.set(i, resolveParameters(connector, arr.get(i)));
                }
            }
            return copy;
        }
        return template;
    }

    private static String stripSlash(String base) {
        return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Bytes of the request line and headers as a vendor's front door counts them. */
    public static int headerBytes(VendorCall call) {
        int n = call.method().length() + call.url().length() + 12;
        for (Map.Entry<String, String> h : call.headers().entrySet()) {
            n += h.getKey().length() + h.getValue().length() + 4;
        }
        return n;
    }

    /** The length of the call's URI without scheme and host. */
    public static int uriLength(VendorCall call) {
        java.net.URI uri = java.net.URI.create(call.url());
        return uri.getRawPath().length() + (uri.getRawQuery() == null ? 0 : uri.getRawQuery().length() + 1);
    }
}
