package io.lethe.connectors;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** One vendor as {@code connectors/<id>.yaml} declares it; see {@link DescriptorValidator} for the rules. */
public record ConnectorDescriptor(Path file, String id, String title, String category, String adapter, String identity,
        List<String> dataCategories, Map<String, Parameter> parameters, Map<String, String> purposes, boolean pushOptIns,
        Map<String, Operation> operations) {

    /** A setting the connector takes: property {@code lethe.<id>.<kebab-name>}, env {@code LETHE_<ID>_<NAME>}. */
    public record Parameter(String name, String description, String defaultValue, boolean required, boolean secret) {
    }

    /** One kind of vendor call. Strings may hold {@code {{parameter}}} placeholders. */
    public record Operation(String name, String method, String endpoint, int batchMax, RateLimit rateLimit, String auth,
            String each, String query) {
    }

    /** At most {@code requests} calls per {@code periodMillis}. */
    public record RateLimit(int requests, long periodMillis) {
    }

    public Operation operation(String name) {
        Operation op = operations.get(name);
        if (op == null) {
            throw new IllegalStateException(id + " declares no " + name + " operation");
        }
        return op;
    }
}
