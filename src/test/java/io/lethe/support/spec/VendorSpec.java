package io.lethe.support.spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.report.LevelResolverFactory;
import com.atlassian.oai.validator.report.ValidationReport;
import io.lethe.demo.sandbox.SandboxRequest;
import io.lethe.demo.sandbox.SandboxServer;
import io.swagger.parser.OpenAPIParser;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.parser.core.models.ParseOptions;

/**
 * A vendor's official OpenAPI description (from /work/shared/vendor-specs, copied under src/test/resources/vendor-specs)
 * as a request validator: attach it to a sandbox and every request the hub sends is checked against the vendor's own
 * rules; {@link #assertNoViolations()} fails the test on any. Uses swagger-request-validator with the workarounds of
 * shared/notes/spec-validation.md: 3.1 files without 3.1 syntax relabelled 3.0.3, root security copied onto every
 * operation (the validator reads operation-level security only), parser messages ignored, extra properties allowed.
 */
public final class VendorSpec {

    private final String name;
    private final OpenApiInteractionValidator validator;
    private final String pathPrefixToStrip;
    private final List<String> violations = new CopyOnWriteArrayList<>();

    private VendorSpec(String name, OpenApiInteractionValidator validator, String pathPrefixToStrip) {
        this.name = name;
        this.validator = validator;
        this.pathPrefixToStrip = pathPrefixToStrip;
    }

    /**
     * Loads a spec file from src/test/resources/vendor-specs/{@code relative}.
     *
     * @param pathPrefixToStrip a prefix of request paths that the spec's server URL holds (e.g. "/api/app" for
     *                          Mixpanel), or "" when its paths are the request paths
     */
    public static VendorSpec load(String relative, String pathPrefixToStrip) {
        Path file = Path.of("src/test/resources/vendor-specs").resolve(relative);
        try {
            String text = Files.readString(file)
                    .replaceFirst("\"openapi\"\\s*:\\s*\"3\\.1\\.0\"", "\"openapi\": \"3.0.3\"")
                    .replaceFirst("(?m)^openapi:\\s*3\\.1\\.0", "openapi: 3.0.3");
            ParseOptions options = new ParseOptions();
            options.setResolve(true);
            options.setResolveFully(true);
            options.setResolveCombinators(false);
            OpenAPI api = new OpenAPIParser().readContents(text, null, options).getOpenAPI();
            if (api.getSecurity() != null) {
                api.getPaths().values().forEach(item -> item.readOperations().forEach(op -> {
                    if (op.getSecurity() == null) {
                        op.setSecurity(api.getSecurity());
                    }
                }));
            }
            OpenApiInteractionValidator validator = OpenApiInteractionValidator.createFor(api)
                    .withLevelResolver(LevelResolverFactory.withAdditionalPropertiesIgnored()).build();
            return new VendorSpec(relative, validator, pathPrefixToStrip);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file, e);
        }
    }

    /** Validates every request the sandbox receives from now on. */
    public VendorSpec attachTo(SandboxServer server) {
        server.onRequest(this::check);
        return this;
    }

    /** The report for one request (also recorded when it has errors). */
    public ValidationReport check(SandboxRequest r) {
        String path = r.path().startsWith(pathPrefixToStrip) ? r.path().substring(pathPrefixToStrip.length()) : r.path();
        SimpleRequest.Builder b = new SimpleRequest.Builder(Request.Method.valueOf(r.method()), path);
        for (Map.Entry<String, List<String>> h : r.headers().entrySet()) {
            b.withHeader(h.getKey(), h.getValue());
        }
        if (r.rawQuery() != null && !r.rawQuery().isEmpty()) {
            for (String pair : r.rawQuery().split("&")) {
                int eq = pair.indexOf('=');
                String k = java.net.URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), java.nio.charset.StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8);
                b.withQueryParam(k, v);
            }
        }
        if (r.body() != null && r.body().length > 0) {
            b.withBody(r.bodyText());
        }
        ValidationReport report = validator.validateRequest(b.build());
        if (report.hasErrors()) {
            List<String> messages = new ArrayList<>();
            report.getMessages().forEach(m -> messages.add(m.getKey() + ": " + m.getMessage()));
            violations.add(r.method() + " " + r.path() + " -> " + messages);
        }
        return report;
    }

    public List<String> violations() {
        return List.copyOf(violations);
    }

    public void assertNoViolations() {
        if (!violations.isEmpty()) {
            throw new AssertionError(name + " refuses " + violations.size() + " request(s): " + violations);
        }
    }
}
