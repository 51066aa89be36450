package io.lethe.demo.sandbox;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * HubSpot's CRM v3 contact batches: {@code batch/read} (the schema requires inputs, properties and
 * propertiesWithHistory) and {@code batch/update}. Inputs HubSpot cannot find come back as a 207 with an
 * OBJECT_NOT_FOUND error naming them in {@code context.ids}.
 */
final class HubSpotBatches {

    /** Properties a contact has in a default portal; writing any other is HubSpot's PROPERTY_DOESNT_EXIST. */
    static final Set<String> WRITABLE = Set.of("email", "firstname", "lastname", "phone", "company", "lifecyclestage",
            "website", "city", "country", "jobtitle");

    private HubSpotBatches() {
    }

    static SandboxResponse read(HubSpotContacts contacts, JsonNode body) {
        for (String field : List.of("inputs", "properties", "propertiesWithHistory")) {
            if (!body.path(field).isArray()) {
                return HubSpotBehaviour.error(400, "VALIDATION_ERROR",
                        "Invalid input JSON: the required field '" + field + "' is missing or not an array");
            }
        }
        int max = body.path("propertiesWithHistory").isEmpty() ? HubSpotBehaviour.BATCH_MAX
                : HubSpotBehaviour.BATCH_READ_WITH_HISTORY_MAX;
        JsonNode inputs = body.path("inputs");
        if (inputs.isEmpty() || inputs.size() > max) {
            return HubSpotBehaviour.error(400, "VALIDATION_ERROR", "inputs must hold 1 to " + max + " items");
        }
        String idProperty = body.path("idProperty").isTextual() ? body.path("idProperty").asText() : null;
        List<String> properties = new ArrayList<>();
        body.path("properties").forEach(p -> properties.add(p.asText()));
        Map<Long, ObjectNode> found = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (JsonNode input : inputs) {
            if (!input.path("id").isTextual()) {
                return HubSpotBehaviour.error(400, "VALIDATION_ERROR", "every input needs an id");
            }
            Long id = contacts.find(idProperty, input.path("id").asText());
            if (id == null) {
                missing.add(input.path("id").asText());
            } else {
                found.put(id, contacts.record(id, properties));
            }
        }
        return answer(found.values(), missing, "Could not get some CONTACT objects, they may be deleted or not exist."
                + " Check that ids are valid.");
    }

    static SandboxResponse update(HubSpotContacts contacts, JsonNode body) {
        JsonNode inputs = body.path("inputs");
        if (!inputs.isArray() || inputs.isEmpty() || inputs.size() > HubSpotBehaviour.BATCH_MAX) {
            return HubSpotBehaviour.error(400, "VALIDATION_ERROR",
                    "inputs must hold 1 to " + HubSpotBehaviour.BATCH_MAX + " items");
        }
        for (JsonNode input : inputs) {
            if (!input.path("id").isTextual() || !input.path("properties").isObject()) {
                return HubSpotBehaviour.error(400, "VALIDATION_ERROR", "every input needs an id and properties");
            }
            for (var names = input.path("properties").fieldNames(); names.hasNext();) {
                String name = names.next();
                if (!WRITABLE.contains(name)) {
                    return HubSpotBehaviour.error(400, "VALIDATION_ERROR", "Property values were not valid:"
                            + " PROPERTY_DOESNT_EXIST " + name);
                }
            }
        }
        List<ObjectNode> updated = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (JsonNode input : inputs) {
            String idProperty = input.path("idProperty").isTextual() ? input.path("idProperty").asText() : null;
            Long id = contacts.find(idProperty, input.path("id").asText());
            Map<String, String> changes = new LinkedHashMap<>();
            input.path("properties").fields().forEachRemaining(f -> changes.put(f.getKey(), f.getValue().asText()));
            if (id == null || !contacts.update(id, changes)) {
                missing.add(input.path("id").asText());
            } else {
                updated.add(contacts.record(id, changes.keySet()));
            }
        }
        return answer(updated, missing, "Could not update some CONTACT objects: they do not exist or the new e-mail"
                + " belongs to another contact.");
    }

    private static SandboxResponse answer(Iterable<ObjectNode> results, List<String> missing, String message) {
        String now = java.time.Instant.now().toString();
        ObjectNode answer = Json.object().put("status", "COMPLETE");
        ArrayNode r = answer.putArray("results");
        results.forEach(r::add);
        if (!missing.isEmpty()) {
            answer.put("numErrors", 1);
            ObjectNode error = answer.putArray("errors").addObject().put("status", "error")
                    .put("category", "OBJECT_NOT_FOUND").put("message", message);
            ArrayNode ids = error.putObject("context").putArray("ids");
            missing.forEach(ids::add);
        }
        answer.put("startedAt", now).put("completedAt", now);
        return SandboxResponse.json(missing.isEmpty() ? 200 : 207, answer.toString());
    }
}
