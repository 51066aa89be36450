package io.lethe.api.edge;

import io.netty.handler.codec.http.HttpMessage;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;

/**
 * Vert.x's HTTP/1.1 request decoder, except that a request carrying both {@code Content-Length} and
 * {@code Transfer-Encoding} is refused as malformed. Netty's default drops the Content-Length and reads the body as
 * chunked; a proxy in front may have framed the same bytes by Content-Length, which is how requests are smuggled.
 */
final class StrictRequestDecoder extends VertxHttpRequestDecoder {

    static final String CONFLICTING_FRAMING = "Content-Length and Transfer-Encoding must not be sent together";

    StrictRequestDecoder(HttpServerOptions options) {
        super(options);
    }

    @Override
    protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
        // Thrown inside header parsing: Netty turns it into a failed decoder result, Vert.x hands that to the
        // server's invalid-request handler and reads nothing more from the connection.
        throw new IllegalArgumentException(CONFLICTING_FRAMING);
    }
}
