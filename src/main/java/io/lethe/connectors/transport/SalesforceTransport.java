package io.lethe.connectors.transport;

import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import io.lethe.connectors.engine.VendorAnswer;
import io.lethe.connectors.engine.VendorCall;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.salesforce.AuthenticationType;
import org.apache.camel.component.salesforce.SalesforceComponent;
import org.apache.camel.component.salesforce.SalesforceEndpointConfig;
import org.apache.camel.component.salesforce.api.SalesforceException;

/**
 * The steps of {@code routes/connectors-salesforce.camel.yaml}: a {@link VendorCall} becomes camel-salesforce's
 * {@code raw} operation on the connector's own component (which holds the OAuth session: login, refresh, a second
 * login on 401), and what comes back becomes a {@link VendorAnswer}.
 *
 * <p>What camel-salesforce 4.18 does, read in its sources: {@code RawProcessor} appends {@code rawQueryParameters}
 * (header names) to {@code rawPath} re-encoded with {@code URLEncoder} and sends {@code instanceUrl + rawPath}, so the
 * call's own query is passed verbatim in {@code rawPath} instead: what the engine measured against the URI limit is
 * what is sent. Only exchange headers named in {@code rawHttpHeaders} (and those starting {@code Sforce} or
 * {@code x-sfdc}) reach the wire, next to its own {@code Authorization}, {@code Accept} and {@code Content-Type}.
 * Answers keep {@code Sforce-*} headers and the status in {@code CamelHttpResponseCode}; a non-2xx status is a
 * {@link SalesforceException} with {@code getStatusCode()} and the body still on the message; a request that never
 * got an answer (refused connection, timeout, or Jetty refusing "Request headers too large" before anything is
 * sent, once {@code HEADER_OVERFLOW}) is a
 * {@code SalesforceException} whose message holds the full URI, so it is never passed on as it is.
 */
public final class SalesforceTransport {

    /** Camel's and camel-salesforce's headers this route reads (never sent: {@code rawHttpHeaders} lists the sent). */
    static final String RAW_PATH = SalesforceEndpointConfig.RAW_PATH;
    static final String RAW_METHOD = SalesforceEndpointConfig.RAW_METHOD;
    static final String RAW_HEADERS = SalesforceEndpointConfig.RAW_HTTP_HEADERS;
    static final String COMPONENT = "letheSalesforceComponent";

    /** The component name of a connector ({@code lethe-salesforce}), used by the route's {@code toD}. */
    public static String componentName(String connectorId) {
        return "lethe-" + connectorId;
    }

    /**
     * Registers the connector's camel-salesforce component, one per connector (as the salesforce kamelets do), from
     * the connector file's {@code client.auth} values: loginUrl, clientId, clientSecret, refreshToken or username +
     * password (neither: client credentials), apiVersion. It logs in on the first call, so start-up never waits for
     * or fails on Salesforce.
     */
    public static void register(CamelContext context, String connectorId, Map<String, String> session) {
        SalesforceComponent sf = new SalesforceComponent(context);
        sf.setLoginUrl(session.get("loginUrl"));
        sf.setClientId(session.get("clientId"));
        sf.setClientSecret(session.get("clientSecret"));
        if (!blank(session.get("refreshToken"))) {
            sf.setRefreshToken(session.get("refreshToken"));
            sf.setAuthenticationType(AuthenticationType.REFRESH_TOKEN);
        } else if (!blank(session.get("username"))) {
            sf.setUserName(session.get("username"));
            sf.setPassword(session.get("password"));
            sf.setAuthenticationType(AuthenticationType.USERNAME_PASSWORD);
        } else {
            sf.setAuthenticationType(AuthenticationType.CLIENT_CREDENTIALS);
        }
        sf.setLazyLogin(true);
        SalesforceEndpointConfig config = new SalesforceEndpointConfig();
        config.setApiVersion(session.get("apiVersion"));
        config.setRawPayload(true);
        sf.setConfig(config);
        context.addComponent(componentName(connectorId), sf);
        try {
            context.addStartupListener(new org.apache.camel.StartupListener() {
                @Override
                public void onCamelContextStarted(CamelContext ctx, boolean alreadyStarted) { // too early
                }

                @Override
                public void onCamelContextFullyStarted(CamelContext ctx, boolean alreadyStarted) {
                    logInAhead(sf);
                }
            });
        } catch (Exception e) {
            throw new IllegalStateException("cannot register the Salesforce log-in ahead", e);
        }
    }

