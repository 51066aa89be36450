package io.lethe.api;

import java.io.IOException;
import java.util.Locale;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.apache.camel.Exchange;

/** The API's one JSON mapper: strict when reading (duplicate keys, trailing tokens, deep nesting), ISO dates when writing. */
public final class Json {

    private final ObjectMapper mapper = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .addModule(new JavaTimeModule())
            .build();

    public Json() {
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(32).maxStringLength(1 << 20).maxNumberLength(100).build());
    }

    /** The request's JSON object body: 415 for another media type, 400 for anything but one well-formed object. */
    public JsonNode readObject(Exchange exchange) {
        String contentType = exchange.getMessage().getHeader(Exchange.CONTENT_TYPE, "", String.class);
        String mediaType = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (!mediaType.equals("application/json") && !mediaType.endsWith("+json")) {
            throw new ApiProblem(415, "Unsupported media type", "Send the body as application/json.");
        }
        return readObject(exchange.getMessage().getBody(byte[].class));
    }

    JsonNode readObject(byte[] body) {
        if (body == null || body.length == 0) {
            throw ApiProblem.invalid("body", "a JSON object is required");
        }
        JsonNode node;
        try {
            node = mapper.readTree(body);
        } catch (IOException e) {
            // Jackson's message may quote the input: say only where it broke.
            String where = e instanceof JsonProcessingException j && j.getLocation() != null
                    ? " at line " + j.getLocation().getLineNr() + ", column " + j.getLocation().getColumnNr() : "";
            throw ApiProblem.invalid("body", "malformed JSON" + where);
        }
        if (node == null || !node.isObject()) {
            throw ApiProblem.invalid("body", "must be a JSON object");
        }
        return node;
    }

    public String write(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("response is not serialisable", e);
        }
    }

    public ObjectMapper mapper() {
        return mapper;
    }
}
