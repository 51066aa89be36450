package io.lethe.api;

/** Who is calling: the name and role of the API key presented. */
public record Principal(String keyName, Role role) {
}