    /**
     * Logs in once the hub has started, on a thread of its own, so that the first opt-out does not wait for the
     * OAuth round trip (it did: the slowest idle sample of the propagation benchmark). Start-up neither waits for it
     * nor fails on it: if Salesforce cannot be reached now, the first call logs in as before.
     */
    static void logInAhead(SalesforceComponent sf) {
        Thread t = new Thread(() -> {
            try {
                var session = sf.getSession();
                if (session != null && session.getAccessToken() == null) {
                    session.login(null);
                }
            } catch (Exception | LinkageError notNow) {
                // the first call logs in (and reports a failure through the connector's error rules)
            }
        }, "lethe-salesforce-login");
        t.setDaemon(true);
        t.start();
    }

    /** Route step: the call's method, path + query and headers as camel-salesforce's raw headers; the body as is. */
    public void request(Exchange exchange) {
        Message in = exchange.getIn();
        VendorCall call = in.getBody(VendorCall.class);
        exchange.setProperty(COMPONENT, componentName(call.connectorId()));
        in.removeHeaders("*"); // nothing of the hub's reaches Salesforce: only the call's own headers below
        URI uri = URI.create(call.url());
        in.setHeader(RAW_METHOD, call.method());
        in.setHeader(RAW_PATH, uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
        if (!call.headers().isEmpty()) {
            call.headers().forEach(in::setHeader);
            in.setHeader(RAW_HEADERS, String.join(",", call.headers().keySet()));
        }
        in.setBody(call.body());
    }

    /** Route step after a 2xx answer. */
    public void answer(Exchange exchange) {
        Message in = exchange.getIn();
        exchange.getIn().setBody(new VendorAnswer(status(in, 200), vendorHeaders(in), text(in.getBody())));
    }

    /**
     * Route step for a {@link SalesforceException}: a status is an answer like any other (the connector file's error
     * rules judge it); a request refused by the HTTP client for its size is answered 431, as Salesforce would; no
     * answer at all is a {@link TransportFailure} (retried), without the exception's message, which holds the URI.
     */
    public void refused(Exchange exchange) throws TransportFailure {
        Message in = exchange.getIn();
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        int status = caught instanceof SalesforceException sf ? sf.getStatusCode() : 0;
        if (tooLarge(caught)) {
            in.setBody(new VendorAnswer(431, Map.of(),
                    "[{\"errorCode\":\"HEADER_OVERFLOW\",\"message\":\"request too large: not sent\"}]"));
        } else if (status >= 100) {
            in.setBody(new VendorAnswer(status, vendorHeaders(in), text(in.getBody())));
        } else {
            throw new TransportFailure("Salesforce gave no answer ("
                    + (caught == null ? "unknown" : rootCause(caught).getClass().getSimpleName()) + ")");
        }
    }

    /** Refused for its size by Jetty before it left, or by Salesforce (414, 431): sending again cannot help. */
    static boolean tooLarge(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SalesforceException sf && (sf.getStatusCode() == 414 || sf.getStatusCode() == 431)) {
                return false; // Salesforce's own answer: passed on with its status and body
            }
            String message = t.getMessage() == null ? "" : t.getMessage();
            // Jetty 12 (camel-salesforce 4.18): IllegalArgumentException "Request headers too large"; older: HEADER_OVERFLOW
            if (message.contains("HEADER_OVERFLOW") || message.matches("(?s).*Request headers? too large.*")
                    || message.contains("URI Too Long")) {
                return true;
            }
        }
        return false;
    }

    private static Throwable rootCause(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    private static int status(Message in, int fallback) {
        Object code = in.getHeader(Exchange.HTTP_RESPONSE_CODE);
        try {
            return code == null ? fallback : Integer.parseInt(code.toString());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /** The answer's Salesforce headers (camel-salesforce keeps only {@code Sforce-*}, e.g. Sforce-Limit-Info). */
    private static Map<String, String> vendorHeaders(Message in) {
        Map<String, String> headers = new LinkedHashMap<>();
        in.getHeaders().forEach((k, v) -> {
            if (k.regionMatches(true, 0, "Sforce", 0, 6) && v != null) {
                headers.put(k, v.toString());
            }
        });
        return headers;
    }

    private static String text(Object body) {
        if (body == null) {
            return "";
        }
        if (body instanceof InputStream stream) {
            try (stream) {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (java.io.IOException e) {
                return "";
            }
        }
        return body.toString();
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
