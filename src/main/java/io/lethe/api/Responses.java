package io.lethe.api;

import org.apache.camel.Exchange;
import org.apache.camel.Message;

/** Writes JSON responses; request headers are dropped so none is echoed back to the client. */
public final class Responses {

    private final Json json;

    public Responses(Json json) {
        this.json = json;
    }

    public void json(Exchange exchange, int status, Object body) {
        Message message = exchange.getMessage();
        clearInboundHeaders(message);
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setBody(json.write(body));
    }

    static void clearInboundHeaders(Message message) {
        message.removeHeaders("*", Exchange.HTTP_RESPONSE_CODE);
    }
}
