package io.lethe.api.edge;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.TimeUnit;

import io.lethe.api.AccessPolicy;
import io.lethe.api.ApiKeys;
import io.lethe.api.ApiProblem;
import io.lethe.api.Json;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.impl.Http1xServerConnection;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.impl.VertxWrapper;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PfxOptions;
import io.vertx.ext.web.Router;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Vert.x instance camel-platform-http-main runs its embedded server on (it takes the single {@code Vertx} bean
 * of the registry). camel.server.* offers no idle timeout, no PEM TLS, no way to turn off cleartext HTTP/2 and no
 * hook before the body is read; the server's options and handlers can only be set when Camel creates the server,
 * so that is where this instance sets them, then puts {@link HttpEdge} in front of every route of Camel's router.
 */
public final class HttpEdgeServer extends VertxWrapper {

    private static final Logger LOG = LoggerFactory.getLogger(HttpEdgeServer.class);
    /** Before every route Camel adds (they count up from 0). */
    private static final int FIRST = -1_000_000;

    private final CamelContext camel;
    private final EdgeSettings settings;
    private final Refusals refusals;
    private final HttpEdge edge;
    private final ReadDeadlines deadlines;
    private final RequestScreen screen;

    public HttpEdgeServer(CamelContext camel, EdgeSettings settings, ApiKeys keys, AccessPolicy policy,
            io.lethe.api.RateLimits limits, Json json) {
        super((VertxInternal) Vertx.vertx());
        this.camel = camel;
        this.settings = settings;
        this.refusals = new Refusals(json, delegate);
        this.deadlines = new ReadDeadlines(delegate, settings.readTimeout(), settings.idleTimeout());
        this.screen = new RequestScreen(refusals);
        this.edge = new HttpEdge(keys, policy, settings.defaultBodyLimit(), refusals, deadlines,
                new KeylessHealth(camel), limits);
    }

    @Override
    public HttpServer createHttpServer(HttpServerOptions options) {
        options.setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
        options.setIdleTimeout((int) Math.min(Integer.MAX_VALUE, settings.idleTimeout().toMillis()));
        options.setHttp2ClearTextEnabled(false);
        options.setUseAlpn(false); // HTTP/1.1 only, over TLS too: one framing to police
        if (settings.tls().enabled()) {
            configureTls(options, settings.tls());
        }
        HttpServer server = delegate.createHttpServer(options);
        HttpServerOptions applied = new HttpServerOptions(options);
        server.connectionHandler(connection -> opened(connection, applied));
        server.invalidRequestHandler(this::invalid);
        installEdge();
        return screened(server);
    }

    /**
     * The server as Camel sees it, except that the router Camel hands to {@code requestHandler} only gets requests
     * that passed the {@link RequestScreen}. A proxy: HttpServer has two dozen methods and only this one changes.
     */
    private HttpServer screened(HttpServer server) {
        return (HttpServer) Proxy.newProxyInstance(HttpServer.class.getClassLoader(), new Class<?>[] {HttpServer.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("requestHandler") && args != null && args.length == 1) {
                        @SuppressWarnings("unchecked")
                        Handler<HttpServerRequest> router = (Handler<HttpServerRequest>) args[0];
                        server.requestHandler(screen.before(router));
                        return proxy;
                    }
                    try {
                        Object result = method.invoke(server, args);
                        return result == server ? proxy : result;
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private void opened(HttpConnection connection, HttpServerOptions options) {
        if (connection instanceof Http1xServerConnection http1) {
            ChannelPipeline pipeline = http1.channelHandlerContext().pipeline();
            if (pipeline.get("httpDecoder") != null) {
                pipeline.replace("httpDecoder", "httpDecoder", new StrictRequestDecoder(options));
            }
        }
        deadlines.opened(connection);
    }

    /** Requests the decoder could not read: conflicting framing, an over-long line or header block, bad syntax. */
    private void invalid(HttpServerRequest request) {
        Throwable cause = request.decoderResult().cause();
        ApiProblem problem;
        if (cause instanceof TooLongHttpLineException) {
            problem = new ApiProblem(414, "URI too long", "The request line is too long.");
        } else if (cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException) {
            problem = new ApiProblem(431, "Request header fields too large", "The request headers are too large.");
        } else if (cause != null && StrictRequestDecoder.CONFLICTING_FRAMING.equals(cause.getMessage())) {
            problem = new ApiProblem(400, "Bad request", StrictRequestDecoder.CONFLICTING_FRAMING + ".");
        } else {
            problem = new ApiProblem(400, "Bad request", "The request is not valid HTTP/1.1.");
        }
        LOG.warn("Refused an unreadable request: {}", problem.getMessage());
        refusals.refuse(request, problem);
    }

    private void installEdge() {
        VertxPlatformHttpRouter router = camel.getRegistry().findSingleByType(VertxPlatformHttpRouter.class);
        if (router == null) {
            throw new IllegalStateException("camel-platform-http created a server without a router");
        }
        Router routes = router;
        routes.route().order(FIRST).handler(edge).failureHandler(edge::failed);
    }

    private static void configureTls(HttpServerOptions options, EdgeSettings.Tls tls) {
        options.setSsl(true);
        if (tls.certPem() != null) {
            options.setKeyCertOptions(new PemKeyCertOptions().setCertPath(tls.certPem()).setKeyPath(tls.keyPem()));
        } else {
            options.setKeyCertOptions(new PfxOptions().setPath(tls.keystore()).setPassword(tls.keystorePassword()));
        }
    }

    /** Closes this Vert.x instance after Camel has stopped its server (Camel closes only instances it created). */
    public org.apache.camel.Service closer() {
        return new org.apache.camel.support.service.ServiceSupport() {
            @Override
            protected void doStop() {
                delegate.close().toCompletionStage().toCompletableFuture().join();
            }
        };
    }
}
