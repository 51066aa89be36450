package io.lethe.api;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Renders refusals and failures as {@code application/problem+json}. */
public final class Problems {

    public static final String MEDIA_TYPE = "application/problem+json";
    private static final Logger LOG = LoggerFactory.getLogger(Problems.class);
    private static final String TYPE_BASE = "https://lethe.dev/problems/";

    private final Json json;

    public Problems(Json json) {
        this.json = json;
    }

    /** The problem as a JSON-ready map; also used inside batch results. */
    public static Map<String, Object> body(ApiProblem problem) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", TYPE_BASE + slug(problem.title()));
        body.put("title", problem.title());
        body.put("status", problem.status());
        body.put("detail", problem.getMessage());
        if (!problem.errors().isEmpty()) {
            body.put("errors", problem.errors().stream()
                    .map(Problems::fieldError).toList());
        }
        return body;
    }

    private static Map<String, Object> fieldError(ApiProblem.FieldError error) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("field", error.field());
        item.put("message", error.message());
        return item;
    }

    /** onException handler for {@link ApiProblem}. */
    public void render(Exchange exchange) {
        ApiProblem problem = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, ApiProblem.class);
        write(exchange, problem);
    }

    /** onException handler for anything unexpected: a 500 that reveals nothing, logged without the message body. */
    public void renderFailure(Exchange exchange) {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        LOG.error("Request {} {} failed", exchange.getMessage().getHeader(Exchange.HTTP_METHOD),
                exchange.getMessage().getHeader(Exchange.HTTP_PATH), cause);
        write(exchange, new ApiProblem(500, "Internal error", "The hub could not complete the request; nothing was"
                + " stored. The failure is logged."));
    }

    public void write(Exchange exchange, ApiProblem problem) {
        Message message = exchange.getMessage();
        Responses.clearInboundHeaders(message);
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, problem.status());
        message.setHeader(Exchange.CONTENT_TYPE, MEDIA_TYPE);
        if (problem.status() == 401) {
            message.setHeader("WWW-Authenticate", "Bearer realm=\"lethe\"");
        }
        if (problem instanceof TooManyRequests tooMany) {
            message.setHeader("Retry-After", String.valueOf(tooMany.retryAfterSeconds()));
        }
        message.setBody(json.write(body(problem)));
    }

    private static String slug(String title) {
        return title.toLowerCase().replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
    }
}
