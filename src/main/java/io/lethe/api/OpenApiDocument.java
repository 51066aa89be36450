package io.lethe.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.apache.camel.Exchange;

/**
 * The hub's OpenAPI document, written by hand in {@code api/openapi.yaml} (it is the contract, not generated from
 * code) and served as JSON. The guard's access policy is read from the same document.
 */
public final class OpenApiDocument {

    static final String RESOURCE = "api/openapi.yaml";

    private final JsonNode document;
    private final String asJson;

    private OpenApiDocument(JsonNode document, String asJson) {
        this.document = document;
        this.asJson = asJson;
    }

    public static OpenApiDocument load() {
        try (InputStream in = OpenApiDocument.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            }
            JsonNode document = new ObjectMapper(new YAMLFactory()).readTree(in);
            return new OpenApiDocument(document, new ObjectMapper().writeValueAsString(document));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public JsonNode tree() {
        return document;
    }

    public void serve(Exchange exchange) {
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().setBody(asJson);
    }
}
